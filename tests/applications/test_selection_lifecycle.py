"""Issue 18: a role's selection lifecycle is one table; results go out once, to the judged, and are corrected.

The Kobe timeline of the issue: role A approved (one person told 通過, another 不通過), reopened
with a reason, the two swapped, approved again: exactly the two whose outcome changed receive a
correction (訂正). A deadline change never opens a role whose shortlist is with the city or
approved, and an application that arrives after the approval never hears a result.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from applications.interviews.decisions import final_decision
from applications.mail.outbox import outbox_send_pending
from applications.mail.triggers.results import screening_results_send
from applications.models import (
    AuditEntry,
    Candidacy,
    InterviewRound,
    OutboxEmail,
    ScreeningOutcome,
    Shortlist,
)
from applications.screening.reviewing import review_submit
from applications.screening.rules import ROLE_MOVES, Move, Stage
from applications.screening.services import (
    ScreeningError,
    candidacy_transition,
    role_stage,
    shortlist_decide,
    shortlist_for,
    shortlist_reopen,
    shortlist_submit,
)
from applications.staff import CITY_APPROVERS, CITY_EDITORS, SCREENING_CONTRACTORS
from applications.tasks import send_deadline_notices, send_outbox, send_reminders
from recruitment.models import RolePage
from tests.applications import factories as af
from tests.conftest import shared_world, site_content_now
from tests.exports.conftest import private_root  # noqa: F401 - an autouse fixture: exports go to a temporary folder
from tests.recruitment import factories as rf

S = Candidacy.Status
pytestmark = pytest.mark.django_db

RUBRIC = [("criterion", {"name": "実績", "name_en": "Track record", "weight": "1", "max_score": 5})]


@dataclass
class Kobe:
    call: Any
    role: Any
    deadline: Any
    contractor: Any
    approver: Any
    #: The issue's C-86 (first shortlisted, then moved back), C-278 (first not, then shortlisted),
    #: one shortlisted both times and one never shortlisted.
    c86: Candidacy
    c278: Candidacy
    kept: Candidacy
    never: Candidacy


def _person(role, family: str, email: str) -> Candidacy:
    return af.candidacy(role, family_name=family, email=email)


@shared_world
def selection_lifecycle_kobe() -> Kobe:
    """Role A of the issue with its four candidacies, built once for the file; each test's writes are undone."""
    site_content_now()
    deadline = (timezone.now() + timedelta(days=1)).replace(second=0, microsecond=0)
    call = rf.call(blind_review=True)
    role = rf.role(call, closes_at=deadline, rubric=RUBRIC, headcount=1, title="記事作成")
    contractor = af.staff("kobe-contractor", SCREENING_CONTRACTORS, call=call)
    approver = af.staff("kobe-approver", CITY_APPROVERS, organisation=call.organisation)
    people = [
        _person(role, "八十六", "c86@example.jp"),
        _person(role, "二七八", "c278@example.jp"),
        _person(role, "残留", "kept@example.jp"),
        _person(role, "見送り", "never@example.jp"),
    ]
    return Kobe(call, role, deadline, contractor, approver, *people)


@pytest.fixture
def kobe(selection_lifecycle_kobe: Kobe) -> Kobe:
    return selection_lifecycle_kobe


def _fresh(candidacy: Candidacy) -> Candidacy:
    return Candidacy.objects.select_related("application__call", "role").get(pk=candidacy.pk)


def _move(kobe: Kobe, candidacy: Candidacy, to: str) -> Candidacy:
    return candidacy_transition(candidacy=_fresh(candidacy), to=to, by=kobe.contractor, reason="審査")


def _screen(kobe: Kobe, shortlisted: list[Candidacy]) -> None:
    for candidacy in (kobe.c86, kobe.c278, kobe.kept, kobe.never):
        review_submit(
            candidacy=_fresh(candidacy), reviewer=kobe.contractor, scores=[3], comment="", recommendation="yes"
        )
    for candidacy in shortlisted:
        _move(kobe, candidacy, S.SHORTLISTED)


