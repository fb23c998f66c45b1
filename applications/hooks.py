"""Extension points of applications: where the apps above it (exports) add to its pages.

applications names no app above it. An app that adds actions to the screening pages
registers a function with the Wagtail hook :data:`SCREENING_ACTIONS` that returns
:class:`ScreeningAction` items; the screening templates render the actions of each place
with ``{% screening_actions "<place>" %}`` (``applications/templatetags/screening_actions.py``).

The places (:data:`PLACES`) and what the action's template finds in its context:

* ``dashboard``: the call's overview, under its links (``call``);
* ``dashboard_role``: a role's row of the overview, its last cell (``call``, ``row`` with ``row.role``);
* ``candidacy_list``: inside the candidacy list's form of checked rows, after the bulk status
  change (``call``, ``rows``): a submit button with its own ``formaction`` posts the checked ``candidacy`` ids;
* ``statistics``: the call's statistics page, beside the press summary's CSV (``call``);
* ``candidacy``: one candidacy's page, after its notes (``call``, ``candidacy``, ``identity_visible``, ``request``).
"""

from __future__ import annotations

from dataclasses import dataclass

from wagtail import hooks

#: The Wagtail hook name: each registered function returns a list of :class:`ScreeningAction`.
SCREENING_ACTIONS = "register_screening_actions"

PLACES = ("dashboard", "dashboard_role", "candidacy_list", "statistics", "candidacy")


@dataclass(frozen=True)
class ScreeningAction:
    """An action another app puts on a screening page: the template that renders it, at one place.

    The template is rendered with the page's own context (so ``call``, ``row``, ``csrf_token``
    are there) and holds the app's own URLs; actions of a place render by ``order``, then as registered.
    """

    place: str
    template_name: str
    order: int = 100

    def __post_init__(self) -> None:
        if self.place not in PLACES:
            raise ValueError(f"unknown screening action place {self.place!r}; one of {', '.join(PLACES)}")


def screening_actions_at(place: str) -> list[ScreeningAction]:
    """The registered actions of ``place``, in order."""
    actions = [action for fn in hooks.get_hooks(SCREENING_ACTIONS) for action in fn() if action.place == place]
    return sorted(actions, key=lambda action: action.order)
