"""What every screening page shares: admin login, the refusal page, templates' folder, the list's filters."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, QueryDict

from applications.admin_pages import admin_view
from applications.intake.uploads import CANONICAL_EXTENSIONS, MIME_TYPES
from applications.screening.forms import CandidacyFilterSet
from recruitment.models import CallPage, RolePage

PER_PAGE = 50
TEMPLATES = "applications/screening/"
#: The types a checked upload can have, with the extension a download gets (``uploads`` maps kinds to both).
SAFE_CONTENT_TYPES = {MIME_TYPES[kind]: CANONICAL_EXTENSIONS[kind] for kind in MIME_TYPES}


#: The screening pages' gate: admin login, GET/POST only (``applications.admin_pages``, shared with the privacy page).
screening_view = admin_view


def filtered(
    request: HttpRequest, call: CallPage, params: QueryDict, roles: list[RolePage]
) -> tuple[CandidacyFilterSet, QuerySet]:
    """The FilterSet bound to ``params`` and the candidacies it selects (``selectors.candidacy_list``)."""
    filterset = CandidacyFilterSet(params, request=request, call=call, roles=roles)
    return filterset, filterset.qs


def call_roles(call: CallPage) -> list[RolePage]:
    return list(RolePage.objects.child_of(call).order_by("path").only("pk", "title"))
