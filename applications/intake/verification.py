"""Proving an email address before an application is sent: a short code mailed to it and typed back.

The one home of the rule "an unverified address cannot submit": :func:`email_verified` is asked by
``services.application_submit`` (server-side, whatever the browser sends) and by the wizard's
"verify" step. Codes are six digits, kept only as a keyed hash bound to the draft and the address,
valid for ``CODE_LIFETIME`` and ``CODE_ATTEMPTS`` wrong tries; how many may be sent (per draft and
per recipient address) is limited by the view that sends them (``cms.web.limits.RATES``).
The code mail carries no text the applicant chose (docs/adr/0004).
"""

from __future__ import annotations

import enum
import hmac
import secrets
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac

from applications.intake.text import digits, email_key
from applications.mail.triggers.applicant import email_code_send
from applications.models import Draft

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
#: Wrong codes accepted before the code is spent and a new one must be asked for.
CODE_ATTEMPTS = 5


class CodeCheck(enum.Enum):
    """What checking a typed code found."""

    VERIFIED = "verified"
    WRONG = "wrong"
    #: No code for this address, or it expired, or too many wrong tries: ask for a new one.
    NEED_NEW = "need_new"


def _code_hash(draft: Draft, key: str, code: str) -> str:
    return salted_hmac("kobo.applications.email-code", f"{draft.pk}:{key}:{code}", algorithm="sha256").hexdigest()


def email_verified(draft: Draft | None, email: str) -> bool:
    """Has ``email`` been proven with a code for this draft?"""
    return bool(draft is not None and email and draft.verified_email_key == email_key(email))


def email_code_pending(draft: Draft | None, email: str, *, now: datetime | None = None) -> bool:
    """Is a code for ``email`` out and still usable (not expired, tries left)?"""
    now = now or timezone.now()
    return bool(
        draft is not None
        and draft.code_hash
        and draft.code_email_key == email_key(email)
        and draft.code_expires_at
        and draft.code_expires_at > now
        and draft.code_attempts < CODE_ATTEMPTS
    )


def email_code_issue(*, draft: Draft, email: str, language: str, now: datetime | None = None) -> None:
    """Make a new code for ``email`` (the previous one stops working) and mail it to that address."""
    now = now or timezone.now()
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    key = email_key(email)
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        locked.code_hash = _code_hash(locked, key, code)
        locked.code_email_key = key
        locked.code_expires_at = now + CODE_LIFETIME
        locked.code_attempts = 0
        locked.save(update_fields=["code_hash", "code_email_key", "code_expires_at", "code_attempts", "updated_at"])
        email_code_send(
            draft=locked, email=email, code=code, language=language, minutes=int(CODE_LIFETIME.total_seconds() // 60)
        )
    for name in ("code_hash", "code_email_key", "code_expires_at", "code_attempts"):
        setattr(draft, name, getattr(locked, name))


def email_code_check(*, draft: Draft, email: str, code: str, now: datetime | None = None) -> CodeCheck:
    """Check a typed code (full-width digits and spaces allowed); on success the address is verified."""
    now = now or timezone.now()
    key = email_key(email)
    typed = digits(code or "")
    with transaction.atomic():
        locked = Draft.objects.select_for_update().get(pk=draft.pk)
        if not email_code_pending(locked, email, now=now):
            return CodeCheck.NEED_NEW
        if len(typed) == CODE_DIGITS and hmac.compare_digest(locked.code_hash, _code_hash(locked, key, typed)):
            locked.verified_email_key = key
            locked.code_hash = ""
            locked.code_attempts = 0
            locked.save(update_fields=["verified_email_key", "code_hash", "code_attempts", "updated_at"])
            outcome = CodeCheck.VERIFIED
        else:
            locked.code_attempts += 1
            locked.save(update_fields=["code_attempts", "updated_at"])
            outcome = CodeCheck.WRONG if locked.code_attempts < CODE_ATTEMPTS else CodeCheck.NEED_NEW
    for name in ("verified_email_key", "code_hash", "code_attempts"):
        setattr(draft, name, getattr(locked, name))
    return outcome
