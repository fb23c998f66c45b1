"""The manage link: see an application, withdraw candidacies before a decision, erase it; ask for a new link."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.generic import TemplateView

from applications.intake.forms import ManageLinkRequestForm
from applications.intake.selectors import MANAGE_LINK_AFTER_DECISION, MANAGE_LINK_MAX_AGE, manage_link_lookup
from applications.intake.services import candidacy_withdraw, manage_links_resend
from applications.intake.tokens import hash_token
from applications.intake.views.common import mail_to_limited, rate_limited, secret_address
from applications.messaging.status import application_answers, application_status
from applications.models import Application
from applications.privacy.retention import application_erase
from applications.screening.rules import WITHDRAWABLE
from cms.web.limits import too_many
from cms.web.numbers import parse_ids


class ManageLinkExpired(Exception):
    """The manage link was right but is too old; a new one can be asked for."""


def _manage_periods() -> dict[str, int]:
    return {"after_decision_days": MANAGE_LINK_AFTER_DECISION.days, "new_link_days": MANAGE_LINK_MAX_AGE.days}


class ManageView(TemplateView):
    """The emailed link to see an application and withdraw candidacies before a decision."""

    template_name = "applications/manage.html"

    def get_application(self) -> Application:
        link = manage_link_lookup(self.kwargs["token"])
        if link is None:
            raise Http404
        if link.expired:
            raise ManageLinkExpired
        return link.application

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().dispatch(request, *args, **kwargs)
        except ManageLinkExpired:
            return render(request, "applications/manage_expired.html", _manage_periods(), status=410)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        application = self.get_application()
        erased = application.anonymised_at is not None
        # Where each role stands (from what the applicant was told) and their own answers (issues 20, 22).
        roles = [] if erased else application_status(application, token=self.kwargs["token"], language=get_language())
        return {
            **super().get_context_data(**kwargs),
            "application": application,
            "roles": roles,
            "unread_total": sum(role.unread for role in roles),
            "answers": [] if erased else application_answers(application),
            "candidacies": application.candidacies.select_related("role").order_by("rank"),
            "withdrawable": WITHDRAWABLE,
            "can_withdraw": application.candidacies.filter(status__in=WITHDRAWABLE).exists(),
            "erased": application.anonymised_at is not None,
        }

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if refusal := rate_limited(request, "manage", visitor=f"manage:{hash_token(kwargs['token'])}"):
            return too_many(request, refusal)
        application = self.get_application()
        if "erase" in request.POST:
            return self.erase(application, **kwargs)
        ids = parse_ids(request.POST.getlist("candidacy"))
        withdraw_all = bool(request.POST.get("withdraw_all"))
        if withdraw_all:
            ids = list(application.candidacies.values_list("pk", flat=True))
        context = self.get_context_data(**kwargs)
        chosen = [c for c in context["candidacies"] if c.pk in ids and c.status in WITHDRAWABLE]
        if chosen and not request.POST.get("confirm"):
            # Withdrawing cannot be undone: say what will be withdrawn and ask once more.
            context.update(to_withdraw=chosen, withdraw_all=withdraw_all)
            return render(request, "applications/manage_confirm.html", context)
        count = candidacy_withdraw(application=application, candidacy_ids=ids) if chosen else 0
        context = self.get_context_data(**kwargs)
        context["withdrawn_count"] = count
        context["nothing_chosen"] = not chosen
        return self.render_to_response(context)

    def erase(self, application: Application, **kwargs: Any) -> HttpResponse:
        """Erase the application (before a decision) or pass the request to the city (after one)."""
        if not self.request.POST.get("erase_confirm"):
            context = self.get_context_data(**kwargs)
            context["erase_error"] = True
            return self.render_to_response(context)
        outcome = application_erase(application=application)
        context = self.get_context_data(**kwargs)
        context["erase_outcome"] = outcome
        return self.render_to_response(context)


manage = never_cache(secret_address(ManageView.as_view()))


@never_cache
def manage_request(request: HttpRequest) -> HttpResponse:
    """Ask for a new manage link: it goes to the address the application was made with, if any.

    The page answers the same whatever the address (it tells no one who applied); limited per
    visitor and per address.
    """
    form = ManageLinkRequestForm(request.POST or None)
    if request.method == "POST":
        if refusal := rate_limited(request, "manage_request"):
            return too_many(request, refusal)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not mail_to_limited(request, email):
                manage_links_resend(email=email)
            return render(request, "applications/manage_request_sent.html", {"email": email, **_manage_periods()})
    return render(request, "applications/manage_request.html", {"form": form, **_manage_periods()})
