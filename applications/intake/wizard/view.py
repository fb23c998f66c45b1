"""The application wizard: formtools' named-URL wizard over ``steps.STEPS``, its state in a ``Draft``.

The wizard walks the step declarations: each step's form says what it keeps in the answers and
what the review step shows of it (``steps.base.StepForm``). What stays here is the wizard's own
work: which roles are chosen, keeping uploads across steps, the emailed code of the "verify" step,
the rate limits, roles closing while someone applies, and the one-time receipt after submitting.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django import forms as django_forms
from django.core.exceptions import SuspiciousOperation
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject, cached_property
from django.utils.translation import get_language
from formtools.wizard.views import NamedUrlWizardView

from applications.intake.drafts import DraftFiles, DraftTooLarge, wizard_prefix
from applications.intake.services import Submission, SubmissionRefused, application_submit
from applications.intake.steps import STEPS, Step, step_position
from applications.intake.verification import (
    CODE_LIFETIME,
    email_code_pending,
    email_verified,
)
from applications.intake.views.common import rate_limited
from applications.intake.views.receipt import RECEIPT_LIFETIME, receipt_remember
from applications.intake.wizard.address import ADDRESS_STEP, VERIFY_STEP, AddressProof
from applications.intake.wizard.refused import (
    refusal_for,
    refusal_forget,
    refusal_keep,
    refused_data,
    show_refused_errors,
)
from applications.intake.wizard.roles import ALL_ROLES_STEPS, ROLES_STEP, ChosenRoles
from applications.models import Draft
from applications.statistics.devices import device_class
from cms.web.limits import too_many
from cms.web.numbers import parse_id
from recruitment.models import CallPage, RolePage


class ApplyWizard(ChosenRoles, AddressProof, NamedUrlWizardView):
    """The multi-step application to one call (formtools, with drafts in the database)."""

    #: The steps walked, in order (``steps.STEPS``); formtools' form list and conditions follow from them.
    declared_steps: ClassVar[list[Step]] = STEPS
    form_list = [(step.name, step.form) for step in STEPS]
    condition_dict = {step.name: step.when for step in STEPS if step.when}
    storage_name = "applications.intake.drafts.DraftStorage"
    file_storage = DraftFiles()
    url_name = "applications:apply_step"

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """A wizard over other steps (its own ``declared_steps``) takes formtools' lists from them."""
        super().__init_subclass__(**kwargs)
        cls.form_list = [(step.name, step.form) for step in cls.declared_steps]
        cls.condition_dict = {step.name: step.when for step in cls.declared_steps if step.when}

    @cached_property
    def step_by_name(self) -> dict[str, Step]:
        return {step.name: step for step in self.declared_steps}

    @property
    def last_step(self) -> str:
        """The review step, whose POST submits."""
        return self.declared_steps[-1].name

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)
        self._chosen_by_id: dict[int, RolePage] = {}
        self._checking_code = False

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        self.call = get_object_or_404(CallPage.objects.live().select_related("organisation"), pk=kwargs["call_id"])
        return super().dispatch(request, *args, **kwargs)

    def get_prefix(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return wizard_prefix(self.call.pk)  # the storage finds its call by it

    def opening(self) -> HttpResponse | None:
        """What to answer instead of the step: the receipt again, or the "closed" page; None to go on."""
        draft = self.storage.draft
        if draft is not None and draft.application_id:
            # A second tap of the final button, moments later: its answer is the same receipt.
            # Anything else in this browser after a submission starts a fresh form.
            final = self.request.POST.get(f"{self.prefix}-current_step") == self.last_step
            if final and draft.application.submitted_at > timezone.now() - RECEIPT_LIFETIME:
                receipt_remember(self.request, draft.application.reference)
                return redirect("applications:receipt", reference=draft.application.reference)
            self.storage.forget_draft()
        chosen = self._chosen_ids()
        # Nothing chosen, or all it chose has closed (the draft lapsed with them): the "closed" page
        # when no role of the call is open any more; else the roles step says which role closed.
        if (not chosen or len(self.closed_chosen_roles()) == len(chosen)) and not any(
            r.state().accepts_applications for r in self.roles
        ):
            return render(self.request, "applications/closed.html", {"call": self.call, "roles": self.roles})
        return None

    # --- steps and forms -----------------------------------------------------------

    def get_step_url(self, step: str) -> str:
        return reverse(self.url_name, kwargs={"call_id": self.call.pk, "step": step})

    def get_template_names(self) -> list[str]:
        return [self.step_by_name[self.steps.current].template]

    def stored_file_names(self, step: str) -> dict[str, str]:
        """The files the draft keeps for ``step``: field name → the name they were uploaded with."""
        stored = self.storage.data[self.storage.step_files_key].get(step, {})
        return {key.removeprefix(f"{step}-"): entry["name"] for key, entry in stored.items()}

    def get_form_kwargs(self, step: str | None = None) -> dict[str, Any]:
        # Only the first step's form reads ``roles``; the others get them only if they ask.
        roles = self.roles if step in ALL_ROLES_STEPS else SimpleLazyObject(lambda: self.roles)
        kwargs = {"call": self.call, "roles": roles, "chosen": self.chosen_roles()}
        step_form = self.step_by_name[step].form if step in self.step_by_name else None
        if step_form is not None and step_form.keeps_files:
            kwargs["stored_files"] = self.stored_file_names(step)
        if step == VERIFY_STEP:
            email = self.applicant_email()
            kwargs.update(email=email, verified=email_verified(self.storage.draft, email))
            if self._checking_code:
                kwargs["check"] = self.check_code
        return kwargs

    def get_form_initial(self, step: str) -> dict[str, Any]:
        if step == ROLES_STEP:  # /apply/<call>/?role=<id>: that role ticked
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

    def process_step(self, form: Any) -> Any:
        if self.steps.current == VERIFY_STEP:
            return {}  # the code is spent; the draft row says whether the address is proven
        return super().process_step(form)

    def process_step_files(self, form: Any) -> dict[str, Any]:
        """Keep the checked (and for images re-encoded) content, not the raw upload."""
        files = {}
        for field, checked in getattr(form, "checked", {}).items():
            # Keyed like the POST (with the step prefix), so formtools hands them back to the form.
            files[form.add_prefix(field)] = SimpleUploadedFile(
                checked.original_name, checked.content, content_type=checked.content_type
            )
        return files

    # --- requests --------------------------------------------------------------------

    def get(self, *args: Any, **kwargs: Any) -> HttpResponse:
        if (opening := self.opening()) is not None:
            return opening
        step = kwargs.get("step")
        if step == self.done_step_name:  # a GET of "done" submits nothing: back to the last step
            return redirect(self.get_step_url(self.last_step))
        if step in self.get_form_list():
            self.storage.current_step = step
            kept = refusal_for(self.request, self.call.pk, step)
            if kept is None or "check" in self.request.GET:
                return self.render(self.get_quiet_form(step))
            # After a refused POST (Post/Redirect/Get): the step as it was posted, with its errors.
            data = refused_data(kept)
            if data is None:
                form = self.get_quiet_form(step)
            else:
                form = self.get_form(step=step, data=data, files=self.storage.get_step_files(step))
                show_refused_errors(form, kept)
            return self.render(form, refusal_message=kept.get("refusal_message"), code_outcome=kept.get("code_outcome"))
        return super().get(*args, **kwargs)

    def post(self, *args: Any, **kwargs: Any) -> HttpResponse:
        if (opening := self.opening()) is not None:
            return opening
        refusal = rate_limited(self.request, "wizard") or (self.request.FILES and rate_limited(self.request, "upload"))
        if refusal:
            return too_many(self.request, refusal)
        refusal_forget(self.request, self.call.pk)  # this POST is answered afresh
        posted_step = self.request.POST.get(f"{self.prefix}-current_step")
        if posted_step is not None and posted_step not in self.get_form_list():
            raise SuspiciousOperation("The wizard's current step was tampered with.")  # a 400
        if posted_step and posted_step != self.steps.current and self.storage.current_step is not None:
            self.storage.current_step = posted_step  # as formtools would, before anything reads the step
        if self.steps.current == VERIFY_STEP and self.request.POST.get("send_code"):
            outcome = self.send_code()
            return self.render(self.get_form(), code_outcome=outcome)
        # Only "next" on the verify step tries the code (Back and "save and finish later" keep it unchecked).
        self._checking_code = self.steps.current == VERIFY_STEP and not (
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
        if closed and step == self.last_step and self.request.POST.get("submit_remaining") and self._drop_roles(closed):
            closed = []
        if closed and step != ROLES_STEP and "wizard_goto_step" not in self.request.POST:
            # Nothing is accepted for a role after its deadline; the step (as stored) says so.
            return self.refused(None)
        for field in self.stored_file_names(step):
            if self.request.POST.get(f"{step}-remove_{field}"):
                self.storage.remove_step_file(step, f"{step}-{field}")
        if "save_draft" in self.request.POST:
            self.keep_step_unchecked(step)
            return redirect("applications:save_draft", call_id=self.call.pk)
        if self.request.POST.get("wizard_goto_step") in self.get_form_list():
            self.keep_step_unchecked(step)  # Back keeps what was typed here, not yet checked
        response = super().post(*args, **kwargs)
        if step == ROLES_STEP and self.storage.save() is not None:
            self._limit_draft_life()
        if step == ADDRESS_STEP and self.storage.current_step == VERIFY_STEP:
            # The address was just given (or changed): mail its code unless one for it is still out.
            email = self.applicant_email()
            self.storage.save()
            if not email_verified(self.storage.draft, email) and not email_code_pending(self.storage.draft, email):
                self.send_code()
        return response

    def render(self, form: Any = None, **kwargs: Any) -> HttpResponse:
        if self.request.method == "POST":
            if getattr(form, "checked", None) and form.errors:
                # Files that passed their checks are kept even when another answer of the step failed.
                kept = self.process_step_files(form)
                try:
                    self.storage.set_step_files(self.steps.current, kept)
                except DraftTooLarge:
                    kept = {}  # over the draft's cap: keep nothing of this post; the refusal says why
            return self.refused(form, **kwargs)
        return super().render(form, **kwargs)

    def refused(self, form: Any, **context: Any) -> HttpResponse:
        """Answer a POST the step could not accept with a redirect to the step (Post/Redirect/Get).

        What was posted and its errors (``form``; None: the step as stored) and the context the page
        needs are kept for the GET (``wizard.refused``), so Back and reload never resubmit. With
        errors, the address ends in the error summary, where the page starts (also without script).
        """
        refusal_keep(self.request, self.call.pk, self.steps.current, form, context)
        url = self.get_step_url(self.steps.current)
        return redirect(url + "#error-summary" if form is not None and form.errors else url)

    def render_revalidation_failure(self, failed_step: str, form: Any, **kwargs: Any) -> HttpResponse:
        self.storage.current_step = failed_step
        return redirect(self.get_step_url(failed_step) + "?check")

    def render_done(self, form: Any, **kwargs: Any) -> HttpResponse:
        """Re-validate every step, then submit, on the final POST itself (formtools' own, in its "done" step).

        The "done" URL changes nothing (``get``); the draft is kept when the submission is refused
        (``DraftStorage.reset``).
        """
        self._checking_code = False
        try:
            return super().render_done(form, **{**kwargs, "step": self.done_step_name})
        except FileNotFoundError:
            # A double tap: the other request submitted this draft after this one read it,
            # and took the draft's files away with it. Its receipt is this one's answer.
            reference = Draft.objects.filter(pk=self.storage.draft.pk).values_list("application__reference", flat=True)[
                0
            ]
            if reference is None:
                raise
            self.storage.submitted = True
            self.storage.reset()  # and leave the emptied draft as the submission left it
            receipt_remember(self.request, reference)
            return redirect("applications:receipt", reference=reference)

    def get_context_data(self, form: Any, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(form=form, **kwargs)
        closed = kwargs.get("closed_roles") or self.closed_chosen_roles()
        step_number, step_count = step_position(self.declared_steps, self.steps.current)
        context.update(
            call=self.call,
            chosen_roles=self.chosen_roles(),
            step_info=self.step_by_name[self.steps.current],
            step_number=step_number,
            step_count=step_count,
            refusal_message=kwargs.get("refusal_message"),
            closed_roles=closed,
            remaining_roles=[r for r in self.chosen_roles() if r not in closed],
        )
        if self.steps.current == self.last_step:
            context["summary"] = self.review_summary()
        if self.steps.current == VERIFY_STEP:
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
        """Every answer, step by step as each form shows itself (``summary_rows``), with a link back to change it.

        Files are shown by the name kept in the draft and not checked again here: only files that
        passed their checks are kept, and the final POST checks every step, files included, again.
        """
        sections: list[dict[str, Any]] = []
        for name, form_class in list(self.get_form_list().items())[:-1]:
            if form_class.review == "hidden":
                continue
            form = self.get_form(step=name, data=self.storage.get_step_data(name))
            valid = form.is_valid()
            if form_class.review == "previous" and sections:
                sections[-1]["valid"] = sections[-1]["valid"] and valid
                continue
            sections.append(
                {
                    "name": name,
                    "title": form_class.title,
                    "rows": form.summary_rows(),
                    "valid": valid,
                    "url": self.get_step_url(name),
                }
            )
        return sections

    def done(self, form_list: Any, form_dict: dict[str, Any], **kwargs: Any) -> HttpResponse:
        """Submit what every step declares it keeps (``answers``, ``identity``, ``uploads``)."""
        if refusal := rate_limited(self.request, "submit"):  # the act of submitting, however the step was reached
            return too_many(self.request, refusal)
        answers: dict[str, Any] = {}
        about: dict[str, Any] = {}
        files: list[Any] = []
        consent: dict[str, Any] = {"consent_notice_version": self.call.personal_data_notice_version}
        for step_form in form_dict.values():
            answers.update(step_form.answers())
            about.update(step_form.identity())
            files.extend(step_form.uploads())
            consent.update(step_form.consent_record())
        submission = Submission(
            call=self.call,
            role_ids=self._chosen_ids(),
            about=about,
            answers=answers,
            files=files,
            language=get_language() or "ja",
            **consent,
            device=device_class(self.request.headers),
        )
        try:
            application, manage_token = application_submit(
                draft=self.storage.draft,
                submission=submission,
                drop_closed=bool(self.request.POST.get("submit_remaining")),
            )
        except SubmissionRefused as refusal:
            if refusal.unverified:
                return redirect(self.get_step_url(VERIFY_STEP))
            return self.refused(None, refusal_message=refusal.message)
        self.storage.submitted = True  # formtools' reset after ``done`` then empties the wizard
        receipt_remember(self.request, application.reference, manage_token)
        return redirect("applications:receipt", reference=application.reference)
