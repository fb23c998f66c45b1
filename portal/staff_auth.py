"""Staff sign-in bounds beyond django-axes: one address guessing across usernames, and password reset mail.

django-axes locks a username from an address after five failures (``AXES_LOCKOUT_PARAMETERS``),
so 48 guesses spread over 12 accounts locked nobody. Here every failed login also counts
against the address, whatever the username (``cms.web.limits.RATES["login"]``, generous because
a city office signs in from one address): over the ceiling, the login form answers 429 until
the hour is over. Password reset mail is limited per address and per account asked for.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from wagtail.admin.views.account import LoginView, PasswordResetView

from cms.web.limits import over_limit, too_many

_login = LoginView.as_view()
_password_reset = PasswordResetView.as_view()


def login_failed(sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any) -> None:
    """``user_login_failed``: count the failure against the address (any username)."""
    if request is not None:
        over_limit(request, "login", visitor=None)


def login(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Wagtail's login, refused (429) while the address is over its ceiling of failed logins."""
    if request.method == "POST" and (refusal := over_limit(request, "login", visitor=None, count=False)):
        return too_many(request, refusal)
    return _login(request, *args, **kwargs)


def password_reset(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Wagtail's password reset form, each request counted per address and per account (the email asked for)."""
    if request.method == "POST":
        email = str(request.POST.get("email", ""))[:254].strip().lower()
        if refusal := over_limit(request, "password_reset", visitor=f"account:{email}" if email else None):
            return too_many(request, refusal)
    return _password_reset(request, *args, **kwargs)