def _approve(kobe: Kobe, committed) -> Shortlist:
    committed(shortlist_submit, role=kobe.role, by=kobe.contractor)
    return committed(shortlist_decide, shortlist=shortlist_for(kobe.role), by=kobe.approver, approve=True)


def _mail_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


def _applicant_mail() -> list:
    return [m for m in mail.outbox if m.to[0].split("@")[0] in {"c86", "c278", "kept", "never", "late"}]


def run_beat_twice() -> None:
    """Every periodic mail task (the old result catch-up ran in send_deadline_notices), then the sender."""
    for _ in range(2):
        send_reminders.delay()
        send_deadline_notices.delay()
        send_outbox.delay()


# --- the Kobe timeline: reopen after results, corrections only for changed outcomes ---------------


def test_reopen_and_a_new_approval_correct_exactly_the_two_whose_outcome_changed(kobe, committed):
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86, kobe.kept])
        _approve(kobe, committed)
        outbox_send_pending()
    assert "通過となりました" in _mail_to("c86@example.jp")[0].body
    assert "誠に残念ながら" in _mail_to("c278@example.jp")[0].body
    assert len(_applicant_mail()) == 4  # each judged candidacy told once
    mail.outbox.clear()

    with time_machine.travel(kobe.deadline + timedelta(days=2), tick=False):
        committed(
            shortlist_reopen, shortlist=shortlist_for(kobe.role), by=kobe.approver, reason="評価の誤りが判明したため"
        )
        _move(kobe, kobe.c86, S.IN_REVIEW)
        _move(kobe, kobe.c278, S.SHORTLISTED)
        _approve(kobe, committed)
        run_beat_twice()

    corrections = _applicant_mail()
    assert sorted(m.to[0] for m in corrections) == ["c278@example.jp", "c86@example.jp"]
    assert all(m.subject.startswith("【訂正】") for m in corrections)
    to_86, to_278 = _mail_to("c86@example.jp")[0], _mail_to("c278@example.jp")[0]
    assert kobe.c86.application.reference in to_86.subject
    assert "お詫び" in to_86.body
    assert "次の選考にお進みいただくことができなくなりました" in to_86.body
    assert "お詫び" in to_278.body
    assert "書類選考は通過" in to_278.body
    assert "オンライン面談" in to_278.body
    html, mime = to_278.alternatives[0]
    assert mime == "text/html"
    assert "<p>" in html
    assert OutboxEmail.objects.filter(kind="screening_correction").count() == 2
    # What each believes now is recorded: the latest outcome of the second approval.
    latest = {o.candidacy_id: o.outcome for o in ScreeningOutcome.objects.filter(approval=2)}
    assert latest == {
        kobe.c86.pk: "not_passed",
        kobe.c278.pk: "passed",
        kobe.kept.pk: "passed",
        kobe.never.pk: "not_passed",
    }


def test_a_correction_in_english_for_an_english_applicant(kobe, committed):
    application = kobe.c278.application
    application.language = "en"
    application.save()
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        _approve(kobe, committed)
        committed(shortlist_reopen, shortlist=shortlist_for(kobe.role), by=kobe.approver, reason="見直し")
        _move(kobe, kobe.c278, S.SHORTLISTED)
        mail.outbox.clear()
        _approve(kobe, committed)
        outbox_send_pending()
    (english,) = _mail_to("c278@example.jp")
    assert english.subject.startswith("Correction: result of document screening")
    assert "we sincerely apologise" in english.body
    assert "you have passed the document screening" in english.body
    assert [m.to[0] for m in _applicant_mail()] == ["c278@example.jp"]  # C-86 stays shortlisted: nothing


def test_no_reopen_once_a_final_decision_is_recorded(kobe, committed):
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        _approve(kobe, committed)
        _select(kobe)
        assert role_stage(kobe.role) == Stage.DECIDED
        with pytest.raises(ScreeningError, match="最終"):
            shortlist_reopen(shortlist=shortlist_for(kobe.role), by=kobe.approver, reason="やり直し")
    assert shortlist_for(kobe.role).status == Shortlist.Status.APPROVED


