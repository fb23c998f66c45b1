"""The session engine: Django's database sessions, shorter for signed-in staff.

Citizens have no account; their session carries a draft's token and their receipts and keeps
Django's defaults. Once someone signs in to the admin the session becomes a browser session
(its cookie has no expiry, so closing the browser ends it) and the server forgets it after
``KOBO_STAFF_SESSION_AGE`` seconds without a change. ``get_session_cookie_age`` is the hook
Django documents for this.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    """Database sessions that end on browser close and after a working day once a user is signed in."""

    def _signed_in(self) -> bool:
        return SESSION_KEY in self

    def get_session_cookie_age(self) -> int:
        if self._signed_in():
            return settings.KOBO_STAFF_SESSION_AGE
        return super().get_session_cookie_age()

    def get_expire_at_browser_close(self) -> bool:
        if self._signed_in() and self.get("_session_expiry") is None:
            return True
        return super().get_expire_at_browser_close()
