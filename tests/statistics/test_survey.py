"""The optional survey: answered by the applicant only (receipt session or manage link), counted only,
never shown to screeners or panels, rate limited, CSRF-checked, with no 500 for anything sent."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from applications.intake.services import manage_link_token
from applications.models import SurveyAnswer
from applications.privacy.retention import application_erase
from applications.staff import CITY_APPROVERS
from applications.statistics.aggregates import call_statistics
from cms.web import limits
from tests.applications.factories import staff
from tests.statistics.helpers import first_candidacy, start_of_day, submit

pytestmark = pytest.mark.django_db


@pytest.fixture
def kobe(kobe_world):
    return kobe_world


#: Answers no staff page, CSV or PDF may ever show (their labels in both languages, and their codes).
SECRET = {"age_band": "70plus", "occupation": "executive", "heard_via": "acquaintance"}
SECRET_WORDS = ["70歳以上", "70 or over", "会社役員・経営者", "Company director or owner", "知人・同僚",
                "A friend or colleague", "70plus", "acquaintance"]  # fmt: skip


def fresh_receipt(client: Client, application) -> None:
    """This browser has just sent ``application`` (what the wizard leaves in the session)."""
    session = client.session
    session["kobo_receipt"] = {"reference": application.reference, "once": "test", "until": time.time() + 600}
    session.save()


def test_the_applicant_answers_from_the_receipt_and_changes_it_from_the_manage_link(client, kobe):
    call, (_newsletter, _instagram, quiet) = kobe
    application = submit(call, [quiet], email="survey@example.jp", when=start_of_day(3))
    fresh_receipt(client, application)
    receipt = client.get(reverse("applications:receipt", args=[application.reference])).content.decode()
    assert 'id="survey-link"' in receipt
    form = client.get(reverse("survey"))
    assert form.status_code == 200
    assert form["Referrer-Policy"] == "strict-origin"
    page = form.content.decode()
    assert application.reference in page
    assert "選考する人がこの回答を見ることはありません" in page
    saved = client.post(reverse("survey"), {"age_band": "30s", "occupation": "freelance", "heard_via": "news"})
    assert 'id="survey-saved"' in saved.content.decode()
    stats = call_statistics(call=call)
    assert (stats.survey_responses, stats.survey["age_band"]["30s"], stats.survey["heard_via"]["news"]) == (1, 1, 1)

    manage_url = reverse("applications:manage", args=[manage_link_token(application)])
    survey_url = reverse("survey_manage", args=[manage_link_token(application)])
    assert survey_url in Client().get(manage_url).content.decode()
    later = Client()  # another day, another browser: the emailed link proves the application
    shown = later.get(survey_url).content.decode()
    assert re.search(r'value="30s"[^>]*checked', shown)
    later.post(survey_url, {"age_band": "40s", "occupation": "freelance", "heard_via": ""})
    stats = call_statistics(call=call)
    assert stats.survey_responses == 1
    assert (stats.survey["age_band"]["30s"], stats.survey["age_band"]["40s"], stats.survey["heard_via"]["news"]) == (
        0,
        1,
        0,
    )


def test_nobody_else_can_answer_and_nothing_sent_makes_a_500(client, kobe, settings):
    call, (_newsletter, _instagram, quiet) = kobe
    application = submit(call, [quiet], email="owner@example.jp", when=start_of_day(3))
    stranger = Client()
    assert stranger.get(reverse("survey")).status_code == 404
    assert stranger.post(reverse("survey"), {"age_band": "30s"}).status_code == 404
    assert stranger.get(reverse("survey_manage", args=["not-a-token"])).status_code == 404
    assert stranger.post(reverse("survey_manage", args=["x" * 5000]), {"age_band": "30s"}).status_code == 404
    assert not SurveyAnswer.objects.exists()

    # The receipt's offer lasts an hour.
    fresh_receipt(client, application)
    client.get(reverse("applications:receipt", args=[application.reference]))
    session = client.session
    session["kobo_survey"]["until"] = time.time() - 1
    session.save()
    assert client.get(reverse("survey")).status_code == 404

    # Odd values are refused with a message, never a 500.
    url = reverse("survey_manage", args=[manage_link_token(application)])
    for odd in ("²", "１", "-1", "0", "x" * 5000):
        response = Client().post(url, {"age_band": odd, "occupation": odd, "heard_via": odd})
        assert response.status_code == 200
        assert 'class="error-summary"' in response.content.decode()
    surrogate = Client().post(url, "age_band=%ED%A0%80", content_type="application/x-www-form-urlencoded")
    assert surrogate.status_code in (200, 400)
    assert not SurveyAnswer.objects.exists()

    # CSRF: a form posted from elsewhere is refused.
    assert Client(enforce_csrf_checks=True).post(url, {"age_band": "30s"}).status_code == 403
    assert not SurveyAnswer.objects.exists()

    # An erased application takes no answers.
    application_erase(application=application)
    assert Client().get(url).status_code == 404


def test_answers_are_rate_limited(kobe, monkeypatch):
    call, (_newsletter, _instagram, quiet) = kobe
    application = submit(call, [quiet], email="eager@example.jp", when=start_of_day(3))
    monkeypatch.setitem(limits.RATES, "survey", limits.Rate(visitor="2/h", address="100/h"))
    url = reverse("survey_manage", args=[manage_link_token(application)])
    browser = Client()
    statuses = [browser.post(url, {"age_band": "20s"}).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


def test_screeners_and_the_city_never_see_the_answers(client, kobe, kobe_staff, tmp_path, monkeypatch):
    from cms.web.storage import PrivateFileSystemStorage
    from exports.documents.candidacy_csv import csv_rows
    from exports.documents.dossiers import dossiers_context
    from exports.models import ExportJob

    call, _roles = kobe
    applications = list(call.applications.order_by("submitted_at")[:3])  # a hire and two shortlisted
    from applications.statistics.services import survey_answer

    for application in applications:
        survey_answer(application=application, answers=SECRET)
    approver = staff("survey_approver", CITY_APPROVERS, organisation=call.organisation)
    pages = []
    for user in (kobe_staff["contractor"], approver):
        client.force_login(user)
        pages.append(client.get(reverse("screening_candidacies", args=[call.pk])).content.decode())
        for application in applications:
            candidacy = first_candidacy(application)
            pages.append(client.get(reverse("screening_candidacy", args=[candidacy.pk])).content.decode())
        pages.append(str(csv_rows(call=call, requested_by=user, role=None, candidacy_ids=None)))
        pages.append(str(dossiers_context(call=call, requested_by=user)))
    monkeypatch.setattr(ExportJob._meta.get_field("file"), "storage", PrivateFileSystemStorage(location=str(tmp_path)))
    assert "神戸" in " ".join(pages)  # the shortlisted people's names are there: the pages were really read
    for text in pages:
        for word in SECRET_WORDS:
            assert word not in text
    # The statistics count them, suppressed: three answers are under 5.
    html = client.get(reverse("call_statistics", args=[call.pk])).content.decode()
    assert re.search(r"<th scope=\"row\">70歳以上 70 or over</th><td class=\"kobo-num\">5未満</td>", html)
