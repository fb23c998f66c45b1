"""Every applicant hears back, every deadline acts on time: time travel with beat run twice at every stop."""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import time
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.utils import timezone

import applications.mail
from applications.interviews.decisions import final_decision
from applications.mail.catalogue import APPLICANT, APPLICANT_KINDS, APPROVERS, CONTRACTORS, KINDS
from applications.mail.outbox import outbox_enqueue, outbox_send_pending
from applications.mail.rendering import placeholder_errors
from applications.mail.triggers.applicant import reminders_send
from applications.models import Candidacy, Draft, MessageTemplate, OutboxEmail
from applications.screening.services import (
    candidacy_transition,
    shortlist_decide,
    shortlist_for,
    shortlist_reopen,
    shortlist_submit,
)
from applications.staff import SCREENING_CONTRACTORS
from applications.tasks import send_deadline_notices, send_outbox, send_reminders
from tests.applications import factories as af
from tests.concurrency import at_once, require_postgresql
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

S = Candidacy.Status


def run_beat_twice() -> None:
    """What beat does, twice over (a doubled or restarted beat): every periodic mail task, then the sender."""
    for _ in range(2):
        send_reminders.delay()
        send_deadline_notices.delay()
        send_outbox.delay()


def draft_for(call, role, *, email: str, language: str) -> Draft:
    """A saved draft that chose ``role`` (as the wizard stores it) and asked for a link by email."""
    return Draft.objects.create(
        token_hash=os.urandom(16).hex(),
        call=call,
        email=email,
        language=language,
        data={"step": "about", "step_data": {"roles": {"roles-roles": [str(role.pk)]}}, "step_files": {}},
        expires_at=role.closes_at,
    )


def sent_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


@shared_world
def notifications_world():
    """A call with two roles, its staff, drafts and candidacies: built once for the file's tests in a row."""
    site_content_now()
    deadline = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    call, role, contractor, approver = af.one_post_call(deadline, title="Instagram記事の作成")
    later = f.role(call, closes_at=deadline + timedelta(days=10))
    outsider = af.staff("other-contractor", SCREENING_CONTRACTORS)  # not assigned: hears nothing
    drafts = [
        draft_for(call, role, email="draft-ja@example.jp", language="ja"),
        draft_for(call, role, email="draft-en@example.jp", language="en"),
    ]
    Draft.objects.create(  # no email: never reminded
        token_hash=os.urandom(16).hex(), call=call, data=drafts[0].data, expires_at=deadline
    )
    chosen = af.candidacy(role, family_name="選ばれ", email="chosen@example.jp", status=S.IN_REVIEW)
    others = [
        af.candidacy(role, family_name="日本語", email="other-ja@example.jp", status=S.IN_REVIEW),
        af.candidacy(role, family_name="English", email="other-en@example.jp", status=S.SUBMITTED),
        af.candidacy(role, family_name="見送り", email="rejected@example.jp", status=S.REJECTED),
    ]
    en_app = others[1].application
    en_app.language = "en"
    en_app.save()
    withdrawn = af.candidacy(role, family_name="辞退", email="withdrawn@example.jp", status=S.WITHDRAWN)
    return {
        "deadline": deadline, "call": call, "role": role, "later": later, "contractor": contractor,
        "approver": approver, "outsider": outsider, "drafts": drafts, "chosen": chosen, "others": others,
        "withdrawn": withdrawn,
    }  # fmt: skip


@pytest.fixture
def world(notifications_world):
    return notifications_world


