"""What the application side's pages share: rate limits, and keeping secret addresses out of Referers.

Pages whose address carries a secret (resume, manage) and the receipt send ``Referrer-Policy:
strict-origin`` (``secret_address``), so neither the next site nor our own static files see more
of the address than the site's origin in a Referer.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse

from applications.intake.text import email_key
from cms.web.limits import Refusal, over_limit, session_visitor


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
