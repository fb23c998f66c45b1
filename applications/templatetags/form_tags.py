"""Form fields in the Digital Agency pattern: label, hint and error tied to the control."""

from __future__ import annotations

from typing import Any

from django import forms, template

register = template.Library()

AUTOCOMPLETE = {
    "family_name": "family-name",
    "given_name": "given-name",
    "email": "email",
    "email_confirm": "email",
    "phone": "tel",
    "postal_code": "postal-code",
    "prefecture": "address-level1",
    "city": "address-level2",
}
INPUTMODE = {"phone": "tel", "postal_code": "numeric", "hours_per_week": "numeric"}


@register.inclusion_tag("applications/includes/field.html")
def form_field(field: forms.BoundField, describedby: str = "") -> dict[str, Any]:
    """Render one field: a fieldset and legend for choices, else a label; hint and errors by id.

    ``describedby`` adds the id of more text about the control (such as a file already uploaded).
    """
    widget = field.field.widget
    hint_id = f"{field.auto_id}-hint" if field.help_text else ""
    error_id = f"{field.auto_id}-error" if field.errors else ""
    attrs: dict[str, Any] = {}
    counter: dict[str, Any] = {}
    limit = getattr(field.field, "max_length", None)
    if isinstance(widget, forms.Textarea) and limit:
        # A counter instead of the browser's maxlength, which cuts a pasted text without a word.
        typed = str(field.value() or "").replace("\r\n", "\n")
        counter = {"id": f"{field.auto_id}-counter", "left": limit - len(typed), "over": len(typed) - limit}
        attrs.update({"maxlength": False, "data-max-chars": limit, "data-char-counter": counter["id"]})
    described = " ".join(filter(None, [hint_id, counter.get("id"), describedby, error_id]))
    if described:
        attrs["aria-describedby"] = described
    if field.errors:
        attrs["aria-invalid"] = "true"
    if field.field.required and not isinstance(widget, forms.CheckboxSelectMultiple):
        # A radio marked required says "one of these is required"; the visible 「※必須」 is aria-hidden.
        attrs["required"] = True
    if field.name in AUTOCOMPLETE:
        attrs["autocomplete"] = AUTOCOMPLETE[field.name]
    if field.name in INPUTMODE:
        attrs["inputmode"] = INPUTMODE[field.name]
    grouped = isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
    return {
        "field": field,
        # A group is written choice by choice in the fieldset (its whole widget would be thrown away).
        "widget_html": "" if grouped else field.as_widget(attrs=attrs),
        "grouped": grouped,
        "checkbox": isinstance(widget, forms.CheckboxInput),
        "hint_id": hint_id,
        "error_id": error_id,
        "honeypot": field.name == "website",
        "counter": counter,
    }


@register.filter
def stored_file(form: forms.Form, name: str) -> str:
    """The original name of the file kept in the draft for field ``name`` of ``form``, or ""."""
    return (getattr(form, "stored_files", None) or {}).get(name, "")


@register.filter
def error_target(field: forms.BoundField) -> str:
    """The id an error summary links to: the control itself, or the first choice of a group."""
    if isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"{field.auto_id}_0"
    return field.auto_id


@register.filter
def described(field: forms.BoundField) -> str:
    """The control alone, tied to its hint (``<id>-hint``) and error (``<id>-error``) by ``aria-describedby``:
    for pages that lay out label, hint and error themselves (the staff's forms in the admin)."""
    ids = [f"{field.auto_id}-hint" if field.help_text else "", f"{field.auto_id}-error" if field.errors else ""]
    attrs: dict[str, Any] = {"aria-describedby": " ".join(filter(None, ids))} if any(ids) else {}
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)
