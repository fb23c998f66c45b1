"""The session engine: Django's database sessions, shorter for signed-in staff.

Citizens have no account; their session carries a draft's token and their receipts and keeps
Django's defaults. Once someone signs in to the admin, the session ends when the browser
closes (its cookie has no expiry) and the server forgets it after ``KOBO_STAFF_SESSION_AGE``
seconds without a change, whatever Wagtail's "remember me" asked for (it would set two weeks).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils import timezone


class SessionStore(DatabaseSessionStore):
    """Database sessions that end on browser close and after a working day once a user is signed in."""

    def _signed_in(self) -> bool:
        return SESSION_KEY in self

    def get_expire_at_browser_close(self) -> bool:
        return True if self._signed_in() else super().get_expire_at_browser_close()

    def get_expiry_age(self, **kwargs: Any) -> int:
        age = super().get_expiry_age(**kwargs)
        return min(age, settings.KOBO_STAFF_SESSION_AGE) if self._signed_in() else age

    def get_expiry_date(self, **kwargs: Any) -> datetime:
        expires = super().get_expiry_date(**kwargs)
        if not self._signed_in():
            return expires
        latest = kwargs.get("modification") or timezone.now()
        return min(expires, latest + timedelta(seconds=settings.KOBO_STAFF_SESSION_AGE))
