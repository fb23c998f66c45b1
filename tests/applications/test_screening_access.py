"""The screening workspace: who sees what, blind review, independent reviews, audit, and a list that scales."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from applications.models import (
    Applicant,
    Application,
    Assignment,
    Attachment,
    AuditEntry,
    Candidacy,
    OrganisationMember,
    Review,
)
from applications.staff import SCREENING_CONTRACTORS
from tests.applications.factories import make_applicant, make_application, staff
from tests.conftest import demo_site, shared_world
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

S = Candidacy.Status
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
RUBRIC = [
    ("criterion", {"name": "実績", "name_en": "Track record", "description": "過去の制作物の質と量", "weight": "2",
                   "max_score": 5}),
    ("criterion", {"name": "文章力", "name_en": "Writing", "description": "読みやすさと正確さ", "weight": "1",
                   "max_score": 3}),
]  # fmt: skip

#: Values that must never reach a blind reviewer's screen.
SECRET = {
    "family_name": "鷲羽山",
    "given_name": "琥珀丸",
    "family_name_kana": "ワシュウザン",
    "given_name_kana": "コハクマル",
    "email": "kohakumaru.washuzan@example.jp",
    "phone": "0799-55-4321",
    "postal_code": "656-0987",
}
ATTACHMENT_NAME = "鷲羽山琥珀丸 作品集.pdf"


@dataclass
class World:
    call_a: Any
    call_b: Any
    role_a: Any
    role_b: Any
    candidacy_a: Candidacy
    candidacy_b: Candidacy
    attachment_a: Attachment
    users: dict[str, Any]


@shared_world
def screening_world():
    """Two cities' blind calls and their staff, built once for the tests of this file (each undone after it)."""
    demo_site()
    built = build_world()
    yield built
    built.attachment_a.file.delete(save=False)


@pytest.fixture
def world(screening_world):
    return screening_world


def build_world() -> World:
    """Two cities' blind calls, a candidacy with an attachment in each, and the demo staff placed in city A."""
    User = get_user_model()
    org_a, org_b = f.organisation(), f.organisation()
    call_a = f.call(organisation=org_a, blind_review=True)
    call_b = f.call(organisation=org_b, blind_review=True)
    role_a = f.role(call_a, rubric=RUBRIC)
    role_b = f.role(call_b, rubric=RUBRIC)

    applicant = make_applicant(**SECRET)
    applicant.save()
    application_a = make_application(call_a, applicant)
    application_a.save()
    candidacy_a = Candidacy.objects.create(application=application_a, applicant=applicant, role=role_a, rank=1)
    other = make_applicant()
    other.save()
    application_b = make_application(call_b, other)
    application_b.save()
    candidacy_b = Candidacy.objects.create(application=application_b, applicant=other, role=role_b, rank=1)

    attachment = Attachment(
        application=application_a, original_name=ATTACHMENT_NAME, content_type="application/pdf", size=len(PDF),
        sha256="0" * 64,
    )  # fmt: skip
    attachment.file.save(f"{uuid.uuid4().hex}.pdf", ContentFile(PDF), save=False)
    attachment.save()

    contractor_a = User.objects.get(username="screener")
    Assignment.objects.create(user=contractor_a, call=call_a)
    contractor_b = staff("contractor_b", SCREENING_CONTRACTORS)
    Assignment.objects.create(user=contractor_b, call=call_b)
    approver = User.objects.get(username="approver")
    OrganisationMember.objects.create(user=approver, organisation=org_a, role="approver")
    official = User.objects.get(username="official")
    OrganisationMember.objects.create(user=official, organisation=org_a)
    users = {
        "contractor_a": contractor_a,
        "contractor_b": contractor_b,
        "approver": approver,
        "official": official,
        "editor": User.objects.get(username="editor"),
        "anonymous": None,
    }
    return World(call_a, call_b, role_a, role_b, candidacy_a, candidacy_b, attachment, users)


def login(client, user) -> None:
    if user is not None:
        client.force_login(user)


