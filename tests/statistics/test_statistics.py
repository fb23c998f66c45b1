"""Statistics of a call: every figure recomputed here from the raw rows and compared with what the city,
the public and open-data users get (admin page, results page, CSV, JSON)."""

from __future__ import annotations

import csv
import io
import json
import re
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.models import Applicant, Application, Candidacy
from applications.staff import CITY_APPROVERS, SCREENING_CONTRACTORS
from applications.statistics.aggregates import call_statistics
from applications.statistics.models import AgeBand, Device, Occupation
from applications.statistics.public import bilingual
from applications.statistics.services import survey_answer
from applications.statistics.tallies import tallies_rebuild
from recruitment.formatting import format_japan_datetime
from tests.applications.factories import make_applicant, make_application, staff
from tests.recruitment import factories as f
from tests.statistics.conftest import hyogo_city
from tests.statistics.helpers import expected_figures, select, shortlist, start_of_day, submit

pytestmark = pytest.mark.django_db
S = Candidacy.Status


@pytest.fixture
def kobe(kobe_and_demo_users_world):
    return kobe_and_demo_users_world


def publish_results(call, **fields):
    call.results_published = True
    for name, value in fields.items():
        setattr(call, name, value)
    call.save_revision().publish()


def cell(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}">([^<]*)<', html).group(1).strip()


def row_cells(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}".*?</table>', html, re.S).group(0)
    body = table.split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S)
    ]


def test_the_admin_page_shows_each_figure_as_the_raw_rows_give_it(client, kobe, demo_users):
    call, roles = kobe
    want = expected_figures(call)
    assert (want["applications"], want["people"]) == (14, 11)  # applications and people kept apart
    approver = staff("kobe_approver", CITY_APPROVERS)
    f.member(approver, call.organisation, "approver")
    client.force_login(approver)
    html = client.get(reverse("call_statistics", args=[call.pk])).content.decode()

    assert cell(html, "stat-applications") == "14"
    assert cell(html, "stat-people") == "11"
    for row in row_cells(html, "stat-roles"):
        role = next(r for r in roles if r.title == row[0])
        got = want["by_role"][role.pk]
        assert row[4] == str(got["applications"])
        assert Decimal(row[5]) == (Decimal(got["applications"]) / role.headcount).quantize(Decimal("0.1"))
        assert (row[7], row[8], row[9]) == (str(got["shortlisted"]), str(got["interviewed"]), str(got["hired"]))
    days = {r[0]: (int(r[1]), int(r[2])) for r in row_cells(html, "stat-days")}
    running = 0
    for day in sorted(days):
        running += want["days"].get(datetime.fromisoformat(day).date(), 0)
        assert days[day] == (want["days"].get(datetime.fromisoformat(day).date(), 0), running)
    assert running == 14
    prefectures = {r[0]: int(r[3]) for r in row_cells(html, "stat-prefectures")}
    assert prefectures == want["prefectures"]
    prefecture_applications = {r[0]: int(r[2]) for r in row_cells(html, "stat-prefectures")}
    assert prefecture_applications == want["prefecture_applications"]
    assert f"{want['outside']}人 / 11人({want['share_outside']}%)" in html
    languages = {r[0]: int(r[1]) for r in row_cells(html, "stat-languages")}
    assert languages == {"日本語 Japanese": want["languages"]["ja"], "英語 English": want["languages"]["en"]}
    devices = {r[0]: int(r[1]) for r in row_cells(html, "stat-devices")}
    labels = {"phone": "スマートフォン Smartphone", "tablet": "タブレット Tablet", "desktop": "パソコン Computer"}
    assert devices == {labels[code]: n for code, n in want["devices"].items()}
    assert sum(devices.values()) == 14
    tile_map = re.search(r'<svg[^>]*data-chart="prefecture-map".*?</svg>', html, re.S).group(0)
    assert tile_map.count("<g data-code=") == 47  # every prefecture, JIS X 0401
    assert re.search(r'<g data-code="28"><rect[^>]*stroke-width="3"', tile_map)  # Hyogo, the city's own
    assert "<svg" in html
    assert "締切" in html


