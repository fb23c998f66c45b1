"""A city approver staffs a call copied for their city, without a shell, in a real browser (Chromium + axe).

Each city's team screens offer only that city's own people; anyone else is added by the
email address of their existing account (issue 18), and a pick from another city is refused by name.
"""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import call_command

from applications.models import Assignment, OrganisationMember
from applications.staff import SCREENING_CONTRACTORS
from applications.teams.services import member_groups_sync
from recruitment.demo import ensure_kobe_demo
from recruitment.models import CallPage, Organisation, RolePage
from tests.conftest import replayed
from tests.e2e.admin_helpers import at_desk, log_in, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo(transactional_db, settings):
    """The Kobe and Miki demo, its users, Miki's approver and a contractor with no call yet."""
    kobe = replayed("kobe", ensure_kobe_demo)
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    User = get_user_model()
    miki = Organisation.objects.get(slug="miki")
    approver = User.objects.create_user("approver_miki", "approver_miki@example.jp", settings.KOBO_DEMO_PASSWORD)
    OrganisationMember.objects.create(user=approver, organisation=miki, role=OrganisationMember.Role.APPROVER)
    member_groups_sync(user=approver)
    contractor = User.objects.create_user("contractor_new", "contractor_new@example.jp", settings.KOBO_DEMO_PASSWORD)
    contractor.groups.add(Group.objects.get(name=SCREENING_CONTRACTORS))
    return kobe, miki


def save(page):
    """The model form's own save button (not the header's search)."""
    page.locator("main form[method='post' i] button[type=submit]").first.click()


def test_city_approver_assigns_a_contractor_to_a_call_copied_for_their_city(
    page, live_server, demo, assert_accessible, settings
):
    kobe, miki = demo
    # A site administrator copies Kobe's call for Miki, every date 30 days later.
    at_desk(page, live_server, "admin", settings.KOBO_DEMO_PASSWORD, f"/admin/pages/{kobe.pk}/copy/")
    settled(page, assert_accessible)
    page.locator("#id_new_title").fill("三木市 広報の副業人材(コピー)")
    page.locator("#id_new_slug").fill("miki-copy")
    page.locator("#id_organisation").select_option(str(miki.pk))
    page.locator("#id_shift_days").fill("30")
    page.get_by_role("button", name=re.compile("コピーする")).click()
    page.wait_for_url(re.compile(r"/admin/pages/\d+/edit/"))
    copy = CallPage.objects.get(slug="miki-copy")
    assert copy.organisation == miki
    assert not copy.live
    assert RolePage.objects.child_of(copy).count() == RolePage.objects.child_of(kobe).count()

    # Miki's approver assigns a contractor to it under 体制 Teams → 審査の担当.
    log_in(page, live_server, "approver_miki", settings.KOBO_DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/teams/assignments/")
    settled(page, assert_accessible)
    page.goto(f"{live_server.url}/admin/teams/assignments/new/")
    settled(page, assert_accessible)
    call_options = page.locator("#id_call option").all_inner_texts()
    assert any("コピー" in text for text in call_options)
    assert not any(kobe.title in text for text in call_options)  # Kobe's calls are not Miki's to staff
    # A contractor new to Miki is not offered in the list: Miki's approver types the account's address.
    assert "contractor_new" not in page.locator("#id_user option").all_inner_texts()
    page.locator("#id_call").select_option(str(copy.pk))
    page.locator("#id_email").fill("contractor_new@example.jp")
    page.locator("#id_starts_on").fill("2030-01-10")
    page.locator("#id_ends_on").fill("2030-01-01")
    save(page)
    page.wait_for_load_state()
    assert "終了日は開始日以降" in page.content()  # the mistake is named next to the field, nothing saved
    settled(page, assert_accessible)
    assert not Assignment.objects.filter(user__username="contractor_new").exists()
    page.locator("#id_starts_on").fill("")
    page.locator("#id_ends_on").fill("")
    page.locator("#id_call").select_option(str(copy.pk))
    page.locator("#id_email").fill("contractor_new@example.jp")
    save(page)
    page.wait_for_url(f"{live_server.url}/admin/teams/assignments/")
    settled(page, assert_accessible)
    assert Assignment.objects.filter(user__username="contractor_new", call=copy).exists()

    # The contractor sees that call, and nothing of Kobe's.
    log_in(page, live_server, "contractor_new", settings.KOBO_DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/screening/")
    settled(page, assert_accessible)
    links = page.locator("main a[href*='/admin/screening/call/']")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs
    assert all(f"/call/{copy.pk}/" in href for href in hrefs), hrefs
    assert kobe.title not in page.locator("main").inner_text()
    response = page.goto(f"{live_server.url}/admin/screening/call/{kobe.pk}/")
    assert response.status == 404


def test_kobe_approver_cannot_pick_miki_staff_and_is_told_to_add_by_email(
    page, live_server, demo, assert_accessible, settings
):
    kobe, _miki = demo
    organisation = kobe.organisation
    miki_approver = get_user_model().objects.get(username="approver_miki")
    at_desk(page, live_server, "approver", settings.KOBO_DEMO_PASSWORD, "/admin/teams/members/new/")
    settled(page, assert_accessible)
    offered = [text.strip() for text in page.locator("#id_user option").all_inner_texts()]
    assert {"editor", "approver", "official"} <= set(offered)
    assert "approver_miki" not in offered  # Miki's staff are not Kobe's to list

    # A pick of Miki's approver smuggled into the list (as a crafted request would send it) is refused by name.
    page.evaluate(
        "pk => { const s = document.querySelector('#id_user'); s.add(new Option('approver_miki', pk)); s.value = pk; }",
        str(miki_approver.pk),
    )
    page.locator("#id_organisation").select_option(str(organisation.pk))
    page.locator("#id_role").select_option("approver")
    save(page)
    page.wait_for_load_state()
    assert "メールアドレスで追加してください" in page.locator("main").inner_text()
    settled(page, assert_accessible)
    assert not OrganisationMember.objects.filter(user=miki_approver, organisation=organisation).exists()

    # An address with no account is named as such, next to the field.
    page.locator("#id_user").select_option("")
    page.locator("#id_email").fill("nobody@example.jp")
    page.locator("#id_role").select_option("official")
    save(page)
    page.wait_for_load_state()
    assert "スタッフアカウントはありません" in page.locator("main").inner_text()
    assert not OrganisationMember.objects.filter(organisation=organisation, user__email="nobody@example.jp").exists()