# --- a deadline change never opens a role whose shortlist is with the city ------------------------


def _role(kobe: Kobe) -> RolePage:
    return RolePage.objects.get(pk=kobe.role.pk)


def test_a_deadline_change_on_a_submitted_or_approved_role_is_refused_until_reopened(kobe, committed):
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        role = _role(kobe)
        role.closes_at = kobe.deadline + timedelta(days=7)
        role.full_clean()  # screening, not submitted: an extension is still possible
        committed(shortlist_submit, role=kobe.role, by=kobe.contractor)
        for stage in ("submitted", "approved"):
            role = _role(kobe)
            role.closes_at = kobe.deadline + timedelta(days=7)
            with pytest.raises(ValidationError) as refused:
                role.full_clean()
            assert "closes_at" in refused.value.message_dict, stage
            assert "再開" in refused.value.message_dict["closes_at"][0]
            role.closes_at = kobe.deadline - timedelta(hours=2)  # an earlier deadline opens nothing: allowed
            role.full_clean()
            if stage == "submitted":
                committed(shortlist_decide, shortlist=shortlist_for(kobe.role), by=kobe.approver, approve=True)

        committed(shortlist_reopen, shortlist=shortlist_for(kobe.role), by=kobe.approver, reason="応募者を増やす")
        role = _role(kobe)
        role.closes_at = kobe.deadline + timedelta(days=7)
        role.full_clean()  # reopened first: now the deadline may move


def test_a_deadline_change_after_a_decision_stays_refused(kobe, committed):
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        _approve(kobe, committed)
        _select(kobe)
        role = _role(kobe)
        role.closes_at = kobe.deadline + timedelta(days=7)
        with pytest.raises(ValidationError, match="最終"):
            role.full_clean()


# --- a late application never hears a result it was not judged for ---------------------------------


def test_an_application_arriving_after_the_approval_never_gets_a_result_even_from_beat(kobe, committed):
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        _approve(kobe, committed)
    # The deadline is moved past every guard (straight in the database, as the old editor path did)
    # and someone applies: they were not in what the city approved.
    with time_machine.travel(kobe.deadline + timedelta(hours=3), tick=False):
        RolePage.objects.filter(pk=kobe.role.pk).update(closes_at=kobe.deadline + timedelta(days=7))
        late = _person(kobe.role, "遅延", "late@example.jp")
        run_beat_twice()
    with time_machine.travel(kobe.deadline + timedelta(days=3), tick=False):
        run_beat_twice()
    assert _mail_to("late@example.jp") == []
    assert not ScreeningOutcome.objects.filter(candidacy=late).exists()
    assert len(_applicant_mail()) == 4  # the four judged ones, once each


