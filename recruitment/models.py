"""What is being recruited: organisations, task categories, calls and their roles.

The page tree is ``HomePage → CallIndexPage → CityPage → CallPage → RolePage``:
each organisation's calls live under its own ``CityPage``, so page rights and the
approval workflow are granted per city (``recruitment.cities``); a role lives only
under a call. Whether a role takes applications is decided by
``recruitment.deadlines`` alone.

The models live in ``recruitment.organisations`` (organisations, task categories) and
``recruitment.pages`` (calls, roles); this module is where Django and the rest of the code
find them.
"""

from .organisations import Organisation, TaskCategory
from .pages.calls import CallIndexPage, CallPage, CityPage
from .pages.roles import PUBLICATION_LABELS, RolePage, RolePageManager, RolePageQuerySet

__all__ = [
    "PUBLICATION_LABELS",
    "CallIndexPage",
    "CallPage",
    "CityPage",
    "Organisation",
    "RolePage",
    "RolePageManager",
    "RolePageQuerySet",
    "TaskCategory",
]