def url_of(world: World, screen: str) -> str:
    c, call = world.candidacy_a, world.call_a
    return {
        "calls": reverse("screening_calls"),
        "dashboard": reverse("screening_dashboard", args=[call.pk]),
        "list": reverse("screening_candidacies", args=[call.pk]),
        "detail": reverse("screening_candidacy", args=[c.pk]),
        "attachment": reverse("screening_attachment", args=[world.attachment_a.pk]) + f"?candidacy={c.pk}",
        "audit": reverse("screening_audit", args=[call.pk]),
        "status": reverse("screening_candidacy", args=[c.pk]),
        "review": reverse("screening_candidacy", args=[c.pk]),
    }[screen]


def post_data(world: World, screen: str) -> dict[str, str]:
    if screen == "status":
        return {"action": "status", "to": S.IN_REVIEW, "version": str(world.candidacy_a.version), "reason": "確認"}
    return {"action": "review", "score_0": "4", "score_1": "na", "recommendation": "yes", "comment": "良い"}


# --- the access matrix -----------------------------------------------------------------------

SCREENS = ["calls", "dashboard", "list", "detail", "attachment", "audit", "status", "review"]
#: user kind → screen → expected status code ("login": redirected to the admin login).
EXPECTED = {
    "contractor_a": dict(zip(SCREENS, [200, 200, 200, 200, 200, 403, 302, 302], strict=True)),
    "contractor_b": dict(zip(SCREENS, [200, 404, 404, 404, 404, 404, 404, 404], strict=True)),
    "approver": dict(zip(SCREENS, [200, 200, 200, 200, 200, 200, 302, 302], strict=True)),
    "official": dict(zip(SCREENS, [200, 200, 200, 200, 200, 403, 302, 302], strict=True)),
    "editor": dict(zip(SCREENS, [403, 404, 404, 404, 404, 404, 404, 404], strict=True)),
    "anonymous": dict.fromkeys(SCREENS, "login"),
}
#: Who actually changes the candidacy with the POST screens (others are refused and nothing changes).
CHANGES = {("contractor_a", "status"), ("contractor_a", "review")}


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("kind", list(EXPECTED))
def test_access_matrix(client, world, kind, screen):
    login(client, world.users[kind])
    method = "post" if screen in {"status", "review"} else "get"
    url = url_of(world, screen)
    before = Candidacy.objects.values("status", "version").get(pk=world.candidacy_a.pk)

    response = client.post(url, post_data(world, screen)) if method == "post" else client.get(url)

    expected = EXPECTED[kind][screen]
    if expected == "login":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("wagtailadmin_login"))
    else:
        assert response.status_code == expected, (kind, screen, response.status_code)
    after = Candidacy.objects.values("status", "version").get(pk=world.candidacy_a.pk)
    reviews = Review.objects.filter(candidacy=world.candidacy_a).count()
    if (kind, screen) in CHANGES:
        assert after != before or reviews == 1
        if screen == "status":
            assert after["status"] == S.IN_REVIEW
        else:
            assert reviews == 1
    elif method == "post":
        assert after == before
        assert reviews == 0
        if expected == 302:  # a signed-in user who may see the call but not do this: told why
            messages = [str(m) for m in client.get(url).context["messages"]]
            assert messages, (kind, screen)


def test_contractor_sees_only_assigned_calls_and_menu(client, world):
    login(client, world.users["contractor_b"])
    html = client.get(reverse("screening_calls")).content.decode()
    assert world.call_b.title in html
    assert world.call_a.title not in html
    assert reverse("screening_calls") in client.get(reverse("wagtailadmin_home")).content.decode()


def test_menu_item_hidden_from_editors(client, world):
    login(client, world.users["editor"])
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert reverse("screening_calls") not in html


def test_contractor_of_another_call_gets_404_for_candidacy_of_other_call_with_bulk_post(client, world):
    login(client, world.users["contractor_b"])
    response = client.post(
        reverse("screening_candidacies", args=[world.call_a.pk]),
        {"candidacy": [world.candidacy_a.pk], "to": S.IN_REVIEW, "reason": "x"},
    )
    assert response.status_code == 404
    assert Candidacy.objects.get(pk=world.candidacy_a.pk).status == S.SUBMITTED


# --- attachments -----------------------------------------------------------------------------