def test_an_application_made_before_the_submission_is_judged_and_told(kobe, committed):
    """Extended while screening (allowed), a new application is in the submitted population: it hears once."""
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        role = _role(kobe)
        role.closes_at = kobe.deadline + timedelta(days=1)
        role.save_revision().publish()
    with time_machine.travel(kobe.deadline + timedelta(hours=2), tick=False):
        later = _person(kobe.role, "追加", "late@example.jp")
    with time_machine.travel(kobe.deadline + timedelta(days=1, hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        _approve(kobe, committed)
        run_beat_twice()
    assert len(_mail_to("late@example.jp")) == 1
    assert ScreeningOutcome.objects.get(candidacy=later).outcome == "not_passed"


# --- the table, walked ---------------------------------------------------------------------------------


def _reach(kobe: Kobe, stage: Stage, committed) -> None:
    """Bring role A to ``stage`` through the services (the clock is past A's deadline except for OPEN)."""
    if stage == Stage.OPEN:
        RolePage.objects.filter(pk=kobe.role.pk).update(closes_at=timezone.now() + timedelta(days=2))
        return
    if stage == Stage.CLOSED:
        return
    _screen(kobe, [kobe.c86, kobe.kept])
    if stage == Stage.SCREENING:
        return
    committed(shortlist_submit, role=kobe.role, by=kobe.contractor)
    if stage == Stage.SUBMITTED:
        return
    if stage == Stage.RETURNED:
        committed(shortlist_decide, shortlist=shortlist_for(kobe.role), by=kobe.approver, approve=False, comment="再考")
        return
    if stage == Stage.APPROVED:  # approved, results not written: only reachable by hand (an import, say)
        Shortlist.objects.filter(role=kobe.role).update(status=Shortlist.Status.APPROVED, approvals=1)
        return
    committed(shortlist_decide, shortlist=shortlist_for(kobe.role), by=kobe.approver, approve=True)
    if stage in (Stage.INTERVIEWS, Stage.INTERVIEWED):  # a live round: open, or closed once interviews are done
        _open_interviews(kobe, committed)
        if stage == Stage.INTERVIEWED:
            InterviewRound.objects.filter(role=kobe.role).update(status=InterviewRound.Status.CLOSED)
    if stage == Stage.DECIDED:
        _select(kobe)
    if stage == Stage.REOPENED:
        committed(shortlist_reopen, shortlist=shortlist_for(kobe.role), by=kobe.approver, reason="見直し")


def _select(kobe: Kobe) -> None:
    """The approver's 採用 of C-86, with its reason (the one way to a final decision)."""
    final_decision(candidacy=_fresh(kobe.c86), by=kobe.approver, outcome=S.SELECTED, reason="strong_fit")


def _open_interviews(kobe: Kobe, committed) -> None:
    from applications.interviews.services import SlotSpec, interview_round_open

    starts = timezone.now() + timedelta(days=5)
    committed(interview_round_open, role=kobe.role, by=kobe.approver, panel=[kobe.approver],
              slots=[SlotSpec(starts, video_url="https://meet.example.jp/kobe")])  # fmt: skip


def _try(kobe: Kobe, move: Move, committed) -> None:
    """Make ``move`` through its one service; ScreeningError (or ValidationError for a deadline) if refused."""
    shortlist = shortlist_for(kobe.role)
    if move == Move.EXTEND:
        role = _role(kobe)
        role.closes_at = timezone.now() + timedelta(days=10)
        try:
            role.full_clean()
        except ValidationError as exc:
            raise ScreeningError(str(exc)) from exc
        role.save_revision().publish()
    elif move == Move.SUBMIT:
        committed(shortlist_submit, role=kobe.role, by=kobe.contractor)
    elif move == Move.APPROVE:
        committed(shortlist_decide, shortlist=shortlist, by=kobe.approver, approve=True)
    elif move == Move.RETURN:
        committed(shortlist_decide, shortlist=shortlist, by=kobe.approver, approve=False, comment="再考")
    elif move == Move.REOPEN:
        committed(shortlist_reopen, shortlist=shortlist, by=kobe.approver, reason="見直し")
    elif move == Move.DECIDE:
        shortlisted = [c for c in (_fresh(kobe.c86), _fresh(kobe.kept)) if c.status == S.SHORTLISTED]
        target = (shortlisted or [_fresh(kobe.c86)])[0]
        final_decision(candidacy=target, by=kobe.approver, outcome=S.NOT_SELECTED, reason="skills")
    elif move == Move.INTERVIEW:
        _open_interviews(kobe, committed)
    elif move == Move.SEND_RESULTS and screening_results_send(shortlist=shortlist) == 0:
        # Its one caller is the approval; called anywhere else it tells nobody anything.
        raise ScreeningError("nothing sent")


SERVICE_MOVES = [m for m in Move if m != Move.DEADLINE]


@pytest.mark.parametrize("stage", list(Stage))
@pytest.mark.parametrize("move", SERVICE_MOVES)
def test_the_lifecycle_table_decides_every_move(kobe, committed, stage, move):
    """Each (stage, move) in ROLE_MOVES works and leads where the table says; every other one is refused."""
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=True):
        _reach(kobe, stage, committed)
        assert role_stage(_role(kobe)) == stage
        expected = ROLE_MOVES.get((stage, move))
        before = (shortlist_for(kobe.role).status, AuditEntry.objects.count(), ScreeningOutcome.objects.count())
        if expected is None:
            with pytest.raises(ScreeningError):
                _try(kobe, move, committed)
            assert role_stage(_role(kobe)) == stage
            after = (shortlist_for(kobe.role).status, AuditEntry.objects.count(), ScreeningOutcome.objects.count())
            assert after == before
        else:
            _try(kobe, move, committed)
            if move == Move.APPROVE:  # the approval sends the results in its own transaction
                expected = ROLE_MOVES[(expected, Move.SEND_RESULTS)]
            assert role_stage(_role(kobe)) == expected


def test_the_clock_closes_an_open_role(kobe):
    assert role_stage(_role(kobe)) == Stage.OPEN
    assert ROLE_MOVES[(Stage.OPEN, Move.DEADLINE)] == Stage.CLOSED
    with time_machine.travel(kobe.deadline, tick=False):
        assert role_stage(_role(kobe)) == Stage.CLOSED


def test_editors_and_contractors_may_not_make_the_citys_moves(kobe, committed):
    editor = af.staff("kobe-editor", CITY_EDITORS, organisation=kobe.call.organisation)
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        committed(shortlist_submit, role=kobe.role, by=kobe.contractor)
        for by in (editor, kobe.contractor):
            with pytest.raises(ScreeningError):
                shortlist_decide(shortlist=shortlist_for(kobe.role), by=by, approve=True)


# --- the screening dashboard and the candidacy page ------------------------------------------------


def test_reopening_shows_who_was_told_what_before_it_happens(client, kobe, committed):
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=True):
        _screen(kobe, [kobe.c86, kobe.kept])
        _approve(kobe, committed)
        client.force_login(kobe.approver)
        url = reverse("screening_dashboard", args=[kobe.call.pk])
        item = next(i for i in client.get(url).context["roles"] if i["role"].pk == kobe.role.pk)
        assert item["can_reopen"]

        response = client.post(url, {"action": "reopen", "role": kobe.role.pk, "comment": "評価の誤り"})
        assert response.status_code == 200
        html = response.content.decode()
        assert shortlist_for(kobe.role).status == Shortlist.Status.APPROVED  # nothing happened yet
        told = {row["reference"]: row["outcome"] for row in response.context["told"]}
        assert told == {
            kobe.c86.application.reference: "書類選考通過",
            kobe.kept.application.reference: "書類選考通過",
            kobe.c278.application.reference: "不通過",
            kobe.never.application.reference: "不通過",
        }
        assert kobe.c278.application.reference in html
        assert "訂正" in html
        assert "八十六" not in html  # references and outcomes, not names

        response = client.post(url, {"action": "reopen", "role": kobe.role.pk, "comment": "評価の誤り", "confirm": "1"})
        assert response.status_code == 302
    shortlist = shortlist_for(kobe.role)
    assert shortlist.status == Shortlist.Status.RETURNED
    assert shortlist.comment == "評価の誤り"


