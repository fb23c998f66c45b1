"""Template filters of the public results page."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def shown(value: Any) -> str:
    """A published figure; a suppressed one (None, see ``statistics.public.suppress``) as 「5未満」 / "under 5"."""
    return _("under 5") if value is None else str(value)
