"""Template filters of the public results page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

from applications.statistics.suppression import WITHHELD

register = template.Library()


@register.filter
def shown(value: Any) -> str:
    """A published figure; a suppressed one (``statistics.suppression``) as 「5未満」 / "under 5" (None)
    or 「秘匿」 / "withheld" (withheld so that a small one cannot be worked back)."""
    if value is None:
        return _("under 5")
    return _("withheld") if value is WITHHELD else str(value)