def test_no_reopen_button_after_a_decision_and_no_decision_before_the_approval(client, kobe, committed):
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=True):
        _screen(kobe, [kobe.c86])
        client.force_login(kobe.approver)
        detail = reverse("screening_candidacy", args=[kobe.c86.pk])
        offered = [value for value, _label in client.get(detail).context["next_statuses"]]
        assert S.SELECTED not in offered
        assert S.NOT_SELECTED not in offered
        assert "採用" not in client.get(detail).content.decode().split("選考状況の変更")[1]

        _approve(kobe, committed)
        page = client.get(detail)
        assert page.context["next_statuses"] == []  # decided on the role's decision page, with a reason
        assert reverse("interviews_decisions", args=[kobe.role.pk]) in page.content.decode()

        _select(kobe)
        url = reverse("screening_dashboard", args=[kobe.call.pk])
        response = client.get(url)
        item = next(i for i in response.context["roles"] if i["role"].pk == kobe.role.pk)
        assert not item["can_reopen"]
        assert 'value="reopen"' not in response.content.decode()


# --- the decision pack lists every approval, return and reopen ---------------------------------------


def test_the_decision_pack_lists_the_approval_the_reopen_with_its_reason_and_the_new_approval(
    kobe, committed, django_capture_on_commit_callbacks
):
    from pathlib import Path

    from exports.jobs import export_request
    from exports.models import ExportJob
    from tests.exports.conftest import pdftotext

    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=True):
        _screen(kobe, [kobe.c86])
        committed(shortlist_submit, role=kobe.role, by=kobe.contractor)
        committed(shortlist_decide, shortlist=shortlist_for(kobe.role), by=kobe.approver, approve=False,
                  comment="経験年数を確認してください")  # fmt: skip
        committed(shortlist_submit, role=kobe.role, by=kobe.contractor)
        committed(shortlist_decide, shortlist=shortlist_for(kobe.role), by=kobe.approver, approve=True)
        committed(shortlist_reopen, shortlist=shortlist_for(kobe.role), by=kobe.approver, reason="辞退者が出たため")
        _move(kobe, kobe.c278, S.SHORTLISTED)
        _approve(kobe, committed)
        with django_capture_on_commit_callbacks(execute=True):
            job = export_request(call=kobe.call, kind=ExportJob.Kind.DECISION_PACK, by=kobe.approver)
    job.refresh_from_db()
    assert job.status == ExportJob.Status.DONE, job.error
    text = pdftotext(Path(job.file.path))
    history = text[text.index("承認の経緯") : text.index("付録A")]
    rows = [line.split()[1] for line in history.splitlines() if line.strip().startswith(kobe.role.title)]
    assert rows == ["提出", "差し戻し", "提出", "承認", "再開", "提出", "承認"]
    assert history.count("kobe-approver") == 4  # who decided each step
    assert "経験年数を確認し" in history
    assert "辞退者が出たため" in history  # the reopen's reason


