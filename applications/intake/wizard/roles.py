"""Which roles the applicant chose, in their order of preference, read as few times as a step needs."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.functional import cached_property

from applications.intake.drafts import DRAFT_LIFETIME
from applications.intake.steps import MAX_ROLES, STEPS
from applications.models import Draft
from cms.web.numbers import parse_ids, parse_int
from recruitment.models import RolePage

#: The steps the wizard itself reads by name: the roles ticked, and their order of preference.
ROLES_STEP, RANK_STEP = "roles", "rank"
#: The steps whose forms need every role of the call: the first lists them, the last checks the first again.
ALL_ROLES_STEPS = {STEPS[0].name, STEPS[-1].name}
#: What the wizard reads of a role: its title, deadline and state, what the self-check compares and
#: how it is paid (the long texts and the rubric stay in the database; the query-count test notices
#: a page that reads another field of every role).
ROLE_FIELDS = (
    "path",
    "live",
    "title",
    "title_en",
    "headcount",
    "opens_at",
    "closes_at",
    "hours_min",
    "hours_max",
    "work_style",
    "pay_text",
    "pay_text_en",
)


class ChosenRoles:
    """The wizard's roles: all of the call's (only where a step needs them all) and those chosen."""

    call: Any
    storage: Any
    steps: Any
    _chosen_by_id: dict[int, RolePage]

    def selected_role_ids(self) -> list[int]:
        """The roles ticked on the first step, in the order of the call (not yet ranked)."""
        data = self.storage.get_step_data(ROLES_STEP)
        values = data.getlist(f"{ROLES_STEP}-roles") if data else []
        return parse_ids(values)[:MAX_ROLES]

    def _chosen_ids(self) -> list[int]:
        """The chosen roles in order of preference (the "rank" step), else in the order they were ticked."""
        ids = self.selected_role_ids()
        ranks = self.storage.get_step_data(RANK_STEP) or {}

        def rank(pk: int) -> int:
            value = ranks.get(f"{RANK_STEP}-role_{pk}", "")
            return parse_int(value, maximum=MAX_ROLES) or MAX_ROLES + 1

        return sorted(ids, key=lambda pk: (rank(pk), ids.index(pk))) if len(ids) > 1 else ids

    @cached_property
    def roles(self) -> list[RolePage]:
        """All the call's published roles in the call's order (one query, made only when a step needs them all).

        The first step lists them and the last checks that step again; every other step needs only
        the roles chosen (``chosen_roles``), so a call with many roles costs them no more.
        """
        return list(self._role_query().order_by("category__sort_order", "path"))

    def _role_query(self) -> Any:
        return self.call.roles().select_related(None).only(*ROLE_FIELDS)

    def chosen_roles(self) -> list[RolePage]:
        ids = self._chosen_ids()
        if "roles" in self.__dict__ or self.steps.current in ALL_ROLES_STEPS:
            by_id = {r.pk: r for r in self.roles}
        else:
            missing = [pk for pk in ids if pk not in self._chosen_by_id]
            if missing:  # the same query as ``roles``, narrowed to the chosen ones
                self._chosen_by_id.update((r.pk, r) for r in self._role_query().filter(pk__in=missing))
            by_id = self._chosen_by_id
        return [by_id[pk] for pk in ids if pk in by_id]

    def closed_chosen_roles(self) -> list[RolePage]:
        now = timezone.now()
        return [r for r in self.chosen_roles() if not r.state(now).accepts_applications]

    def _drop_roles(self, closed: list[RolePage]) -> bool:
        """The applicant agreed to send only the roles still open: take the closed ones out of the draft."""
        remaining = [pk for pk in self._chosen_ids() if pk not in {r.pk for r in closed}]
        if not remaining:
            return False
        roles = self.storage.get_step_data(ROLES_STEP)
        roles.setlist(f"{ROLES_STEP}-roles", [str(pk) for pk in remaining])
        self.storage.set_step_data(ROLES_STEP, roles)
        ranks = MultiValueDict({f"{RANK_STEP}-role_{pk}": [str(n)] for n, pk in enumerate(remaining, start=1)})
        self.storage.set_step_data(RANK_STEP, ranks)
        return True

    def _limit_draft_life(self) -> None:
        chosen = self.chosen_roles()
        if chosen:
            limit = min(self.storage.draft.created_at + DRAFT_LIFETIME, max(r.closes_at for r in chosen))
            Draft.objects.filter(pk=self.storage.draft.pk).update(expires_at=limit)
