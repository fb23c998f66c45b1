"""The application wizard's pages: /apply/<call>/ and its steps, and the postcode lookup they use."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET

from applications.intake.postcodes import postcode_address
from applications.intake.steps import STEPS
from applications.intake.wizard.view import ApplyWizard

apply_wizard = never_cache(ApplyWizard.as_view(url_name="applications:apply_step", done_step_name="done"))


def apply_start(request: HttpRequest, call_id: int) -> HttpResponse:
    """/apply/<call>/: go to the step the visitor's draft is at (the first for a new one)."""
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return redirect(reverse("applications:apply_step", kwargs={"call_id": call_id, "step": STEPS[0].name}) + query)


@require_GET
@cache_control(max_age=86400, public=True)
def postcode_lookup(request: HttpRequest) -> JsonResponse:
    """``?code=6508570`` → prefecture and city, for the "about you" step to fill in (JavaScript; still editable)."""
    address = postcode_address(request.GET.get("code", "")[:20])
    if address is None:
        return JsonResponse({}, status=404)
    return JsonResponse({"prefecture": address.prefecture, "city": address.city})
