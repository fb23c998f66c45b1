"""The session engine: Django's database sessions, short for citizens, a working day for signed-in staff.

Citizens have no account; their session holds which draft is open in this browser (never a
token) and, for a few minutes, the receipt to show once. It lasts what filling in a form needs:
the server forgets it ``KOBO_CITIZEN_SESSION_AGE`` seconds after its last change (each saved step
changes it), so a shared browser does not keep someone's application open for days; the draft
itself stays in the database, reachable again through the emailed link. Once someone signs in to
the admin, the session ends when the browser closes (its cookie has no expiry) and the server
forgets it after ``KOBO_STAFF_SESSION_AGE`` seconds without a change, whatever Wagtail's
"remember me" asked for (it would set two weeks).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """Database sessions: a citizen's lasts a couple of hours after its last change; staff's a working day."""

    def _signed_in(self) -> bool:
        return SESSION_KEY in self

    def _age(self) -> int:
        return settings.KOBO_STAFF_SESSION_AGE if self._signed_in() else settings.KOBO_CITIZEN_SESSION_AGE

    def get_expire_at_browser_close(self) -> bool:
        return True if self._signed_in() else super().get_expire_at_browser_close()

    def get_expiry_age(self, **kwargs: Any) -> int:
        return min(super().get_expiry_age(**kwargs), self._age())

    def get_expiry_date(self, **kwargs: Any) -> datetime:
        expires = super().get_expiry_date(**kwargs)
        latest = kwargs.get("modification") or timezone.now()
        return min(expires, latest + timedelta(seconds=self._age()))
