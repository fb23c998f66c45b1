"""What every staff page of applications in the Wagtail admin shares: the login and method gate, the refusal page.

Used by the screening pages and the privacy (erasure) page; a module of its own so that neither
package imports the other's views.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.views.decorators.http import require_http_methods
from wagtail.admin.auth import require_admin_access


def admin_view(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Admin login (Wagtail's ``require_admin_access``) and GET/POST only."""
    return require_admin_access(require_http_methods(["GET", "POST"])(view))


def forbidden(request: HttpRequest, reason: str) -> HttpResponse:
    """The 403 page that says why."""
    return TemplateResponse(request, "applications/screening/forbidden.html", {"reason": reason}, status=403)