def test_attachment_download_headers_and_audit(client, world):
    Candidacy.objects.filter(pk=world.candidacy_a.pk).update(status=S.SHORTLISTED)  # need-to-know: named now
    login(client, world.users["approver"])
    response = client.get(url_of(world, "attachment"))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert re.search(r"filename\*=utf-8''" + re.escape(quote(ATTACHMENT_NAME)), disposition, re.IGNORECASE)
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"].split(", ")
    assert response["Content-Type"] == "application/pdf"
    assert AuditEntry.objects.filter(action="kobo.attachment.download", call=world.call_a).count() == 1


def test_blind_contractor_downloads_under_a_neutral_name_and_is_audited(client, world):
    login(client, world.users["contractor_a"])
    response = client.get(url_of(world, "attachment"))
    assert response.status_code == 200
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert world.candidacy_a.applicant_code in disposition
    assert world.candidacy_a.application.reference not in disposition  # shared by the application's roles
    assert "%E9%B7%B2" not in disposition.upper()  # 鷲, the start of the applicant's name
    entry = AuditEntry.objects.get(action="kobo.attachment.download")
    assert entry.user == world.users["contractor_a"]
    assert entry.data["call_id"] == world.call_a.pk


# --- blind review ----------------------------------------------------------------------------


def assert_no_identity(html: str) -> None:
    for field, value in SECRET.items():
        assert value not in html, f"{field} leaked"
    assert "0799554321" not in html


def test_blind_review_hides_identity_from_the_contractor(client, world):
    login(client, world.users["contractor_a"])
    list_html = client.get(url_of(world, "list")).content.decode()
    detail_html = client.get(url_of(world, "detail")).content.decode()
    for html in (list_html, detail_html):
        assert_no_identity(html)
        assert world.candidacy_a.applicant_code in html
    assert "T1234567890123" not in detail_html  # an invoice number is public together with the name
    assert "https://portfolio.example.jp/works" in detail_html
    assert 'rel="noopener nofollow' in detail_html


def test_blind_search_by_name_finds_nothing_but_the_code_does(client, world):
    login(client, world.users["contractor_a"])
    url = url_of(world, "list")
    row_link = url_of(world, "detail")
    assert row_link not in client.get(url, {"q": "鷲羽山"}).content.decode()
    assert row_link not in client.get(url, {"q": "ワシュウ"}).content.decode()
    # A blind row shows its code, not the application's reference, and is found by the code alone.
    assert row_link not in client.get(url, {"q": world.candidacy_a.application.reference}).content.decode()
    found = client.get(url, {"q": world.candidacy_a.applicant_code}).content.decode()
    assert row_link in found
    assert world.candidacy_a.application.reference not in found


@pytest.mark.parametrize("kind", ["approver", "official"])
def test_city_staff_see_a_code_until_the_candidacy_is_shortlisted(client, world, kind):
    """Need-to-know: approvers and officials meet a person only once the contractor shortlists them."""
    login(client, world.users[kind])
    for html in (
        client.get(url_of(world, "list")).content.decode(),
        client.get(url_of(world, "detail")).content.decode(),
    ):
        assert_no_identity(html)
        assert ATTACHMENT_NAME not in html
        assert world.candidacy_a.applicant_code in html
    assert (
        world.candidacy_a.application.reference
        not in client.get(url_of(world, "list"), {"q": "鷲羽山"}).content.decode()
    )
    disposition = client.get(url_of(world, "attachment"))["Content-Disposition"]
    assert "%E9%B7%B2" not in disposition.upper()


@pytest.mark.parametrize("kind", ["approver", "official"])
def test_city_staff_see_the_name_once_shortlisted(client, world, kind):
    Candidacy.objects.filter(pk=world.candidacy_a.pk).update(status=S.SHORTLISTED)
    login(client, world.users[kind])
    assert "鷲羽山 琥珀丸" in client.get(url_of(world, "list")).content.decode()
    detail = client.get(url_of(world, "detail")).content.decode()
    assert "鷲羽山 琥珀丸" in detail
    assert SECRET["email"] in detail
    assert ATTACHMENT_NAME in detail
    assert "鷲羽山" in client.get(url_of(world, "list"), {"q": "鷲羽山"}).content.decode()


def test_names_appear_to_the_contractor_once_shortlisted(client, world):
    Candidacy.objects.filter(pk=world.candidacy_a.pk).update(status=S.SHORTLISTED)
    login(client, world.users["contractor_a"])
    assert "鷲羽山 琥珀丸" in client.get(url_of(world, "detail")).content.decode()


