"""``{% candidacy_messages %}``: the message thread on a candidacy's screening page (``applications.messaging``)."""

from __future__ import annotations

from typing import Any

from django import template
from django.urls import reverse

from applications.messaging.selectors import may_send, staff_thread

register = template.Library()


@register.inclusion_tag("applications/messaging/staff_thread.html", takes_context=True)
def candidacy_messages(context: template.Context) -> dict[str, Any]:
    """The thread of the page's ``candidacy`` as its user may see it, and the form to write (where they may)."""
    user = context["request"].user
    candidacy = context["candidacy"]
    decision = may_send(user, candidacy)
    return {
        "items": staff_thread(
            user, candidacy, file_url=lambda message: reverse("messaging_answer_file", args=[message.pk])
        ),
        "may_send": decision.allowed,
        "refusal": decision.reason,
        "send_url": reverse("messaging_send", args=[candidacy.pk]),
        "csrf_token": context.get("csrf_token"),
    }
