"""A contractor screens the Kobe demo in the admin and the city approves a role's shortlist, in a real browser."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from applications.demo import ensure_demo_screening, generate_demo_applications
from applications.models import Candidacy, Review, Shortlist
from recruitment.demo import ensure_kobe_demo
from recruitment.models import RolePage
from tests.conftest import replayed
from tests.e2e.admin_helpers import at_desk, log_in, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEWSLETTER = "広報紙連載記事制作"  # the Kobe role that has closed, so it can be shortlisted


@pytest.fixture
def kobe_screening(transactional_db, settings):
    call = replayed("kobe", ensure_kobe_demo)
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    users = ensure_demo_screening(call)
    generate_demo_applications(call=call, count=80, reviewers=[users["screener2"]])
    role = RolePage.objects.child_of(call).get(category__name=NEWSLETTER)
    return call, role


def test_contractor_scores_shortlists_and_submits_then_the_city_approves(
    page, live_server, kobe_screening, assert_accessible, settings
):
    call, role = kobe_screening
    at_desk(page, live_server, "screener", settings.KOBO_DEMO_PASSWORD, "/admin/screening/")
    settled(page, assert_accessible)
    page.get_by_role("link", name=call.title).first.click()
    settled(page, assert_accessible)

    page.goto(
        f"{live_server.url}/admin/screening/call/{call.pk}/candidacies/?role={role.pk}&reviewed=no&status=submitted"
    )
    settled(page, assert_accessible)
    targets = list(
        Candidacy.objects.filter(role=role, status="submitted").exclude(reviews__reviewer__username="screener")
        .order_by("pk")[:3]
    )  # fmt: skip
    assert len(targets) == 3
    # Blind review: the list shows applicant codes, not names.
    assert targets[0].applicant_code in page.content()
    assert targets[0].applicant.family_name + " " + targets[0].applicant.given_name not in page.content()

    criteria = len(list(role.rubric))
    for index, candidacy in enumerate(targets):
        page.goto(f"{live_server.url}/admin/screening/candidacy/{candidacy.pk}/")
        if index == 0:
            settled(page, assert_accessible)
        for n in range(criteria):
            page.locator(f'input[name="score_{n}"][value="{5 - index}"]').check()
        page.locator('input[name="recommendation"][value="yes"]').check()
        page.get_by_role("button", name="審査を保存 Save review").click()
        page.wait_for_load_state()
        assert Review.objects.filter(candidacy=candidacy, reviewer__username="screener").exists()
        if index == 0:
            settled(page, assert_accessible)  # others' reviews are now shown

    for candidacy in targets[:2]:
        page.goto(f"{live_server.url}/admin/screening/candidacy/{candidacy.pk}/")
        page.locator('input[name="to"][value="shortlisted"]').check()
        page.locator("#status-reason").fill("実績が豊富")
        page.get_by_role("button", name="変更する Change status").click()
        page.wait_for_load_state()
    assert Candidacy.objects.filter(role=role, status="shortlisted").count() == 2
    # Once shortlisted, the name is shown to the contractor.
    page.goto(f"{live_server.url}/admin/screening/candidacy/{targets[0].pk}/")
    assert targets[0].applicant.family_name in page.content()

    page.goto(f"{live_server.url}/admin/screening/call/{call.pk}/")
    settled(page, assert_accessible)
    page.locator(f"#submit-role-{role.pk}").check()
    page.get_by_role("button", name="選んだ業務の候補者リストを市に提出する").click()
    settled(page, assert_accessible)
    assert Shortlist.objects.get(role=role).status == "submitted"

    log_in(page, live_server, "approver", settings.KOBO_DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/screening/call/{call.pk}/")
    settled(page, assert_accessible)
    page.get_by_role("button", name="承認する Approve").click()
    settled(page, assert_accessible)
    shortlist = Shortlist.objects.get(role=role)
    assert shortlist.status == "approved"
    assert shortlist.decided_by.username == "approver"
    page.goto(f"{live_server.url}/admin/screening/call/{call.pk}/audit/")
    settled(page, assert_accessible)
    assert "候補者リストの承認" in page.content()

    # Reopening first shows who was told what (references and outcomes), then asks to confirm.
    page.goto(f"{live_server.url}/admin/screening/call/{call.pk}/")
    page.locator(f"#comment-{role.pk}").fill("評価の見直し")
    page.get_by_role("button", name="再開する(確認へ) Reopen…").click()
    settled(page, assert_accessible)
    assert "通知済みの結果" in page.content()
    assert Shortlist.objects.get(role=role).status == "approved"
    page.get_by_role("button", name="確認して再開する Confirm and reopen").click()
    settled(page, assert_accessible)
    assert Shortlist.objects.get(role=role).status == "returned"
