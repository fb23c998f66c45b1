"""Public views of the application side: the wizard, saving and resuming drafts, receipt, manage.

Thin: forms check input, ``services`` write, the wizard's steps live in ``wizard.STEPS``.
Pages whose address carries a secret (resume, manage) and the receipt send ``Referrer-Policy:
strict-origin`` (``secret_address``), so neither the next site nor our own static files see more
of the address than the site's origin in a Referer.
"""

from __future__ import annotations

import secrets
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django import forms as django_forms
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView
from formtools.wizard.views import NamedUrlWizardView, StepsHelper, WizardView

from applications.intake import forms
from applications.intake.postcodes import postcode_address
from applications.intake.selectors import MANAGE_LINK_AFTER_DECISION, MANAGE_LINK_MAX_AGE, manage_link_lookup
from applications.intake.services import (
    Submission,
    SubmissionRefused,
    application_submit,
    candidacy_withdraw,
    draft_resume,
    draft_send_link,
    manage_links_resend,
)
from applications.intake.text import email_key
from applications.intake.verification import (
    CODE_LIFETIME,
    CodeCheck,
    email_code_check,
    email_code_issue,
    email_code_pending,
    email_verified,
)
from applications.intake.wizard import (
    DRAFT_LIFETIME,
    STEP_BY_NAME,
    STEPS,
    DraftFiles,
    DraftStorage,
    DraftTooLarge,
    browser_key,
    draft_bind,
    draft_in_session,
    hash_token,
)
from applications.models import Application, Draft
from applications.privacy.retention import application_erase
from applications.screening.rules import WITHDRAWABLE
from cms.web.limits import Refusal, over_limit, session_visitor, too_many
from cms.web.numbers import parse_id, parse_ids, parse_int
from recruitment.models import CallPage, RolePage

#: The receipt shown right after submitting: one entry in the session (reference, a one-time key, until
#: when); the manage token it may show waits in the cache under that key and is removed on display.
RECEIPT_SESSION_KEY = "kobo_receipt"
RECEIPT_LIFETIME = timedelta(minutes=10)
#: The steps whose forms need every role of the call: the first lists them, the last checks the first again.
ALL_ROLES_STEPS = {STEPS[0].name, STEPS[-1].name}
#: What the wizard reads of a role: its title, deadline and state, what the self-check compares and
#: how it is paid (the long texts and the rubric stay in the database; the query-count test notices
#: a page that reads another field of every role).
ROLE_FIELDS = (
    "path",
    "live",
    "title",
    "title_en",
    "headcount",
    "opens_at",
    "closes_at",
    "hours_min",
    "hours_max",
    "work_style",
    "pay_text",
)


def rate_limited(request: HttpRequest, group: str, *, visitor: str | None = None) -> Refusal | None:
    """Count this POST against the visitor (their session, or ``visitor``) and their address (``cms.web.limits``)."""
    if request.method != "POST":
        return None
    return over_limit(request, group, visitor=visitor or session_visitor(request))


def mail_to_limited(request: HttpRequest, email: str) -> Refusal | None:
    """One more mail anyone can make us send to ``email`` (codes, draft links, manage links): counted per
    recipient address whoever asks, and per sender's address (``cms.web.limits``)."""
    return over_limit(request, "mail_to", visitor=f"to:{email_key(email)}")


#: What a page with a secret in its address tells others of it: only the site's origin, never the path.
#: Not ``no-referrer``: browsers then send ``Origin: null`` with the page's own form POSTs (continue,
#: withdraw, erase), which the CSRF check rightly refuses.
LINK_PAGE_REFERRER_POLICY = "strict-origin"