# --- the Wagtail editor, as a person uses it, and scheduled publishing ------------------------------


def _edit_form_data(html: str) -> dict[str, Any]:
    """Every field of the page editor's form as the browser would send it (Wagtail renders them all)."""
    from bs4 import BeautifulSoup

    form = BeautifulSoup(html, "html.parser").find("form", attrs={"data-edit-form": True}) or BeautifulSoup(
        html, "html.parser"
    ).find("form", id="page-edit-form")
    data: dict[str, Any] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or field.get("type") in {"submit", "button", "file"}:
            continue
        if field.get("type") in {"checkbox", "radio"} and not field.has_attr("checked"):
            continue
        if field.name == "textarea":
            value = field.string or ""
        elif field.name == "select":
            chosen = field.find("option", selected=True)
            value = chosen.get("value", "") if chosen else ""
        else:
            value = field.get("value", "")
        data[name] = value
    return data


def test_the_editor_sees_the_refusal_next_to_the_deadline_and_publishing_changes_nothing(client, kobe, committed):
    from django.contrib.auth import get_user_model
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=True):
        _screen(kobe, [kobe.c86])
        _approve(kobe, committed)
        admin = get_user_model().objects.create_superuser("kobe-admin", "admin@example.jp", "pw-not-used-123")
        client.force_login(admin)
        url = reverse("wagtailadmin_pages:edit", args=[kobe.role.pk])
        data = _edit_form_data(client.get(url).content.decode())
        rubric = [
            (block.block_type, {k: "" if v is None else str(v) for k, v in block.value.items()})
            for block in _role(kobe).rubric
        ]
        # the stream fields the browser's script fills in
        data |= nested_form_data({"rubric": streamfield(rubric), "interview_rubric": streamfield([])})
        new_deadline = timezone.localtime(kobe.deadline + timedelta(days=7))
        data["closes_at"] = new_deadline.strftime("%Y-%m-%d %H:%M")
        data["action-publish"] = "action-publish"
        response = client.post(url, data)
        assert response.status_code == 200, response.get("Location")
        html = response.content.decode()
        assert "先に市の承認者が候補者リストを再開してください" in html
        errors = response.context["form"].errors
        assert "closes_at" in errors
        assert _role(kobe).closes_at == kobe.deadline
        assert _role(kobe).state() == "closed"

        # The same form with a deadline that opens nothing is published: only the reopening was refused.
        data["closes_at"] = timezone.localtime(kobe.deadline - timedelta(minutes=30)).strftime("%Y-%m-%d %H:%M")
        assert client.post(url, data).status_code == 302
        assert _role(kobe).closes_at == kobe.deadline - timedelta(minutes=30)


