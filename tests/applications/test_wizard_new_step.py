"""Adding a step is its form and its entry in the steps: the wizard shows it, reviews it and keeps its answer."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django import forms
from django.urls import get_resolver
from django.utils import timezone
from django.views.decorators.cache import never_cache

from applications.intake.steps import STEPS, Step, StepForm
from applications.intake.wizard.view import ApplyWizard
from applications.models import Application
from cms.site_config import with_site_config
from tests.applications.wizard_helpers import post_step, step_url, walk
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


class ContactTimeForm(StepForm):
    """A new step: when the city may call. It declares its answer and shows itself on the review step."""

    title = "連絡の希望"
    answers_key = "contact"
    contact_time = forms.CharField(label="連絡しやすい時間帯", max_length=100)


class WizardWithContactStep(ApplyWizard):
    declared_steps = [*STEPS[:-1], Step("contact", ContactTimeForm, "applications/steps/fields.html"), STEPS[-1]]


@pytest.fixture
def wizard_with_contact_step(monkeypatch):
    """/apply/<call>/<step>/ served by the wizard over the steps with "contact" before the review."""
    view = with_site_config(
        never_cache(WizardWithContactStep.as_view(url_name="applications:apply_step", done_step_name="done"))
    )
    for pattern in get_resolver().url_patterns:
        for inner in getattr(pattern, "url_patterns", []):
            for leaf in getattr(inner, "url_patterns", [inner]):
                if getattr(leaf, "name", None) == "apply_step":
                    monkeypatch.setattr(leaf, "callback", view)


def test_a_step_added_to_the_declaration_is_asked_reviewed_and_kept(client, site_content, wizard_with_contact_step):
    call = f.call()
    role = f.role(call, title="記事制作", closes_at=timezone.now() + timedelta(days=10))
    response = walk(client, call, [role.pk], until="review")
    assert response["Location"].endswith("/contact/")  # after consent, the new step
    page = client.get(step_url(call, "contact")).content.decode()
    assert "連絡しやすい時間帯" in page

    response = post_step(client, call, "contact", {"contact_time": "平日の夕方"})
    assert response["Location"].endswith("/review/")
    review = client.get(step_url(call, "review")).content.decode()
    assert "連絡の希望" in review
    assert "平日の夕方" in review

    response = post_step(client, call, "review", {})
    assert response.status_code == 302
    assert "/apply/receipt/" in response["Location"]
    answers = Application.objects.get().answers
    assert answers["contact"] == {"contact_time": "平日の夕方"}
    assert answers["roles"] == [role.pk]
    assert answers["consent"] is True