def test_across_a_deadline_and_an_approval_everyone_hears_exactly_once(world, settings, committed):
    settings.KOBO_PUBLIC_URL = "https://kobo.example.jp"
    deadline = world["deadline"]
    mail.outbox.clear()

    with time_machine.travel(deadline - timedelta(hours=100), tick=False):
        run_beat_twice()
    assert mail.outbox == []  # too early for anything

    with time_machine.travel(deadline - timedelta(hours=71), tick=False):
        run_beat_twice()
    with time_machine.travel(deadline - timedelta(hours=70), tick=False):
        run_beat_twice()  # still in the 72 h window: nothing new
    with time_machine.travel(deadline - timedelta(hours=23), tick=False):
        run_beat_twice()
    with time_machine.travel(deadline - timedelta(hours=1), tick=False):
        run_beat_twice()

    ja, en = sent_to("draft-ja@example.jp"), sent_to("draft-en@example.jp")
    assert len(ja) == 2
    assert len(en) == 2
    assert all("まだ送信されていません" in m.subject for m in ja)
    assert all("is not sent yet" in m.subject for m in en)
    assert "あと2日以上" in ja[0].body  # the time left at its scale, never more than is left
    assert "あと23時間以上" in ja[1].body
    assert "https://kobo.example.jp/en/calls/" in en[0].body  # English reader, English page, public address
    html, mime = en[0].alternatives[0]
    assert mime == "text/html"
    assert '<a href="https://kobo.example.jp/en/calls/' in html
    assert OutboxEmail.objects.filter(kind="draft_reminder").count() == 4

    # The deadline passes: one digest to each of the call's contractors and the city's approvers.
    with time_machine.travel(deadline + timedelta(minutes=3), tick=False):
        run_beat_twice()
    with time_machine.travel(deadline + timedelta(hours=5), tick=False):
        run_beat_twice()
    digests = [m for m in mail.outbox if m.to in (["contractor@example.jp"], ["approver-1@example.jp"])]
    assert sorted(m.to[0] for m in digests) == ["approver-1@example.jp", "contractor@example.jp"]
    assert all(m.subject == "受付締切: Instagram記事の作成(応募 4件)" for m in digests)
    assert f"/admin/screening/call/{world['call'].pk}/" in digests[0].body
    assert sent_to("other-contractor@example.jp") == []
    assert len(sent_to("draft-ja@example.jp")) == 2  # the closed role stops the reminders

    # Screening, then the city approves the role's shortlist two days later.
    with time_machine.travel(deadline + timedelta(days=2), tick=False):
        candidacy_transition(candidacy=world["chosen"], to=S.SHORTLISTED, by=world["contractor"])
        committed(shortlist_submit, role=world["role"], by=world["contractor"])
        run_beat_twice()
        assert len(sent_to("approver-1@example.jp")) == 2  # the digest and "submitted for approval"
        assert "候補者リストの承認依頼" in sent_to("approver-1@example.jp")[-1].subject
        committed(shortlist_decide, shortlist=shortlist_for(world["role"]), by=world["approver"], approve=True)
        run_beat_twice()
    with time_machine.travel(deadline + timedelta(days=30), tick=False):
        run_beat_twice()  # long after: the catch-up and "still reviewing" add nothing for a decided role

    passed = sent_to("chosen@example.jp")
    assert [m.subject for m in passed] == [f"書類選考結果のお知らせ(受付番号 {world['chosen'].application.reference})"]
    assert "書類選考の結果、通過となりました" in passed[0].body
    assert "オンライン面談" in passed[0].body
    for candidacy in world["others"]:
        received = sent_to(candidacy.applicant.email)
        assert len(received) == 1, [m.subject for m in received]
    assert "誠に残念ながら" in sent_to("other-ja@example.jp")[0].body
    english = sent_to("other-en@example.jp")[0]
    assert english.subject.startswith("Result of document screening")
    assert "we are sorry to tell you" in english.body
    assert sent_to("withdrawn@example.jp") == []  # withdrew: not told anything
    assert len(sent_to("contractor@example.jp")) == 2  # the digest and "approved"
    assert "承認されました" in sent_to("contractor@example.jp")[-1].subject


def test_still_reviewing_after_the_calls_number_of_days_once(world):
    call, deadline = world["call"], world["deadline"]
    call.still_reviewing_days = 10
    call.save_revision().publish()
    mail.outbox.clear()
    with time_machine.travel(deadline + timedelta(days=9, hours=23), tick=False):
        run_beat_twice()
    assert [m for m in mail.outbox if "選考状況" in m.subject] == []
    with time_machine.travel(deadline + timedelta(days=10, hours=1), tick=False):
        run_beat_twice()
    with time_machine.travel(deadline + timedelta(days=15), tick=False):
        run_beat_twice()
    notices = [m for m in mail.outbox if "選考状況" in m.subject or "still being reviewed" in m.subject]
    assert sorted(m.to[0] for m in notices) == sorted(
        ["chosen@example.jp", "other-ja@example.jp", "other-en@example.jp", "rejected@example.jp"]
    )
    assert "10日前に締め切りました" in sent_to("other-ja@example.jp")[0].body


def test_a_returned_shortlist_tells_the_contractors_with_the_comment(world, committed):
    with time_machine.travel(world["deadline"] + timedelta(hours=1), tick=False):
        candidacy_transition(candidacy=world["chosen"], to=S.SHORTLISTED, by=world["contractor"])
        committed(shortlist_submit, role=world["role"], by=world["contractor"])
        committed(
            shortlist_decide,
            shortlist=shortlist_for(world["role"]),
            by=world["approver"],
            approve=False,
            comment="経験年数を確認してください",
        )
        send_outbox.delay()
    returned = [m for m in sent_to("contractor@example.jp") if "差し戻されました" in m.subject]
    assert len(returned) == 1
    assert "経験年数を確認してください" in returned[0].body
    assert sent_to("chosen@example.jp") == []  # nothing for applicants until approval