# --- independent reviews ---------------------------------------------------------------------


def test_others_scores_hidden_until_ones_own_review_is_in(client, world):
    colleague = staff("contractor_a2", SCREENING_CONTRACTORS)
    Assignment.objects.create(user=colleague, call=world.call_a)
    login(client, colleague)
    client.post(url_of(world, "review"), {"action": "review", "score_0": "5", "score_1": "1", "recommendation": "no",
                                          "comment": "同僚のコメント COLLEAGUE-NOTE"})  # fmt: skip
    assert Review.objects.filter(reviewer=colleague).exists()

    client.force_login(world.users["contractor_a"])
    before = client.get(url_of(world, "detail")).content.decode()
    assert "COLLEAGUE-NOTE" not in before
    assert "5 / 5" not in before
    assert "5.00" not in client.get(url_of(world, "list")).content.decode()

    response = client.post(url_of(world, "review"), post_data(world, "review"))
    assert response.status_code == 302
    after = client.get(url_of(world, "detail")).content.decode()
    assert "COLLEAGUE-NOTE" in after
    assert "5 / 5" in after


def test_review_form_has_one_radio_group_per_criterion_with_hints(client, world):
    login(client, world.users["contractor_a"])
    html = client.get(url_of(world, "detail")).content.decode()
    assert html.count('<fieldset class="kobo-criterion"') == 2 + 1 + 1  # 2 criteria, recommendation, status
    assert "過去の制作物の質と量" in html
    assert html.count('name="score_0"') == 5 + 1  # 1..5 and not applicable
    assert html.count('name="score_1"') == 3 + 1


# --- status changes --------------------------------------------------------------------------


def test_a_stale_status_change_is_refused_with_the_current_status(client, world):
    login(client, world.users["contractor_a"])
    Candidacy.objects.filter(pk=world.candidacy_a.pk).update(status=S.IN_REVIEW, version=2)
    data = {"action": "status", "to": S.REJECTED, "version": "1", "reason": "古い画面から"}
    response = client.post(url_of(world, "status"), data, follow=True)
    messages = " ".join(str(m) for m in response.context["messages"])
    assert str(S.IN_REVIEW.label) in messages
    assert Candidacy.objects.get(pk=world.candidacy_a.pk).status == S.IN_REVIEW


