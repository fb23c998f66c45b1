"""Every number that comes from outside — a URL, a query, a form, a stored draft — is read here.

Only ASCII digits, without sign or spaces, within a range, become a number: ``"²"`` and ``"１"``
(which pass ``str.isdigit()`` but not ``int()``), ``"-1"``, ``"0"``, ``2**70`` (past what
PostgreSQL's ``bigint`` holds), a 5,000-character string and an unpaired surrogate all read as
"no number", so none reaches ``int()`` or the database. URL paths use the ``id`` converter
(registered by ``portal.apps``), which matches the same digits and answers 404 past the range.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

#: The largest primary key a database of ours can hold (PostgreSQL ``bigint``, SQLite ``integer``).
MAX_ID = 2**63 - 1
#: Ranks, versions and pages are small: a bound well past any real one.
MAX_SMALL = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,19}")


def parse_int(value: Any, *, minimum: int = 1, maximum: int = MAX_ID) -> int | None:
    """``value`` as an int when it is ASCII digits within ``minimum..maximum``, else None.

    ``value`` may be a str, an int (from JSON) or anything else (None, a list): only a str of
    digits or an int in range is a number.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _DIGITS.fullmatch(value):
        number = int(value)
    else:
        return None
    return number if minimum <= number <= maximum else None


def parse_id(value: Any) -> int | None:
    """A primary key (1..2^63-1) or None."""
    return parse_int(value)


def parse_ids(values: Iterable[Any]) -> list[int]:
    """The primary keys among ``values``, in order, the others left out."""
    return [number for number in map(parse_id, values) if number is not None]


class IdConverter:
    """``<id:name>`` in a URL path: a primary key, or no match (404) — never a number past ``bigint``."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = parse_id(value)
        if number is None:
            raise ValueError(value)  # the pattern does not match: a 404
        return number

    def to_url(self, value: Any) -> str:
        return str(value)
