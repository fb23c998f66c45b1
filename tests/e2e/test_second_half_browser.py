"""The second half of a selection, each actor in the browser: the shortlisted applicant on a phone books an
interview from the invitation mail, adds it to a calendar, moves it once and answers the team's message; the
panel scores and records the consensus; the approver decides 採用 with a reason; the applicant sees the result
on the status page and in one mail. axe on every applicant state and every staff page visited.
"""

from __future__ import annotations

import re

import pytest
from django.core import mail
from playwright.sync_api import Page, expect

from applications.interviews.services import interview_round_close
from applications.mail.outbox import outbox_send_pending
from applications.messaging.services import message_send
from applications.models import Candidacy, FinalDecision, InterviewBooking, OutboxEmail
from applications.screening.rules import Stage
from applications.screening.services import role_stage
from cms.content import ensure_site_content
from recruitment.formatting import format_japan_datetime
from tests.applications.interviews_world import approved_world, days_ahead, round_open
from tests.e2e.admin_helpers import DESK, at_desk, settled
from tests.e2e.booking_helpers import book, calendar_event, invitation_link, tick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-not-used-123"  # tests.applications.factories.UserFactory
QUESTION = "面接の前に、これまでの作品のURLをもう一度教えていただけますか。"
ANSWER = "https://portfolio.example.jp/works です。よろしくお願いします。"
DECISION_KINDS = ("decision_selected", "decision_not_selected", "decision_reserve", "decision_promoted")


def mails_to(address):
    return [m for m in mail.outbox if m.to == [address]]


