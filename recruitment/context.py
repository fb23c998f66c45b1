"""Context for the call index, call and role pages: thin, everything comes from selectors.

Each page type names its builder here (``context_builder``, read by ``cms.models.BasePage``):
this module imports the models, the models never import it.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.forms.utils import flatatt
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .deadlines import RoleState
from .models import RolePage, TaskCategory
from .selectors import call_roles_by_category, call_roles_preview, role_page_call, search_open_roles

PAGE_SIZE = 50


def _category_choices(categories: Iterable[TaskCategory] | None = None) -> list[tuple[str, str]]:
    from cms.templatetags.kobo import localized_value

    if categories is None:
        categories = TaskCategory.objects.only("slug", "name", "name_en")
    return [("", _("All categories"))] + [(c.slug, str(localized_value(c, "name"))) for c in categories]


class PlainSelect(forms.Select):
    """Django's ``<select>``, written in Python: the public filters' selects, without a template per option.

    Django renders a select through three templates per option; on a call page that was a
    fifth of the uncached rendering (docs/performance.md). Same markup and attributes (``id``,
    ``aria-*`` from the bound field), flat choices only.
    """

    def render(self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None) -> SafeString:
        chosen = {str(v) for v in self.format_value(value)}
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            ((key, " selected" if str(key) in chosen else "", label) for key, label in self.choices),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', name, flatatt(self.build_attrs(self.attrs, attrs)), options
        )


class RoleSearchForm(forms.Form):
    """Filters of the open-roles listing (GET; every field optional)."""

    q = forms.CharField(label=_("Keyword"), required=False, max_length=100)
    category = forms.ChoiceField(label=_("Category"), required=False, widget=PlainSelect)
    work_style = forms.ChoiceField(
        label=_("Work style"),
        required=False,
        choices=[("", _("Any")), *RolePage.WorkStyle.choices],
        widget=PlainSelect,
    )
    pay_basis = forms.ChoiceField(
        label=_("Paid"), required=False, choices=[("", _("Any")), *RolePage.PayBasis.choices], widget=PlainSelect
    )
    order = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("closing", _("Deadline, soonest first")), ("newest", _("Newest first"))],
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices()


class CallFilterForm(forms.Form):
    """Filters of a call page's roles; the categories offered are the call's own."""

    category = forms.ChoiceField(label=_("Category"), required=False, widget=PlainSelect)
    state = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("open", _("Accepting applications")), (RoleState.CLOSED.value, _("Closed"))],
        widget=PlainSelect,
    )

    def __init__(self, *args: Any, categories: Iterable[TaskCategory], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = _category_choices(categories)


def call_index_context(page: Any, request: HttpRequest) -> dict[str, Any]:
    from .selectors import open_call_summaries

    form = RoleSearchForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    roles = list(search_open_roles(**{k: v for k, v in filters.items() if v})[:PAGE_SIZE])
    now = timezone.now()
    for role in roles:
        role.current_state = role.state(now)
    return {
        "calls": open_call_summaries(now=now),
        "form": form,
        "roles": roles,
        "searched": bool(request.GET),
        "page_size": PAGE_SIZE,
    }


def call_page_context(page: Any, request: HttpRequest) -> dict[str, Any]:
    # One query for the roles; the filter's choices come from them, so the GET is read first
    # and checked by the form afterwards (a value the form refuses filters nothing).
    wanted = {"category": request.GET.get("category", ""), "state": request.GET.get("state", "")}
    if getattr(request, "is_preview", False):  # the editor's preview: draft roles too, marked as such
        listing = call_roles_preview(page)
        groups = listing.groups
        return {
            "form": CallFilterForm(categories=listing.categories),
            "groups": groups,
            "role_count": sum(len(g.roles) for g in groups),
            "headcount": sum(r.headcount for g in groups for r in g.roles),
            "preview_drafts": sum(1 for g in groups for r in g.roles if r.preview_draft),
        }
    listing = call_roles_by_category(page, **wanted)
    form = CallFilterForm(request.GET or None, categories=listing.categories)
    if request.GET and not form.is_valid() and any(wanted.values()):
        listing = call_roles_by_category(page)
    groups = listing.groups
    return {
        "form": form,
        "groups": groups,
        "role_count": sum(len(g.roles) for g in groups),
        "headcount": sum(r.headcount for g in groups for r in g.roles),
    }


def role_page_context(page: RolePage, request: HttpRequest) -> dict[str, Any]:
    call = role_page_call(page)
    page.call_live = call.live
    return {"call": call, "role_state": page.state()}
