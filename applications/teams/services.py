"""Writes to a city's team: members (editors, approvers, officials) and contractors' assignments to calls.

Memberships and assignments are where powers on a call come from (``authority``); the
groups kept in step here only open the admin and give page rights per city.

Every change is checked against what ``by`` may manage (``permissions``), keeps the
user's groups in step with their memberships, and is written to Wagtail's log
(``wagtail.create`` / ``wagtail.edit`` / ``wagtail.delete``), shown in each row's history.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from wagtail.log_actions import log

from applications.models import Assignment, OrganisationMember
from applications.staff import CITY_APPROVERS, CITY_EDITORS, OFFICIALS, SCREENING_CONTRACTORS
from applications.teams import authority
from applications.teams.permissions import approver_organisations
from recruitment.models import CallPage, Organisation
from recruitment.organisations import CONTACT_FIELDS

#: The site-wide group each role of a city's member belongs to (admin access and model rights only).
ROLE_GROUPS: dict[str, str] = {
    OrganisationMember.Role.EDITOR: CITY_EDITORS,
    OrganisationMember.Role.APPROVER: CITY_APPROVERS,
    OrganisationMember.Role.OFFICIAL: OFFICIALS,
}
#: The city's own group each role belongs to (page rights and approvals on the city's calls).
ROLE_CITY_GROUP_FIELDS: dict[str, str] = {
    OrganisationMember.Role.EDITOR: "editors_group",
    OrganisationMember.Role.APPROVER: "approvers_group",
}


def _require(by: Any, organisation: Organisation) -> None:
    if not approver_organisations(by).filter(pk=organisation.pk).exists():
        raise PermissionDenied("only a superuser or an approver of this organisation manages its team")


def member_groups_sync(*, user: Any) -> None:
    """Put ``user`` in exactly the role and city groups their memberships call for.

    The screening contractors group is not a city role and is left alone.
    """
    memberships = list(OrganisationMember.objects.filter(user=user).select_related("organisation"))
    wanted = {ROLE_GROUPS[m.role] for m in memberships}
    wanted_ids = set(Group.objects.filter(name__in=wanted).values_list("pk", flat=True))
    for m in memberships:
        field = ROLE_CITY_GROUP_FIELDS.get(m.role)
        if field and getattr(m.organisation, f"{field}_id"):
            wanted_ids.add(getattr(m.organisation, f"{field}_id"))
    managed = set(Group.objects.filter(name__in=ROLE_GROUPS.values()).values_list("pk", flat=True))
    for organisation in Organisation.objects.only("editors_group", "approvers_group"):
        managed |= {pk for pk in (organisation.editors_group_id, organisation.approvers_group_id) if pk is not None}
    current = set(user.groups.values_list("pk", flat=True))
    user.groups.remove(*(current & managed - wanted_ids))
    user.groups.add(*(wanted_ids - current))
    authority.forget(user)


@transaction.atomic
def organisation_member_add(*, organisation: Organisation, user: Any, role: str, by: Any) -> OrganisationMember:
    """Make ``user`` an editor, approver or official of ``organisation``."""
    _require(by, organisation)
    member = OrganisationMember(organisation=organisation, user=user, role=role)
    member.full_clean()
    member.save()
    member_groups_sync(user=user)
    log(instance=member, action="wagtail.create", user=by, content_changed=True)
    return member


@transaction.atomic
def organisation_member_change(*, member: OrganisationMember, role: str, by: Any) -> OrganisationMember:
    """Give a member another role in the same organisation."""
    _require(by, member.organisation)
    member.role = role
    member.full_clean()
    member.save()
    member_groups_sync(user=member.user)
    log(instance=member, action="wagtail.edit", user=by, content_changed=True)
    return member


@transaction.atomic
def organisation_member_remove(*, member: OrganisationMember, by: Any) -> None:
    """Take a member out of the organisation (and out of its groups)."""
    _require(by, member.organisation)
    log(instance=member, action="wagtail.delete", user=by)
    user = member.user
    member.delete()
    member_groups_sync(user=user)


@transaction.atomic
def organisation_contact_update(*, organisation: Organisation, by: Any, **fields: Any) -> Organisation:
    """Change an organisation: an approver its contact only, a superuser any field."""
    _require(by, organisation)
    allowed = None if by.is_superuser else set(CONTACT_FIELDS)
    for name, value in fields.items():
        if allowed is not None and name not in allowed:
            raise PermissionDenied(f"only a superuser changes {name}")
        setattr(organisation, name, value)
    organisation.full_clean()
    organisation.save()
    log(instance=organisation, action="wagtail.edit", user=by, content_changed=True)
    return organisation


def _check_assignment(assignment: Assignment) -> None:
    errors = {}
    if not assignment.user.groups.filter(name=SCREENING_CONTRACTORS).exists():
        errors["user"] = (
            "受託事業者のグループのユーザーを選んでください。 Choose a user of the screening contractors group."
        )
    if assignment.starts_on and assignment.ends_on and assignment.ends_on < assignment.starts_on:
        errors["ends_on"] = "終了日は開始日以降にしてください。 The end date must not be before the start date."
    if errors:
        raise ValidationError(errors)
    assignment.full_clean()


@transaction.atomic
def assignment_create(
    *, call: CallPage, user: Any, by: Any, starts_on: date | None = None, ends_on: date | None = None
) -> Assignment:
    """Let a screening contractor see ``call`` from ``starts_on`` to ``ends_on`` (inclusive)."""
    _require(by, call.organisation)
    assignment = Assignment(call=call, user=user, starts_on=starts_on, ends_on=ends_on)
    _check_assignment(assignment)
    assignment.save()
    authority.forget(user)
    log(instance=assignment, action="wagtail.create", user=by, content_changed=True)
    return assignment


@transaction.atomic
def assignment_change(
    *, assignment: Assignment, by: Any, starts_on: date | None = None, ends_on: date | None = None
) -> Assignment:
    """Change the dates of an assignment (the contractor and the call stay)."""
    _require(by, assignment.call.organisation)
    assignment.starts_on, assignment.ends_on = starts_on, ends_on
    _check_assignment(assignment)
    assignment.save()
    authority.forget(assignment.user)
    log(instance=assignment, action="wagtail.edit", user=by, content_changed=True)
    return assignment


@transaction.atomic
def assignment_remove(*, assignment: Assignment, by: Any) -> None:
    """End a contractor's access to a call at once (their reviews stay)."""
    _require(by, assignment.call.organisation)
    log(instance=assignment, action="wagtail.delete", user=by)
    assignment.delete()
    authority.forget(assignment.user)