def test_a_scheduled_extension_saved_while_screening_is_not_published_once_the_shortlist_is_approved(kobe, committed):
    from portal.tasks import publish_scheduled

    other = rf.role(kobe.call, closes_at=kobe.deadline + timedelta(days=30), title="写真撮影")
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        go_live = kobe.deadline + timedelta(hours=3)
        role = _role(kobe)
        role.closes_at = kobe.deadline + timedelta(days=7)
        role.go_live_at = go_live
        role.save_revision().publish()  # screening: an extension may still be scheduled
        later = RolePage.objects.get(pk=other.pk)
        later.headcount = 3
        later.go_live_at = go_live
        later.save_revision().publish()
        _approve(kobe, committed)
    with time_machine.travel(go_live + timedelta(minutes=1), tick=False):
        publish_scheduled.delay()
        assert _role(kobe).closes_at == kobe.deadline
        assert _role(kobe).state() == "closed"
        assert RolePage.objects.get(pk=other.pk).headcount == 3  # the rest of the beat run went on
        publish_scheduled.delay()  # and the refused revision is no longer waiting
        assert _role(kobe).closes_at == kobe.deadline


def test_approving_a_workflow_revision_that_would_reopen_the_role_publishes_nothing(kobe, committed):
    from django.contrib.auth import get_user_model

    approver_of_pages = get_user_model().objects.create_superuser("page-approver", "pa@example.jp", "pw-not-used-1")
    with time_machine.travel(kobe.deadline + timedelta(hours=1), tick=False):
        _screen(kobe, [kobe.c86])
        role = _role(kobe)
        role.closes_at = kobe.deadline + timedelta(days=7)
        revision = role.save_revision()  # sent for approval while screening
        _approve(kobe, committed)
        revision.publish(user=approver_of_pages)  # what the workflow's approval does
        assert _role(kobe).closes_at == kobe.deadline
        assert _role(kobe).state() == "closed"


def test_reloading_the_demo_days_later_keeps_the_dates_of_a_role_whose_shortlist_is_with_the_city(db):
    from recruitment.demo import ensure_kobe_demo

    call = ensure_kobe_demo()
    role = RolePage.objects.child_of(call).filter(closes_at__gt=timezone.now()).order_by("closes_at").first()
    deadline = role.closes_at
    contractor = af.staff("demo-contractor", SCREENING_CONTRACTORS, call=call)
    candidacy = af.candidacy(role, family_name="デモ")
    later = deadline + timedelta(hours=1)
    with time_machine.travel(later, tick=False):
        review_submit(candidacy=candidacy, reviewer=contractor, scores=[3] * len(role.rubric), comment="",
                      recommendation="yes")  # fmt: skip
        candidacy_transition(candidacy=_fresh(candidacy), to=S.SHORTLISTED, by=contractor, reason="上位")
        shortlist_submit(role=role, by=contractor)
        ensure_kobe_demo(now=later)  # `make run` on a later day moves every deadline but this one
    assert RolePage.objects.get(pk=role.pk).closes_at == deadline
    others = RolePage.objects.child_of(call).filter(closes_at__gt=deadline).exclude(pk=role.pk)
    assert others.exists()
