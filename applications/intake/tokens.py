"""The secrets of the application side: made here, stored only as their hash.

Draft links, manage links and the browser a draft is open in are all named by a token whose
SHA-256 is what the database keeps (docs/adr/0004).
"""

from __future__ import annotations

import hashlib
import secrets


def hash_token(token: str) -> str:
    """The stored form of ``token``: its SHA-256, in hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """A new secret of 256 bits, fit for a link."""
    return secrets.token_urlsafe(32)
