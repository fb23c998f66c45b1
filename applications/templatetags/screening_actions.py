"""``{% screening_actions "<place>" %}``: the actions other apps registered for a place of a screening page.

See ``applications.hooks`` for the hook and the places. ``{% has_screening_actions "<place>" as name %}``
says whether there are any (to leave out a table column nobody fills).
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html_join
from django.utils.safestring import SafeString

from applications.hooks import screening_actions_at

register = template.Library()


@register.simple_tag(takes_context=True)
def screening_actions(context: template.Context, place: str) -> SafeString:
    """Each registered action of ``place`` rendered with the page's context (its own templates escape)."""
    html = []
    for action in screening_actions_at(place):
        action_template = context.template.engine.get_template(action.template_name)
        with context.push():
            html.append(action_template.render(context))
    # Each part is already a SafeString (an autoescaped template render): joined as such, not re-marked.
    return format_html_join("", "{}", ((part,) for part in html))


@register.simple_tag
def has_screening_actions(place: str) -> bool:
    """Whether any app registered an action for ``place``."""
    return bool(screening_actions_at(place))