def test_bulk_status_change_goes_one_by_one_and_reports(client, world):
    role = world.role_a
    others = []
    for status in (S.SUBMITTED, S.SUBMITTED, S.SELECTED):
        applicant = make_applicant()
        applicant.save()
        application = make_application(world.call_a, applicant)
        application.save()
        others.append(Candidacy.objects.create(application=application, applicant=applicant, role=role, rank=1,
                                               status=status))  # fmt: skip
    login(client, world.users["contractor_a"])
    ids = [c.pk for c in others] + [world.candidacy_b.pk]  # the last one belongs to another call
    response = client.post(
        url_of(world, "list") + "?sort=score",
        {"candidacy": ids, "to": S.IN_REVIEW, "reason": "一次確認", "list_query": "sort=score"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert any(m.startswith("2件") for m in messages), messages
    assert any(m.startswith("1件は変更できませんでした") for m in messages), messages
    assert any("1件が見つかりませんでした" in m for m in messages), messages
    assert response.redirect_chain[-1][0].endswith("?sort=score")
    assert [Candidacy.objects.get(pk=c.pk).status for c in others] == [S.IN_REVIEW, S.IN_REVIEW, S.SELECTED]
    assert AuditEntry.objects.filter(action="kobo.candidacy.status").count() == 2
    assert Candidacy.objects.get(pk=world.candidacy_b.pk).status == S.SUBMITTED


def test_shortlist_actions_show_refusals_as_messages(client, world):
    login(client, world.users["contractor_a"])
    response = client.post(url_of(world, "dashboard"), {"action": "submit"}, follow=True)
    assert any("提出する業務を選んでください" in str(m) for m in response.context["messages"])
    response = client.post(url_of(world, "dashboard"), {"action": "submit", "role": world.role_a.pk}, follow=True)
    assert any(str(m).startswith(world.role_a.title) for m in response.context["messages"])
    client.force_login(world.users["approver"])
    response = client.post(
        url_of(world, "dashboard"), {"action": "return", "role": world.role_a.pk, "comment": ""}, follow=True
    )
    assert any(str(m).startswith(world.role_a.title) for m in response.context["messages"])


# --- audit and queries -----------------------------------------------------------------------


def test_every_detail_view_writes_one_audit_entry(client, world):
    login(client, world.users["contractor_a"])
    views = AuditEntry.objects.filter(action="kobo.candidacy.view", candidacy=world.candidacy_a)
    for n in (1, 2, 3):
        client.get(url_of(world, "detail"))
        assert views.count() == n
    entry = views.first()
    assert entry.user == world.users["contractor_a"]
    assert entry.data["call_id"] == world.call_a.pk


def test_the_audit_log_lists_this_calls_entries_for_the_approver(client, world):
    login(client, world.users["contractor_a"])
    client.get(url_of(world, "detail"))
    client.get(url_of(world, "attachment"))
    client.force_login(world.users["approver"])
    html = client.get(url_of(world, "audit")).content.decode()
    assert "応募内容の閲覧" in html
    assert "添付ファイルのダウンロード" in html
    assert "JST" in html
    assert "UTC" in html


def build_candidacies(call, role, n: int, reviewer) -> None:
    applicants = Applicant.objects.bulk_create([make_applicant() for _ in range(n)])
    applications = Application.objects.bulk_create([make_application(call, a) for a in applicants])
    statuses = [S.SUBMITTED, S.IN_REVIEW, S.SHORTLISTED, S.REJECTED]
    candidacies = Candidacy.objects.bulk_create(
        Candidacy(application=app, applicant=app.applicant, role=role, rank=1, status=statuses[i % 4],
                  score=(i % 5) or None, review_count=i % 3)
        for i, app in enumerate(applications)
    )  # fmt: skip
    now = timezone.now()
    Review.objects.bulk_create(
        Review(candidacy=c, reviewer=reviewer, rubric=[], scores=[], recommendation="yes", submitted_at=now)
        for c in candidacies[::2]
    )


def count_list_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_list_makes_as_many_queries_for_200_candidacies_as_for_20_on_every_order_and_page(client, world):
    reviewer = world.users["contractor_a"]
    small_call, big_call = (
        f.call(organisation=world.call_a.organisation),
        f.call(organisation=world.call_a.organisation),
    )
    build_candidacies(small_call, f.role(small_call), 20, reviewer)
    build_candidacies(big_call, f.role(big_call), 200, reviewer)
    Assignment.objects.bulk_create(
        [Assignment(user=reviewer, call=small_call), Assignment(user=reviewer, call=big_call)]
    )
    login(client, reviewer)
    for query in (
        *("", "?sort=score&mine=yes", "?q=TEST&status=shortlisted"),
        # every order the list offers, and a later page (its keys come from each order's index)
        *("?page=2", "?sort=score", "?sort=score&page=2", "?sort=score_asc", "?sort=submitted&role=0"),
    ):
        small = count_list_queries(client, reverse("screening_candidacies", args=[small_call.pk]) + query)
        big = count_list_queries(client, reverse("screening_candidacies", args=[big_call.pk]) + query)
        assert small == big, (query, small, big)


def test_list_filters_by_score_and_sorts(client, world):
    references = {}
    for score in (1, 3, 5):
        applicant = make_applicant()
        applicant.save()
        application = make_application(world.call_a, applicant)
        application.save()
        candidacy = Candidacy.objects.create(
            application=application, applicant=applicant, role=world.role_a, rank=2, score=score
        )
        references[score] = candidacy.applicant_code  # blind rows show the code, not the reference
    login(client, world.users["approver"])
    url = url_of(world, "list")

    html = client.get(url, {"score_min": "2", "score_max": "4"}).content.decode()
    assert references[3] in html
    assert references[1] not in html
    assert references[5] not in html

    html = client.get(url, {"sort": "score", "rank": "2"}).content.decode()
    positions = [html.index(references[s]) for s in (5, 3, 1)]
    assert positions == sorted(positions)
    assert world.candidacy_a.applicant_code not in html  # rank 1

    html = client.get(url, {"score_min": "abc"}).content.decode()
    assert "Conditions with errors were ignored" in html
    assert references[1] in html