def test_public_page_csv_and_json_agree_with_the_raw_rows_and_suppress_small_cells(client, kobe):
    call, (newsletter, instagram, quiet) = kobe
    want = expected_figures(call)
    publish_results(call, results_note="書類選考を終えました。")
    city, slug = call.organisation.slug, call.slug

    html = client.get(reverse("call_results", args=[city, slug])).content.decode()
    data = json.loads(client.get(reverse("call_results_json", args=[city, slug])).content)
    raw = client.get(reverse("call_results_csv", args=[city, slug])).content
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM, for spreadsheet programs
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))

    totals = data["totals"]
    assert (totals["applications"], totals["people"]) == (14, 11)
    assert totals["people_outside_prefecture"] == want["outside"]
    assert Decimal(str(totals["share_outside_prefecture_percent"])) == want["share_outside"]
    total_row = rows[0]
    assert (total_row["record"], total_row["applications"], total_row["people"]) == ("total", "14", "11")
    assert "書類選考を終えました。" in html
    assert "同じ表の他の数も小さい順に「秘匿」とします" in html  # the rule, in the page's help text

    by_title = {r["title"]: r for r in data["roles"]}
    csv_roles = {r["name"]: r for r in rows if r["record"] == "role"}
    page_roles = {r[0]: r for r in row_cells(html, "results-roles")}
    # 11, 6 and 2 applications. The total per post gives their sum (19 over 6 posts), so hiding only the
    # 2 would give it back by subtraction: the next smallest, 6, is withheld with it (「秘匿」).
    counts = [want["by_role"][role.pk]["applications"] for role in (newsletter, instagram, quiet)]
    assert counts == [11, 6, 2]
    for role, count, text in ((newsletter, 11, "11"), (instagram, None, "秘匿"), (quiet, None, "5未満")):
        assert by_title[role.title]["applications"] == count
        assert csv_roles[role.title]["applications"] == page_roles[role.title][2] == text
        # A hidden count's ratio per post is hidden with it, the same way.
        assert csv_roles[role.title]["applications_per_post"] == page_roles[role.title][3]
        assert (by_title[role.title]["applications_per_post"] is None) == (count is None)
    assert page_roles[instagram.title][3] == "秘匿"
    assert csv_roles[newsletter.title]["applications_per_post"] == "11.0"
    # One hire: suppressed; a role with no hire shows 0 (and the total, 1, is under 5 too).
    assert by_title[newsletter.title]["hired"] is None
    assert by_title[instagram.title]["hired"] == 0
    assert totals["hired"] is None

    prefectures = {p["code"]: p["people"] for p in data["prefectures"]}
    assert len(prefectures) == 47
    assert prefectures["28"] == want["prefectures"]["28"] == 5
    assert prefectures["47"] is None  # one person from Okinawa: suppressed
    assert prefectures["01"] == 0
    csv_prefectures = {r["code"]: r["people"] for r in rows if r["record"] == "prefecture"}
    assert csv_prefectures["47"] == csv_prefectures["27"] == "5未満"  # Okinawa 1, Osaka 2: 3 together
    # ... still under 5 together, so the smallest shown one (Tokyo, 5, before Hyogo's 5) is withheld too.
    assert (want["prefectures"]["13"], prefectures["13"], csv_prefectures["13"]) == (5, None, "秘匿")
    assert csv_prefectures["28"] == "5"
    # Nothing that names a person leaves the building.
    for text in (html, json.dumps(data, ensure_ascii=False), raw.decode("utf-8-sig")):
        assert not re.search(r"\bp\d+@example\.jp", text)
        assert "応募1" not in text


def test_results_stay_hidden_until_the_city_publishes_them_then_come_from_the_page_cache(client, kobe, settings):
    call, _roles = kobe
    settings.KOBO_PAGE_CACHE_SECONDS = 600
    cache.clear()
    url = reverse("call_results", args=[call.organisation.slug, call.slug])
    json_url = reverse("call_results_json", args=[call.organisation.slug, call.slug])
    assert client.get(url).status_code == 404
    assert client.get(json_url).status_code == 404
    call.results_published = True
    call.save_revision()  # a draft: not published yet
    assert client.get(url).status_code == 404

    publish_results(call, results_note="第1報")
    first = client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url)
    assert (first["X-Page-Cache"], second["X-Page-Cache"]) == ("miss", "hit")
    assert len(ctx.captured_queries) == 0
    assert "第1報" in second.content.decode()

    publish_results(call, results_note="第2報")  # the city publishes an update: the cache drops the old page
    assert "第2報" in client.get(url).content.decode()
    cache.clear()