def test_the_final_decision_is_told_once(world, committed):
    with time_machine.travel(world["deadline"] + timedelta(hours=1), tick=False):
        chosen = candidacy_transition(candidacy=world["chosen"], to=S.SHORTLISTED, by=world["contractor"])
        committed(shortlist_submit, role=world["role"], by=world["contractor"])
        committed(shortlist_decide, shortlist=shortlist_for(world["role"]), by=world["approver"], approve=True)
        final_decision(candidacy=chosen, by=world["approver"], outcome=S.SELECTED, reason="strong_fit")
        selected = Candidacy.objects.get(pk=chosen.pk)
        run_beat_twice()
    assert selected.decided_at is not None
    results = [m.subject for m in sent_to("chosen@example.jp")]
    assert len(results) == 2  # passed the document screening, then 採用
    assert "選考結果のお知らせ" in results[1]


def test_a_key_is_written_once_however_often_it_is_asked(world):
    values = {"reference": "R-1", "call": "c", "roles": "  - r"}
    with transaction.atomic():
        ask = {"to": "a@example.jp", "kind": "withdrawal", "language": "ja", "key": "withdrawal:test:1"}
        first = outbox_enqueue(**ask, values=values)
        again = outbox_enqueue(**ask, values=values)
    assert (first, again) == (True, False)
    assert OutboxEmail.objects.filter(key="withdrawal:test:1").count() == 1


def test_reminders_send_is_idempotent_and_skips_drafts_without_a_window(world):
    deadline = world["deadline"]
    assert reminders_send(now=deadline - timedelta(hours=80)) == 0
    assert reminders_send(now=deadline - timedelta(hours=30)) == 2
    assert reminders_send(now=deadline - timedelta(hours=30)) == 0
    # A draft made inside the last day gets only the 24 h reminder.
    draft_for(world["call"], world["role"], email="late@example.jp", language="ja")
    assert reminders_send(now=deadline - timedelta(hours=10)) == 3
    assert OutboxEmail.objects.filter(to="late@example.jp").count() == 1


# --- the editors' wording ----------------------------------------------------------------------


def test_editors_wording_is_checked_and_used(world, committed):
    bad = MessageTemplate(kind="screening_result", language="ja", subject="結果 {reference}", body="{name} 様 {score}")
    with pytest.raises(ValidationError) as error:
        bad.full_clean()
    assert "使えない差し込み項目です: {score}" in str(error.value)
    assert placeholder_errors("screening_result", "{name") != []  # a lone brace is explained too

    MessageTemplate.objects.create(
        kind="screening_result",
        language="ja",
        subject="【神戸市】選考結果 {reference}",
        body="{name} 様\n{role} の結果です。",
    )
    with time_machine.travel(world["deadline"] + timedelta(hours=1), tick=False):
        candidacy_transition(candidacy=world["chosen"], to=S.SHORTLISTED, by=world["contractor"])
        committed(shortlist_submit, role=world["role"], by=world["contractor"])
        committed(shortlist_decide, shortlist=shortlist_for(world["role"]), by=world["approver"], approve=True)
        send_outbox.delay()
    told = sent_to("other-ja@example.jp")[0]
    assert told.subject.startswith("【神戸市】選考結果 ")
    assert told.body.startswith("日本語 太郎 様\nInstagram記事の作成 の結果です。")
    assert sent_to("other-en@example.jp")[0].subject.startswith("Result of document screening")  # en: the default


def test_the_admin_preview_shows_the_wording_with_sample_values(world, admin_client):
    from django.urls import reverse

    response = admin_client.post(
        reverse("wagtailsnippets_applications_messagetemplate:preview_on_add"),
        {"kind": "still_reviewing", "language": "ja", "subject": "選考中 {reference}", "body": "{name} 様、{days}日"},
    )
    assert response.status_code == 200
    page = admin_client.get(reverse("wagtailsnippets_applications_messagetemplate:preview_on_add"))
    assert "選考中 KOBE-7K3M9Q" in page.content.decode()
    assert "神戸 太郎 様、21日" in page.content.decode()


# --- two relays racing -----------------------------------------------------------------------------


class SlowBackend(EmailBackend):
    """The test mailbox, a few milliseconds per message, so two relays really overlap."""

    def send_messages(self, messages):
        time.sleep(0.003)
        return super().send_messages(messages)


@pytest.mark.django_db(transaction=True)
def test_two_relays_racing_send_each_message_once(settings):
    require_postgresql("SKIP LOCKED needs PostgreSQL (run with DATABASE_URL=postgres://…; CI does)")
    settings.EMAIL_BACKEND = "tests.applications.test_notifications.SlowBackend"
    # 150 pending messages, as writers leave them when the broker is down (no on-commit send here).
    OutboxEmail.objects.bulk_create(
        OutboxEmail(key=f"race:{n}", to=f"p{n}@example.jp", subject=f"R-{n}", body="本文", kind="erasure_done")
        for n in range(150)
    )
    mail.outbox.clear()
    counts = at_once(lambda _relay: outbox_send_pending(), range(2), timeout=120)

    assert sum(counts) == 150
    assert len(counts) == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted(f"p{n}@example.jp" for n in range(150))
    assert min(counts) > 0, counts  # both relays worked, on different rows
    assert OutboxEmail.objects.filter(sent_at__isnull=True).count() == 0


