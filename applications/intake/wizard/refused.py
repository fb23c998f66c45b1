"""Post/Redirect/Get for a step the server refused: what was typed and what was wrong, kept for the GET.

A step the server cannot accept (an answer to correct, a role that closed, a refused submission, a
code just sent) is not answered by the POST itself: the POST keeps what the page must show in the
browser's session and redirects to the step's address, whose GET shows it. So the browser's Back
and reload never meet a POST result ("Confirm form resubmission"), and the page after a refusal
still shows what was typed, with its errors. What is kept here is the step's own fields as posted
(bounded like a draft's, but not cut at a draft answer's length: an answer that is too long comes
back whole, with its error), the errors as they were shown, and a few words of context. The next
POST of the wizard replaces or forgets it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.forms.utils import ErrorDict
from django.utils.datastructures import MultiValueDict

from applications.intake.drafts import bounded_step_data

#: An answer typed into a step that is refused comes back as typed up to this many characters (a step's
#: longest field takes 2,000; the rest is what someone pasted by mistake, and is said to be too long).
MAX_REFUSED_CHARS = 10_000
#: The context a refused step may carry to its GET (plain values only: it lives in the session).
CONTEXT_KEYS = ("refusal_message", "code_outcome")


def _key(call_id: int) -> str:
    return f"kobo_refused_{call_id}"


def refusal_keep(request: Any, call_id: int, step: str, form: Any, context: dict[str, Any]) -> None:
    """Keep ``form`` as the POST left it (``None``: show the step unbound) and ``context`` for the next GET."""
    kept: dict[str, Any] = {"step": step, "data": None, "errors": None}
    if form is not None and form.is_bound:
        data = form.data
        lists = dict(data.lists()) if hasattr(data, "lists") else {k: [v] for k, v in data.items()}
        kept["data"] = bounded_step_data(step, lists, max_chars=MAX_REFUSED_CHARS)
        kept["errors"] = {name: [str(e) for e in errors] for name, errors in form.errors.items()}
    kept.update({k: str(v) for k, v in context.items() if k in CONTEXT_KEYS and v})
    request.session[_key(call_id)] = kept


def refusal_forget(request: Any, call_id: int) -> None:
    """A new POST of the wizard: what an earlier refusal kept is no longer shown."""
    request.session.pop(_key(call_id), None)


def refusal_for(request: Any, call_id: int, step: str) -> dict[str, Any] | None:
    """What the last refused POST of ``step`` kept, or None (another step, or nothing refused)."""
    kept = request.session.get(_key(call_id))
    return kept if isinstance(kept, dict) and kept.get("step") == step else None


def refused_data(kept: dict[str, Any]) -> MultiValueDict | None:
    """The step's fields as they were posted, to bind its form again (None: the step was shown unbound)."""
    data = kept.get("data")
    return MultiValueDict(data) if isinstance(data, dict) else None


def show_refused_errors(form: forms.Form, kept: dict[str, Any]) -> None:
    """Put on ``form`` (already bound and cleaned) exactly the errors the refused POST showed.

    Cleaning again cannot tell them all: a code already counted, a file refused and not kept, a
    draft that was full. So the kept errors replace what the new cleaning found.
    """
    form.is_valid()  # cleaned_data for what the page reads (summary rows, warnings)
    errors = ErrorDict(renderer=form.renderer)
    for name, messages in (kept.get("errors") or {}).items():
        if name == forms.forms.NON_FIELD_ERRORS:
            errors[name] = form.error_class(messages, error_class="nonfield", renderer=form.renderer)
        elif name in form.fields:
            errors[name] = form.error_class(messages, renderer=form.renderer)
    form._errors = errors