def test_another_citys_approver_gets_404_and_an_assigned_contractor_sees_counts(client, kobe, demo_users):
    call, _roles = kobe
    url = reverse("call_statistics", args=[call.pk])
    stranger = staff("other_approver", CITY_APPROVERS)
    f.member(stranger, f.organisation(), "approver")
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    contractor = staff("contractor_kobe", SCREENING_CONTRACTORS, call=call)
    client.force_login(contractor)
    html = client.get(url).content.decode()
    assert cell(html, "stat-applications") == "14"
    assert not re.search(r"\bp\d+@example\.jp", html)
    assert "応募1" not in html
    client.logout()
    assert client.get(url).status_code == 302  # to the admin login


@pytest.mark.parametrize("size", [10, 200])
def test_the_statistics_take_the_same_queries_for_10_and_200_applications(client, demo_users, size):
    org = hyogo_city()
    call = f.call(organisation=org)
    roles = [f.role(call, headcount=2) for _ in range(3)]
    applicants = [make_applicant(email=f"q{n}@example.jp", prefecture=["兵庫県", "東京都"][n % 2]) for n in range(size)]
    Applicant.objects.bulk_create(applicants)
    applications = [
        make_application(call, a, submitted_at=start_of_day(20) + timedelta(hours=5 * n))
        for n, a in enumerate(applicants)
    ]
    Application.objects.bulk_create(applications)
    Candidacy.objects.bulk_create(
        Candidacy(
            application=app, applicant=app.applicant, email_key=app.applicant.email_key, role=roles[n % 3], rank=1
        )
        for n, app in enumerate(applications)
    )
    tallies_rebuild(call_id=call.pk)  # rows made without the services: their tallies made from the rows
    approver = staff(f"approver{size}", CITY_APPROVERS)
    f.member(approver, org, "approver")
    client.force_login(approver)
    url = reverse("call_statistics", args=[call.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert cell(response.content.decode(), "stat-applications") == str(size)
    call = type(call).objects.get(pk=call.pk)
    with CaptureQueriesContext(connection) as figures:
        call_statistics(call=call)
    # The organisation, the roles, the call's tallies and its interviews: four queries, whatever the size.
    assert len(figures.captured_queries) == 4
    assert "applications_candidacy" not in " ".join(q["sql"] for q in figures.captured_queries)
    # The whole page (session, user, groups, call, aggregates, Wagtail's admin chrome) is the same at both sizes.
    assert len(ctx.captured_queries) == QUERIES.setdefault("page", len(ctx.captured_queries))


def test_a_new_submission_shows_at_once_and_a_status_change_too(kobe, kobe_staff):
    call, (newsletter, instagram, _quiet) = kobe
    before = call_statistics(call=call)
    submit(call, [instagram], email="late@example.jp", prefecture="北海道", when=start_of_day(9))
    after = call_statistics(call=call)
    assert (after.applications, after.people) == (before.applications + 1, before.people + 1)
    assert {p.code: p.people for p in after.prefectures}["01"] == 1
    approver = staff("late_decider", CITY_APPROVERS, organisation=call.organisation)
    waiting = Candidacy.objects.filter(role=instagram, status=S.SUBMITTED).select_related("role", "application__call")
    shortlisted = [shortlist(candidacy, kobe_staff["contractor"]) for candidacy in waiting]
    for candidacy in shortlisted[: instagram.headcount]:  # a final decision fills the places, no more
        select(candidacy, approver)
    stats = call_statistics(call=call)
    hired = {r.role.pk: r.hired for r in stats.roles}
    assert hired[instagram.pk] == Candidacy.objects.filter(role=instagram, status=S.SELECTED).count() > 0
    assert hired[newsletter.pk] == 1
    assert stats.hired == expected_figures(call)["by_role"][instagram.pk]["hired"] + 1


QUERIES: dict[str, int] = {}


def test_the_press_summary_pdf_and_csv_carry_the_public_figures_dated_to_the_minute(
    client, kobe, demo_users, tmp_path, monkeypatch
):
    from cms.web.storage import PrivateFileSystemStorage
    from exports.jobs import export_render, export_request
    from exports.models import ExportJob
    from tests.exports.conftest import pdffonts, pdftotext

    monkeypatch.setattr(ExportJob._meta.get_field("file"), "storage", PrivateFileSystemStorage(location=str(tmp_path)))
    call, (newsletter, instagram, quiet) = kobe
    for n, application in enumerate(Application.objects.filter(call=call).order_by("submitted_at", "pk")[:6]):
        answers = {"age_band": "30s" if n < 5 else "40s", "occupation": "employee"}
        survey_answer(application=application, answers=answers)
    want = expected_figures(call)
    approver = staff("press_approver", CITY_APPROVERS)
    f.member(approver, call.organisation, "approver")
    job = export_request(call=call, kind=ExportJob.Kind.PRESS_SUMMARY, by=approver)
    job = export_render(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE, job.error
    assert (job.pages, job.rows, len(job.sha256)) == (1, 0, 64)  # one page, nobody's data, hashed
    fonts = [line for line in pdffonts(Path(job.file.path)).splitlines()[2:] if "CJK" in line]
    assert fonts, pdffonts(Path(job.file.path))
    assert all(line.split()[-5] == "yes" for line in fonts), "the CJK font must be embedded"
    text = re.sub(r"\s+", " ", pdftotext(Path(job.file.path)))
    totals = re.search(r"全体 Totals (.*?) 採用 Hired (\S+) (\S+) (\S+) (\S+) (\S+) (\(\S+%\) )?(\S+) ", text)
    assert totals, text
    headings = "応募 Applications 応募者(人) People 募集人数 Posts 倍率 Per post 兵庫県外から From outside"
    assert totals.group(1) == headings
    assert totals.group(2, 3, 4) == (str(want["applications"]), str(want["people"]), "6")  # applications, people, posts
    assert (totals.group(6), totals.group(7)) == (str(want["outside"]), f"({want['share_outside']}%) ")
    assert totals.group(8) == "5未満"  # one hire: suppressed
    minutes = {format_japan_datetime(moment, "ja") for moment in (job.started_at, job.finished_at)}
    assert any(f"{minute} 現在(日本時間)" in text for minute in minutes), text
    assert re.search(rf"{newsletter.title} 1 11 11.0 ", text)
    assert re.search(rf"{instagram.title} 3 秘匿 秘匿", text)  # withheld with the quiet role's 2
    assert re.search(rf"{quiet.title} 2 5未満 5未満", text)  # 2 applications: suppressed, ratio too
    # Device and language of submission, and the survey: each count from the rows, under 5 suppressed.
    for code, label in Device.choices:
        count = want["devices"].get(code, 0)
        if count >= 5:
            share = (Decimal(100) * count / want["applications"]).quantize(Decimal("0.1"), ROUND_HALF_UP)
            assert f"{bilingual(label)} {count} {share}%" in text, (label, text)
        elif count:
            assert f"{bilingual(label)} 5未満 -" in text, (label, text)
    assert (want["devices"]["phone"], want["languages"]["ja"], want["languages"]["en"]) == (9, 13, 1)
    # English 1 of 14: Japanese 13 beside it would give it back, so it is withheld, its share too.
    assert "日本語 Japanese 秘匿 -" in text
    assert "英語 English 5未満 -" in text
    assert want["survey"]["age_band"] == {"30s": 5, "40s": 1}
    assert f"{bilingual(AgeBand.THIRTIES.label)} 秘匿" in text  # five, withheld with the one
    assert f"{bilingual(AgeBand.FORTIES.label)} 5未満" in text  # one: suppressed
    # Six responses would still pin them (「秘匿」 is 5 or more, 「5未満」 at least 1): the total is withheld.
    assert want["survey_responses"] == 6
    assert "回答 秘匿 件" in text
    assert f"{bilingual(Occupation.EMPLOYEE.label)} 6 " in text
    assert f"{bilingual(AgeBand.SIXTIES.label)} 0 " in text  # none is none
    assert "p0@example.jp" not in text

    client.force_login(approver)
    response = client.get(reverse("call_statistics_press_csv", args=[call.pk]))
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert (rows[0]["applications"], rows[0]["people"]) == ("14", "11")
    assert re.search(r'filename="press-summary-TEST-\d{4}-\d{8}-\d{4}\.csv"', response["Content-Disposition"])