def test_a_reopened_shortlist_tells_the_contractors_why(world, committed):
    with time_machine.travel(world["deadline"] + timedelta(hours=1), tick=False):
        candidacy_transition(candidacy=world["chosen"], to=S.SHORTLISTED, by=world["contractor"])
        committed(shortlist_submit, role=world["role"], by=world["contractor"])
        committed(shortlist_decide, shortlist=shortlist_for(world["role"]), by=world["approver"], approve=True)
    with time_machine.travel(world["deadline"] + timedelta(hours=3), tick=False):
        committed(shortlist_reopen, shortlist=shortlist_for(world["role"]), by=world["approver"], reason="人数を再検討")
        run_beat_twice()
    reopened = [m for m in sent_to("contractor@example.jp") if "再開" in m.subject]
    assert len(reopened) == 1
    assert "人数を再検討" in reopened[0].body
    assert "approver-1" in reopened[0].body


def test_results_are_written_by_the_approval_itself_so_no_crash_can_lose_them(world):
    """The approval commits but its on-commit work never runs (a crash): the results are already in the outbox."""
    with time_machine.travel(world["deadline"] + timedelta(hours=1), tick=False):
        candidacy_transition(candidacy=world["chosen"], to=S.SHORTLISTED, by=world["contractor"])
        shortlist_submit(role=world["role"], by=world["contractor"])
        shortlist_decide(shortlist=shortlist_for(world["role"]), by=world["approver"], approve=True)
        assert OutboxEmail.objects.filter(key__startswith="screening_result:").count() == 4
        run_beat_twice()
    assert OutboxEmail.objects.filter(key__startswith="screening_result:").count() == 4
    for address in ("chosen@example.jp", "other-ja@example.jp", "other-en@example.jp", "rejected@example.jp"):
        assert len([m for m in sent_to(address) if "選考" in m.subject or "screening" in m.subject]) == 1


def test_staff_notices_are_written_by_the_shortlist_change_itself(world):
    """Like the results: a shortlist event's staff mail is in the outbox though no on-commit work ran."""
    with time_machine.travel(world["deadline"] + timedelta(hours=1), tick=False):
        candidacy_transition(candidacy=world["chosen"], to=S.SHORTLISTED, by=world["contractor"])
        shortlist_submit(role=world["role"], by=world["contractor"])
        assert OutboxEmail.objects.filter(kind="shortlist_submitted", to="approver-1@example.jp").count() == 1
        shortlist_decide(shortlist=shortlist_for(world["role"]), by=world["approver"], approve=True)
        assert OutboxEmail.objects.filter(kind="shortlist_approved", to="contractor@example.jp").count() == 1


def test_the_catalogue_says_for_every_kind_who_receives_it_what_writes_it_and_when(settings):
    """Each entry names a trigger that writes that kind, a beat entry that exists, and only its own placeholders."""
    for name, kind in KINDS.items():
        module_name, function = kind.trigger.split(".")
        module = importlib.import_module(f"applications.mail.triggers.{module_name}")
        assert callable(getattr(module, function)), name
        assert f'"{name}"' in inspect.getsource(module), f"{kind.trigger} does not write {name}"
        assert kind.to, name
        assert set(kind.to) <= {APPLICANT, CONTRACTORS, APPROVERS}, name
        assert not kind.beat or kind.beat in settings.CELERY_BEAT_SCHEDULE, name
        assert kind.label, name
        assert kind.when, name
        for text in (kind.subject, kind.body):
            assert placeholder_errors(name, str(text)) == [], name
    assert set(APPLICANT_KINDS) == {name for name, kind in KINDS.items() if APPLICANT in kind.to}
    assert [value for value, _label in MessageTemplate._meta.get_field("kind").choices] == APPLICANT_KINDS


def test_mail_imports_no_feature_package_and_the_outbox_no_task():
    """``applications.mail`` is given what it needs; the outbox nudges the sender through what was registered."""
    features = ("intake", "screening", "teams", "privacy", "statistics", "tasks")
    # The one named exception (import-linter's mail contract too): the status sets are data in screening's rules.
    allowed = {"applications.screening.rules"}
    package = Path(applications.mail.__file__).parent
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            for name in names:
                if name not in allowed:
                    assert not name.startswith(tuple(f"applications.{f}" for f in features)), (path.name, name)
