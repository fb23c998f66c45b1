"""The city's statistics page and the public results page, in a real browser, with axe."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from applications.demo import ensure_demo_screening, generate_demo_applications
from recruitment.demo import ensure_kobe_demo
from tests.conftest import replayed
from tests.e2e.admin_helpers import at_desk, settled

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def kobe_with(count: int):
    call = replayed("kobe", ensure_kobe_demo)
    call_command("create_demo_users", stdout=open("/dev/null", "w"))  # noqa: SIM115
    ensure_demo_screening(call)
    generate_demo_applications(call=call, count=count)
    return call


@pytest.fixture
def kobe_statistics(transactional_db):
    """Enough applications for every chart to draw."""
    return kobe_with(120)


@pytest.fixture
def kobe_applicant(transactional_db):
    """The survey needs one applicant's manage link, not a call's worth."""
    return kobe_with(3)


def test_the_approver_reads_the_statistics_and_the_public_reads_the_published_results(
    page, live_server, kobe_statistics, assert_accessible, settings
):
    call = kobe_statistics
    at_desk(page, live_server, "approver", settings.KOBO_DEMO_PASSWORD, f"/admin/screening/call/{call.pk}/")
    page.get_by_role("link", name="統計 Statistics").click()
    settled(page, assert_accessible)
    assert page.locator("#stat-applications").inner_text() == "120"
    assert page.locator("figure svg").count() == 3  # days, the tile map of the 47 prefectures, the largest ones

    results_url = f"{live_server.url}/calls/{call.organisation.slug}/{call.slug}/results/"
    page.context.clear_cookies()
    assert page.goto(results_url).status == 404  # not published yet

    call.results_published = True
    call.save_revision().publish()
    for url, heading in (
        (results_url, "応募状況・選考結果"),
        (results_url.replace("/calls/", "/en/calls/"), "Applications and results"),
    ):
        assert page.goto(url).status == 200
        settled(page, assert_accessible)
        assert heading in page.locator("h1").inner_text()


def test_the_applicant_answers_the_optional_survey_from_the_manage_link(
    page, live_server, kobe_applicant, assert_accessible
):
    from applications.intake.services import manage_link_token
    from applications.models import Application, SurveyAnswer

    application = Application.objects.filter(call=kobe_applicant).order_by("submitted_at").first()
    page.goto(f"{live_server.url}/apply/manage/{manage_link_token(application)}/survey/")
    settled(page, assert_accessible)
    page.get_by_label("30代").check()
    page.get_by_label("自営業・フリーランス").check()
    page.get_by_role("button", name="回答を保存する").click()
    page.locator("#survey-saved").wait_for()
    settled(page, assert_accessible)
    assert SurveyAnswer.objects.get(application=application).age_band == "30s"