def secret_address(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Keep the page's address (a secret link) out of every Referer: other sites' and our static files'."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        response.headers["Referrer-Policy"] = LINK_PAGE_REFERRER_POLICY
        return response

    return wrapped


class ApplyWizard(NamedUrlWizardView):
    """The multi-step application to one call (formtools, with drafts in the database)."""

    form_list = [(step.name, step.form) for step in STEPS]
    condition_dict = {step.name: step.when for step in STEPS if step.when}
    file_storage = DraftFiles()
    url_name = "applications:apply_step"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.call = get_object_or_404(CallPage.objects.live().select_related("organisation"), pk=kwargs["call_id"])
        self._chosen_by_id: dict[int, RolePage] = {}
        self.prefix = f"apply-{self.call.pk}"
        self.storage = DraftStorage(self.prefix, request, self.file_storage, call=self.call)
        self.steps = StepsHelper(self)
        draft = self.storage.draft
        if draft is not None and draft.application_id:
            # A second tap of the final button, moments later: its answer is the same receipt.
            # Anything else in this browser after a submission starts a fresh form.
            final = request.POST.get(f"{self.prefix}-current_step") == STEPS[-1].name
            if final and draft.application.submitted_at > timezone.now() - RECEIPT_LIFETIME:
                self._remember_receipt(draft.application.reference)
                return redirect("applications:receipt", reference=draft.application.reference)
            self.storage.forget_draft()
        self._checking_code = False
        if not self._chosen_ids() and not any(r.state().accepts_applications for r in self.roles):
            return render(request, "applications/closed.html", {"call": self.call, "roles": self.roles})
        # formtools' WizardView.dispatch builds its own storage; ours needs the call.
        response = super(WizardView, self).dispatch(request, *args, **kwargs)
        self.storage.update_response(response)
        return response

    # --- steps and forms -----------------------------------------------------------

    def get_step_url(self, step: str) -> str:
        return reverse(self.url_name, kwargs={"call_id": self.call.pk, "step": step})

    def get_template_names(self) -> list[str]:
        return [STEP_BY_NAME[self.steps.current].template]

    def get_form_list(self) -> OrderedDict:
        # formtools caches the list per request, but choosing roles changes whether "rank" is shown.
        self.__dict__.pop("_resolved_form_list", None)
        return super().get_form_list()

    def selected_role_ids(self) -> list[int]:
        """The roles ticked on the first step, in the order of the call (not yet ranked)."""
        data = self.storage.get_step_data("roles")
        values = data.getlist("roles-roles") if data else []
        return parse_ids(values)[: forms.MAX_ROLES]

    def _chosen_ids(self) -> list[int]:
        """The chosen roles in order of preference (the "rank" step), else in the order they were ticked."""
        ids = self.selected_role_ids()
        ranks = self.storage.get_step_data("rank") or {}

        def rank(pk: int) -> int:
            value = ranks.get(f"rank-role_{pk}", "")
            return parse_int(value, maximum=forms.MAX_ROLES) or forms.MAX_ROLES + 1

        return sorted(ids, key=lambda pk: (rank(pk), ids.index(pk))) if len(ids) > 1 else ids

    @cached_property
    def roles(self) -> list[RolePage]:
        """All the call's published roles in the call's order (one query, made only when a step needs them all).

        The first step lists them and the last checks that step again; every other step needs only
        the roles chosen (``chosen_roles``), so a call with many roles costs them no more.
        """
        return list(self._role_query().order_by("category__sort_order", "path"))

    def _role_query(self) -> Any:
        return self.call.roles().select_related(None).only(*ROLE_FIELDS)

    def chosen_roles(self) -> list[RolePage]:
        ids = self._chosen_ids()
        if "roles" in self.__dict__ or self.steps.current in ALL_ROLES_STEPS:
            by_id = {r.pk: r for r in self.roles}
        else:
            missing = [pk for pk in ids if pk not in self._chosen_by_id]
            if missing:  # the same query as ``roles``, narrowed to the chosen ones
                self._chosen_by_id.update((r.pk, r) for r in self._role_query().filter(pk__in=missing))
            by_id = self._chosen_by_id
        return [by_id[pk] for pk in ids if pk in by_id]

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        # Only the first step's form reads ``roles``; the others get them only if they ask.
        roles = self.roles if step in ALL_ROLES_STEPS else SimpleLazyObject(lambda: self.roles)
        kwargs = {"call": self.call, "roles": roles, "chosen": self.chosen_roles()}
        if step == "portfolio":
            stored = self.storage.data[self.storage.step_files_key].get("portfolio", {})
            kwargs["stored_files"] = {key.removeprefix("portfolio-"): entry["name"] for key, entry in stored.items()}
        if step == "verify":
            email = self.applicant_email()
            kwargs.update(email=email, verified=email_verified(self.storage.draft, email))
            if self._checking_code:
                kwargs["check"] = self.check_code
        return kwargs

    # --- the address, proven by a code ------------------------------------------------------

    def applicant_email(self) -> str:
        """The address given on the "about you" step (as typed), or ''."""
        data = self.storage.get_step_data("about")
        return unicodedata.normalize("NFKC", data.get("about-email") or "").strip() if data else ""

    def check_code(self, code: str) -> str | None:
        """Check the typed code (counts a try); the message to show, or None when the address is proven."""
        outcome = email_code_check(draft=self.storage.draft, email=self.applicant_email(), code=code)
        if outcome is CodeCheck.VERIFIED:
            return None
        if outcome is CodeCheck.WRONG:
            return _("That code is not the one we sent. Check the latest email and type its 6 digits again.")
        return _("This code no longer works (it expired or was typed wrongly too often). Ask for a new code below.")

    def send_code(self) -> str:
        """Send a new code to the address given, within the limits; says what happened, for the step."""
        email = self.applicant_email()
        draft = self.storage.draft
        if not email or draft is None:
            return "no_email"
        if over_limit(self.request, "code", visitor=f"draft:{draft.pk}") or mail_to_limited(self.request, email):
            return "limited"
        email_code_issue(draft=draft, email=email, language=get_language() or "ja")
        return "sent"

    def get_form_initial(self, step: str) -> dict[str, Any]:
        if step == "roles":
            wanted = parse_id(self.request.GET.get("role"))
            if wanted is not None and any(r.pk == wanted for r in self.roles):
                return {"roles": [str(wanted)]}
        return {}

    def get_quiet_form(self, step: str) -> Any:
        """The step as the person left it, without errors: its saved answers as initial values.

        Errors appear after the person sends the step (or when the final check sends them back
        to it, with ``?check``), never on arrival: not after Back, not when a draft is resumed.
        """
        data = self.storage.get_step_data(step)
        if data is None or "check" in self.request.GET:
            return self.get_form(step=step, data=data, files=self.storage.get_step_files(step))
        saved = self.get_form(step=step, data=data)
        initial = {}
        for name, field in saved.fields.items():
            if not isinstance(field, django_forms.FileField):
                initial[name] = saved[name].value()
        form = self.get_form(step=step)
        form.initial = {**form.initial, **initial}
        return form

    def keep_step_unchecked(self, step: str) -> Any:
        """Keep what was typed on ``step`` in the draft, valid or not (save for later, Back)."""
        form = self.get_form(data=self.request.POST, files=self.request.FILES)
        self.storage.set_step_data(step, self.process_step(form))
        if form.is_valid():
            self.storage.set_step_files(step, self.process_step_files(form))
        return form

    def process_step_files(self, form: Any) -> dict[str, Any]:
        """Keep the checked (and for images re-encoded) content, not the raw upload."""
        if self.steps.current != "portfolio":
            return {}
        files = {}
        for field, checked in form.checked.items():
            # Keyed like the POST (with the step prefix), so formtools hands them back to the form.
            files[form.add_prefix(field)] = SimpleUploadedFile(
                checked.original_name, checked.content, content_type=checked.content_type
            )
        return files

    # --- requests --------------------------------------------------------------------

    def closed_chosen_roles(self) -> list[RolePage]:
        now = timezone.now()
        return [r for r in self.chosen_roles() if not r.state(now).accepts_applications]

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        refusal = rate_limited(self.request, "wizard") or (self.request.FILES and rate_limited(self.request, "upload"))
        if refusal:
            return too_many(self.request, refusal)
        posted_step = self.request.POST.get(f"{self.prefix}-current_step")
        if posted_step is not None and posted_step not in self.get_form_list():
            raise SuspiciousOperation("The wizard's current step was tampered with.")  # a 400
        if posted_step and posted_step != self.steps.current and self.storage.current_step is not None:
            self.storage.current_step = posted_step  # as formtools would, before anything reads the step
        if self.steps.current == "verify" and self.request.POST.get("send_code"):
            outcome = self.send_code()
            return self.render(self.get_form(), code_outcome=outcome)
        # Only "next" on the verify step tries the code (Back and "save and finish later" keep it unchecked).
        self._checking_code = self.steps.current == "verify" and not (
            self.request.POST.get("wizard_goto_step") or "save_draft" in self.request.POST
        )
        try:
            return self._post(*args, **kwargs)
        except DraftTooLarge as refusal:
            form = self.get_form(data=self.request.POST, files=self.request.FILES)
            form.is_valid()
            form.add_error(None, refusal.message)
            return self.render(form)

    def _post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        step = self.steps.current
        closed = self.closed_chosen_roles()
        if closed and step == STEPS[-1].name and self.request.POST.get("submit_remaining") and self._drop_roles(closed):
            closed = []
        if closed and step != "roles" and "wizard_goto_step" not in self.request.POST:
            # Nothing is accepted for a role after its deadline; say so on the page.
            form = self.get_form(data=self.request.POST, files=self.request.FILES)
            return self.render(form, closed_roles=closed)
        for i in range(1, forms.PortfolioForm.FILES + 1):
            if step == "portfolio" and self.request.POST.get(f"portfolio-remove_file_{i}"):
                self.storage.remove_step_file("portfolio", f"portfolio-file_{i}")
        if "save_draft" in self.request.POST:
            self.keep_step_unchecked(step)
            return redirect("applications:save_draft", call_id=self.call.pk)
        if self.request.POST.get("wizard_goto_step") in self.get_form_list():
            self.keep_step_unchecked(step)  # Back keeps what was typed here, not yet checked
        response = super().post(*args, **kwargs)
        if step == "roles" and self.storage.save() is not None:
            self._limit_draft_life()
        if step == "about" and self.storage.current_step == "verify":
            # The address was just given (or changed): mail its code unless one for it is still out.
            email = self.applicant_email()
            self.storage.save()
            if not email_verified(self.storage.draft, email) and not email_code_pending(self.storage.draft, email):
                self.send_code()
        return response

    def process_step(self, form: Any) -> Any:
        if self.steps.current == "verify":
            return {}  # the code is spent; the draft row says whether the address is proven
        return super().process_step(form)

    def _drop_roles(self, closed: list[RolePage]) -> bool:
        """The applicant agreed to send only the roles still open: take the closed ones out of the draft."""
        remaining = [pk for pk in self._chosen_ids() if pk not in {r.pk for r in closed}]
        if not remaining:
            return False
        roles = self.storage.get_step_data("roles")
        roles.setlist("roles-roles", [str(pk) for pk in remaining])
        self.storage.set_step_data("roles", roles)
        ranks = MultiValueDict({f"rank-role_{pk}": [str(n)] for n, pk in enumerate(remaining, start=1)})
        self.storage.set_step_data("rank", ranks)
        return True

    def render(self, form: Any = None, **kwargs: Any) -> HttpResponse:
        if self.request.method == "POST" and getattr(form, "checked", None) and form.errors:
            # Files that passed their checks are kept even when another answer of the step failed.
            kept = self.process_step_files(form)
            try:
                self.storage.set_step_files(self.steps.current, kept)
            except DraftTooLarge:
                kept = {}  # over the draft's cap: keep nothing of this post; the refusal says why
            form.stored_files.update({name.removeprefix(form.prefix + "-"): f.name for name, f in kept.items()})
        return super().render(form, **kwargs)

    def render_revalidation_failure(self, failed_step: str, form: Any, **kwargs: Any) -> HttpResponse:
        self.storage.current_step = failed_step
        return redirect(self.get_step_url(failed_step) + "?check")

    def _limit_draft_life(self) -> None:
        chosen = self.chosen_roles()
        if chosen:
            limit = min(self.storage.draft.created_at + DRAFT_LIFETIME, max(r.closes_at for r in chosen))
            Draft.objects.filter(pk=self.storage.draft.pk).update(expires_at=limit)

    def render_done(self, form: Any, **kwargs: Any) -> HttpResponse:
        """Re-validate every step, then submit. Only on the final POST: the "done" URL changes nothing.

        Unlike formtools' own, the draft is kept when the submission is refused.
        """
        if self.request.method != "POST":
            return redirect(self.get_step_url(STEPS[-1].name))
        self._checking_code = False
        final_forms = OrderedDict()
        for name in self.get_form_list():
            try:
                files = self.storage.get_step_files(name)
            except FileNotFoundError:
                # A double tap: the other request submitted this draft after this one read it,
                # and took the draft's files away with it. Its receipt is this one's answer.
                reference = Draft.objects.filter(pk=self.storage.draft.pk).values_list(
                    "application__reference", flat=True
                )[0]
                if reference is None:
                    raise
                self.storage.forget_submitted()  # and leave the emptied draft as the submission left it
                self._remember_receipt(reference)
                return redirect("applications:receipt", reference=reference)
            step_form = self.get_form(step=name, data=self.storage.get_step_data(name), files=files)
            if not step_form.is_valid():
                return self.render_revalidation_failure(name, step_form, **kwargs)
            final_forms[name] = step_form
        return self.done(list(final_forms.values()), form_dict=final_forms, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> HttpResponse:
        step = kwargs.get("step")
        if step == self.done_step_name:
            return redirect(self.get_step_url(STEPS[-1].name))
        if step in self.get_form_list():
            self.storage.current_step = step
            return self.render(self.get_quiet_form(step))
        return super().get(*args, **kwargs)

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        index = self.steps.index
        closed = kwargs.get("closed_roles") or self.closed_chosen_roles()
        shown = self.get_form_list()
        context.update(
            call=self.call,
            chosen_roles=self.chosen_roles(),
            step_info=STEP_BY_NAME[self.steps.current],
            step_number=index + 1,
            step_count=len(shown),
            closed_roles=closed,
            remaining_roles=[r for r in self.chosen_roles() if r not in closed],
        )
        if self.steps.current == "review":
            context["summary"] = self.review_summary()
        if self.steps.current == "verify":
            email = self.applicant_email()
            context.update(
                email=email,
                verified=email_verified(self.storage.draft, email),
                code_pending=email_code_pending(self.storage.draft, email),
                code_outcome=kwargs.get("code_outcome"),
                code_minutes=int(CODE_LIFETIME.total_seconds() // 60),
            )
        return context

    def review_summary(self) -> list[dict[str, Any]]:
        """Every answer, step by step, with a link back to change it.

        Files are shown by the name kept in the draft and not checked again here: only files that
        passed their checks are kept, and the final POST checks every step, files included, again.
        """
        sections = []
        for step in STEPS[:-1]:
            if step.name in {"rank", "verify"}:
                continue  # shown as the order of the roles; the address is shown with "about you"
            if step.name == "roles":
                rows = [
                    {"label": _("Preference %(rank)s") % {"rank": rank}, "value": forms.role_title(role), "html": True}
                    for rank, role in enumerate(self.chosen_roles(), start=1)
                ]
                shown = self.get_form_list()
                valid = all(
                    self.get_form(step=name, data=self.storage.get_step_data(name)).is_valid()
                    for name in ("roles", "rank")
                    if name in shown
                )
                url = self.get_step_url("roles")
                sections.append({"name": "roles", "title": step.form.title, "rows": rows, "valid": valid, "url": url})
                continue
            form = self.get_form(step=step.name, data=self.storage.get_step_data(step.name))
            valid = form.is_valid()
            rows = []
            for name, field in form.fields.items():
                if name in {"website", "email_confirm", "accept_warnings"} or name.startswith("remove_"):
                    continue
                if isinstance(field, django_forms.FileField):
                    value = getattr(form, "stored_files", {}).get(name)
                else:
                    value = form.cleaned_data.get(name) if valid else form[name].value()
                if value in (None, "", []):
                    continue
                if hasattr(field, "choices") and not isinstance(value, bool):
                    value = {str(k): v for k, v in field.choices}.get(str(value), value)
                if hasattr(value, "name"):
                    value = value.name
                if value in (None, "", []):
                    continue
                rows.append({"label": field.label, "value": value})
            sections.append(
                {
                    "name": step.name,
                    "title": step.form.title,
                    "rows": rows,
                    "valid": valid,
                    "url": self.get_step_url(step.name),
                }
            )
        return sections

    def done(self, form_list: Any, form_dict: OrderedDict, **kwargs: Any) -> HttpResponse:
        if refusal := rate_limited(self.request, "submit"):  # the act of submitting, however the step was reached
            return too_many(self.request, refusal)
        data = {name: form.cleaned_data for name, form in form_dict.items()}
        about = data["about"]
        answers = {
            "roles": [r.pk for r in self.chosen_roles()],
            "check": dict(data["check"].items()),
            "experience": data["experience"],
            "portfolio_links": [
                data["portfolio"][f"link_{i}"] for i in range(1, 6) if data["portfolio"].get(f"link_{i}")
            ],
            "sidework": data["sidework"],
            "consent": True,
        }
        submission = Submission(
            call=self.call,
            role_ids=self._chosen_ids(),
            about={k: v for k, v in about.items() if k not in {"website", "email_confirm"}},
            answers=answers,
            files=list(form_dict["portfolio"].checked.values()),
            language=get_language() or "ja",
            consent_notice_version=self.call.personal_data_notice_version,
        )
        try:
            application, manage_token = application_submit(
                draft=self.storage.draft,
                submission=submission,
                drop_closed=bool(self.request.POST.get("submit_remaining")),
            )
        except SubmissionRefused as refusal:
            if refusal.unverified:
                return redirect(self.get_step_url("verify"))
            form = self.get_form(step="review", data=self.request.POST)
            form.is_valid()
            return self.render(form, refusal=refusal, closed_roles=refusal.closed_roles)
        self.storage.forget_submitted()
        self._remember_receipt(application.reference, manage_token)
        return redirect("applications:receipt", reference=application.reference)

    def _remember_receipt(self, reference: str, manage_token: str | None = None) -> None:
        """Let this browser see the receipt of ``reference`` once, within ``RECEIPT_LIFETIME``.

        The manage token (first request only) waits in the cache, not in the session row.
        """
        pending = self.request.session.get(RECEIPT_SESSION_KEY) or {}
        now = timezone.now().timestamp()
        if manage_token is None and pending.get("reference") == reference and pending.get("until", 0) > now:
            return  # the first tap's receipt (with its link) is still waiting: keep it
        once = secrets.token_urlsafe(16)
        if manage_token:
            cache.set(f"kobo:receipt:{once}", manage_token, timeout=int(RECEIPT_LIFETIME.total_seconds()))
        until = now + RECEIPT_LIFETIME.total_seconds()
        self.request.session[RECEIPT_SESSION_KEY] = {"reference": reference, "once": once, "until": until}


apply_wizard = never_cache(ApplyWizard.as_view(url_name="applications:apply_step", done_step_name="done"))


def apply_start(request: HttpRequest, call_id: int) -> HttpResponse:
    """/apply/<call>/: go to the step the visitor's draft is at (the first for a new one)."""
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return redirect(reverse("applications:apply_step", kwargs={"call_id": call_id, "step": STEPS[0].name}) + query)


@never_cache
def save_draft(request: HttpRequest, call_id: int) -> HttpResponse:
    """Ask for an email address and send the link that resumes the draft."""
    call = get_object_or_404(CallPage.objects.live(), pk=call_id)
    draft = draft_in_session(request, call.pk)
    if draft is None or draft.application_id:
        return redirect("applications:apply", call_id=call.pk)
    about = (draft.data.get("step_data") or {}).get("about") or {}
    email_value = (about.get("about-email") or [""])[0]
    form = forms.DraftEmailForm(request.POST or None, initial={"email": email_value})
    if request.method == "POST":
        if refusal := rate_limited(request, "draft_link"):
            return too_many(request, refusal)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if refusal := mail_to_limited(request, email):
                return too_many(request, refusal)
            draft_send_link(draft=draft, email=email, language=get_language() or "ja")
            return render(request, "applications/draft_sent.html", {"call": call, "email": email, "draft": draft})
    return render(request, "applications/save_draft.html", {"call": call, "form": form, "draft": draft})


@require_GET
@cache_control(max_age=86400, public=True)
def postcode_lookup(request: HttpRequest) -> JsonResponse:
    """``?code=6508570`` → prefecture and city, for the "about you" step to fill in (JavaScript; still editable)."""
    address = postcode_address(request.GET.get("code", "")[:20])
    if address is None:
        return JsonResponse({}, status=404)
    return JsonResponse({"prefecture": address.prefecture, "city": address.city})


@never_cache
@secret_address
@require_http_methods(["GET", "POST"])
def resume_draft(request: HttpRequest, token: str) -> HttpResponse:
    """The emailed link: ask, then (POST) continue the saved draft in this browser.

    Opening the link changes nothing (a link can be sent by anyone, from any site): the page says
    what continuing will replace. Continuing replaces the link's token (this link stops working;
    a new one can be emailed from the form) and binds the draft to this browser alone.
    Not rate-limited: its token has 256 bits.
    """
    draft = Draft.objects.filter(token_hash=hash_token(token)).select_related("call").first()
    if draft is None or draft.application_id or draft.expires_at <= timezone.now():
        return render(request, "applications/draft_expired.html", {"draft": draft}, status=410 if draft else 404)
    if request.method == "POST":
        draft_resume(draft=draft, session_key=browser_key(request))
        draft_bind(request, draft)
        step = (draft.data or {}).get("step") or STEPS[0].name
        return redirect("applications:apply_step", call_id=draft.call_id, step=step)
    current = draft_in_session(request, draft.call_id)
    replaces = current if current is not None and current.pk != draft.pk and not current.application_id else None
    return render(
        request, "applications/resume_confirm.html", {"draft": draft, "call": draft.call.specific, "replaces": replaces}
    )


def _receipt_gone(request: HttpRequest) -> HttpResponse:
    return render(request, "applications/receipt_gone.html", status=404)


@never_cache
@secret_address
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The receipt, once, right after submitting, in the browser that submitted (the email has the rest).

    Shown from a one-time entry in the session that expires after ``RECEIPT_LIFETIME``; the next
    person at the same browser finds nothing here.
    """
    pending = request.session.get(RECEIPT_SESSION_KEY) or {}
    if pending.get("reference") != reference:
        return _receipt_gone(request)
    request.session.pop(RECEIPT_SESSION_KEY)
    manage_token = cache.get(f"kobo:receipt:{pending.get('once')}")
    cache.delete(f"kobo:receipt:{pending.get('once')}")
    if pending.get("until", 0) <= timezone.now().timestamp():
        return _receipt_gone(request)
    application = get_object_or_404(Application.objects.select_related("call", "applicant"), reference=reference)
    candidacies = application.candidacies.select_related("role").order_by("rank")
    return render(
        request,
        "applications/receipt.html",
        {
            "application": application,
            "candidacies": candidacies,
            "call": application.call.specific,
            "manage_url": reverse("applications:manage", kwargs={"token": manage_token}) if manage_token else None,
        },
    )


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
        return {
            **super().get_context_data(**kwargs),
            "application": application,
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
    form = forms.ManageLinkRequestForm(request.POST or None)
    if request.method == "POST":
        if refusal := rate_limited(request, "manage_request"):
            return too_many(request, refusal)
        if form.is_valid():
            email = form.cleaned_data["email"]
            if not mail_to_limited(request, email):
                manage_links_resend(email=email)
            return render(request, "applications/manage_request_sent.html", {"email": email, **_manage_periods()})
    return render(request, "applications/manage_request.html", {"form": form, **_manage_periods()})