def test_applicant_books_moves_answers_then_panel_scores_approver_decides_and_applicant_sees_it(
    page: Page, browser, live_server, assert_accessible
):
    ensure_site_content()
    world = approved_world(people=1, others=0)
    role = world.role
    interview_round = round_open(
        world, days_ahead(3), days_ahead(4), panel=[world.approver, world.contractor], length_minutes=45
    )
    first, second = interview_round.slots.order_by("starts_at")
    (me,) = world.shortlisted[role.pk]
    email = me.application.applicant.email
    family_name = me.application.applicant.family_name
    outbox_send_pending()

    # 1. The applicant, on a phone, follows the link of the invitation mail.
    link = invitation_link(email)
    manage = link.removesuffix("interviews/")
    page.goto(live_server.url + link)
    expect(page.get_by_role("heading", name="面接の予約")).to_be_visible()
    assert_accessible(page)

    tick(page, first)
    book(page, first, assert_accessible)

    event = calendar_event(page)
    assert str(event["UID"]).strip()
    assert event.decoded("DTSTART") == first.starts_at
    assert str(event["DTSTART"].params["TZID"]) == "Asia/Tokyo"
    assert (event.decoded("DTEND") - event.decoded("DTSTART")).total_seconds() == 45 * 60
    booked_uid = str(event["UID"])

    tick(page, second)
    book(page, second, assert_accessible, move=True)
    moved = calendar_event(page)
    assert str(moved["UID"]) == booked_uid  # the calendar updates the same event
    assert moved.decoded("DTSTART") == second.starts_at

    # The selection team writes; the applicant reads it on the manage link and answers.
    message_send(candidacy=me, by=world.contractor, body=QUESTION)
    page.goto(live_server.url + manage)
    expect(page.get_by_role("heading", name="選考の状況")).to_be_visible()
    expect(page.get_by_text(format_japan_datetime(second.starts_at, "ja")).first).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("新しいメッセージが1件")
    assert_accessible(page)
    page.get_by_role("link", name="新しいメッセージ(1件)を読んで返信する").click()
    expect(page.get_by_text(QUESTION)).to_be_visible()
    assert_accessible(page)
    page.locator("#id_body").fill(ANSWER)
    page.get_by_role("button", name="返信を送る").click()
    expect(page.get_by_role("status")).to_contain_text("返信を送りました")
    expect(page.get_by_text(ANSWER)).to_be_visible()
    assert_accessible(page)

    outbox_send_pending()  # the booking, move and message notices leave before the decision
    mail.outbox.clear()

    # 2. The interviews are held; the round is closed, the role is ready for the decision.
    interview_round_close(interview_round=interview_round, by=world.approver)
    assert role_stage(role) == Stage.INTERVIEWED

    # 3. Each panel member scores in the admin; the second records the consensus.
    staff = browser.new_context(viewport=DESK, locale="ja-JP", timezone_id="Asia/Tokyo")
    desk = staff.new_page()
    for member, score in ((world.contractor, "4"), (world.approver, "5")):
        at_desk(desk, live_server, member.username, PASSWORD, "/admin/interviews/")
        settled(desk, assert_accessible)
        desk.get_by_role("link", name=role.title).first.click()
        settled(desk, assert_accessible)
        desk.get_by_role("link", name=re.compile(re.escape(family_name))).click()
        expect(desk.get_by_role("heading", name="あなたの評価 Your scorecard")).to_be_visible()
        settled(desk, assert_accessible)
        criteria = desk.get_by_role("group").filter(has_text="満点")
        assert criteria.count() >= 1
        for i in range(criteria.count()):
            criteria.nth(i).get_by_role("radio", name=score, exact=True).check()
        desk.get_by_role("radio", name="採用を推薦", exact=True).check()
        desk.locator("#id_comment").fill("具体的な改善案を示してくれた。")
        desk.get_by_role("button", name=re.compile("評価を提出")).click()
        expect(desk.get_by_role("status")).to_contain_text("面接評価を保存しました")
        settled(desk, assert_accessible)

    desk.locator("#id_text").fill("全員一致で採用を推薦する。")
    desk.locator("#id_recommendation").select_option("select")
    desk.locator("#id_rank").fill("1")
    desk.get_by_role("button", name=re.compile("合議を記録")).click()
    expect(desk.get_by_role("status")).to_contain_text("合議を記録しました")
    settled(desk, assert_accessible)

    # 4. The approver (still signed in) decides 採用 on the decisions page, with a reason.
    desk.goto(live_server.url + "/admin/interviews/")
    desk.get_by_role("link", name=re.compile("最終決定")).first.click()
    expect(desk.get_by_role("heading", name=re.compile(re.escape(family_name)))).to_be_visible()
    settled(desk, assert_accessible)
    person = desk.get_by_role("region", name=re.compile(re.escape(family_name)))
    person.get_by_label("結果 Outcome").select_option(label="採用")
    person.get_by_label("理由の詳細 Reason in words").fill("面接で示した企画力が募集の目的に合う。")
    person.get_by_role("button", name=re.compile("決定を記録")).click()  # no reason chosen: refused by the field
    reason = person.get_by_label("理由 Reason", exact=True)
    expect(reason).to_have_accessible_description(re.compile("理由を一覧から選んでください"))
    expect(person.get_by_label("理由の詳細 Reason in words")).to_have_value("面接で示した企画力が募集の目的に合う。")
    settled(desk, assert_accessible)
    assert not FinalDecision.objects.filter(candidacy=me).exists()
    reason.select_option(label="面接での評価")
    person.get_by_label(re.compile("理由を本人に伝える")).check()
    person.get_by_role("button", name=re.compile("決定を記録")).click()
    expect(desk.get_by_role("status")).to_contain_text("最終決定を記録しました")
    settled(desk, assert_accessible)
    staff.close()

    decision = FinalDecision.objects.get(candidacy=me)
    assert (decision.outcome, decision.reason, decision.decided_by) == ("selected", "interview", world.approver)
    assert Candidacy.objects.get(pk=me.pk).status == Candidacy.Status.SELECTED

    # 5. The mail leaves; the applicant sees the result on the status page, in kind words, and one mail.
    outbox_send_pending()
    outbox_send_pending()  # a second run sends nothing again
    page.goto(live_server.url + manage)
    expect(page.get_by_text("採用が決まりました。おめでとうございます。")).to_be_visible()
    assert "不合格" not in page.content()
    assert_accessible(page)

    (told,) = mails_to(email)  # exactly one mail: the result
    assert me.reference in told.subject
    assert "面接で示した企画力が募集の目的に合う。" in told.body  # the reason, shared
    assert "不合格" not in told.subject + told.body
    assert OutboxEmail.objects.filter(to=email, kind__in=DECISION_KINDS).count() == 1
    assert OutboxEmail.objects.get(to=email, kind__in=DECISION_KINDS).kind == "decision_selected"
    booking = InterviewBooking.objects.get(application=me.application, cancelled_at__isnull=True)
    assert (booking.slot_id, booking.sequence) == (second.pk, 1)
