"""Reads of a role's revision history."""

from __future__ import annotations

from typing import Any


def deadline_change(role: Any) -> dict[str, str] | None:
    """``{"from": old, "to": new}`` when the latest revision moved ``closes_at``, else None."""
    latest_two = list(role.revisions.order_by("-created_at", "-id")[:2])
    if len(latest_two) < 2:
        return None
    new, old = (revision.content.get("closes_at") for revision in latest_two)
    return {"from": old, "to": new} if new != old else None
