"""Applicants, applications, candidacies and staff made directly (factory_boy), for screening and export tests.

The factories make what the wizard and the admin would store, without going through them:
``ApplicantFactory.build()`` for an unsaved applicant (to ``bulk_create`` many),
``CandidacyFactory(role=role)`` for a candidacy with its own application and applicant.
The functions below keep the short names the tests use.
"""

from __future__ import annotations

import uuid
from typing import Any

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from factory.django import DjangoModelFactory

from applications.models import Applicant, Application, Assignment, Candidacy, OrganisationMember
from applications.staff import CITY_APPROVERS, CITY_EDITORS, SCREENING_CONTRACTORS
from tests.recruitment import factories as rf


def wizard_answers() -> dict[str, Any]:
    """The answers the wizard stores for an application (a fresh dict each time)."""
    return {
        "experience": {"occupation": "freelance", "experience": "広報誌の編集を5年。", "strengths": "取材",
                       "hobbies": "サッカー観戦"},
        "sidework": {"employer_permission": "not_needed", "public_servant": False, "conflicts": "",
                     "no_antisocial_ties": True, "invoice_number": "T1234567890123"},
        "portfolio_links": ["https://portfolio.example.jp/works"],
    }  # fmt: skip


class ApplicantFactory(DjangoModelFactory):
    """A person from Kobe with a numbered name and address (``email_key`` and ``name_key`` follow them)."""

    class Meta:
        model = Applicant

    email = factory.Sequence(lambda n: f"applicant{n + 1}@example.jp")
    family_name = factory.Sequence(lambda n: f"応募{n + 1}")
    given_name = "太郎"
    family_name_kana = "オウボ"
    given_name_kana = "タロウ"
    phone = "0781234567"
    postal_code = "650-8570"
    prefecture = "兵庫県"
    city = "神戸市"
    email_key = factory.LazyAttribute(lambda o: o.email.lower())
    name_key = factory.LazyAttribute(lambda o: o.family_name + o.given_name)


class ApplicationFactory(DjangoModelFactory):
    """A submitted application to ``call`` with consent given and the wizard's answers."""

    class Meta:
        model = Application

    reference = factory.LazyFunction(lambda: f"TEST-{uuid.uuid4().hex[:8].upper()}")
    submission_token = factory.LazyFunction(uuid.uuid4)
    call = None  # required: the CallPage
    applicant = factory.SubFactory(ApplicantFactory)
    consent_notice_version = 1
    consented_at = factory.LazyFunction(timezone.now)
    manage_token_hash = factory.LazyFunction(lambda: uuid.uuid4().hex + uuid.uuid4().hex)
    submitted_at = factory.SelfAttribute("consented_at")
    answers = factory.LazyFunction(wizard_answers)


class CandidacyFactory(DjangoModelFactory):
    """A candidacy for ``role`` with its own application (to the role's call) and applicant."""

    class Meta:
        model = Candidacy

    role = None  # required: the RolePage
    application = factory.SubFactory(
        ApplicationFactory, call=factory.LazyAttribute(lambda o: o.factory_parent.role.get_parent().specific)
    )
    applicant = factory.SelfAttribute("application.applicant")
    email_key = factory.SelfAttribute("applicant.email_key")
    rank = 1


class UserFactory(DjangoModelFactory):
    """A staff account (``username@example.jp``) in ``groups``, with a password nobody uses."""

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True  # adding groups needs no second save

    username = factory.Sequence(lambda n: f"user{n + 1}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.jp")
    password = factory.django.Password("pw-not-used-123")

    @factory.post_generation
    def groups(self, create: bool, names: list[str] | None, **kwargs: Any) -> None:
        if create and names:
            self.groups.add(*(Group.objects.get(name=name) for name in names))


def make_applicant(**kwargs: Any) -> Applicant:
    """An unsaved applicant (save it, or bulk_create many)."""
    return ApplicantFactory.build(**kwargs)


def make_application(call, applicant: Applicant, **kwargs: Any) -> Application:
    """An unsaved application with the answers the wizard stores."""
    return ApplicationFactory.build(call=call, applicant=applicant, **kwargs)


def candidacy(role, *, family_name: str = "神戸", email: str | None = None, rank: int = 1, **fields) -> Candidacy:
    """A saved candidacy of ``role`` with its own application and applicant (one per application)."""
    person = {"family_name": family_name, **({"email": email} if email else {})}
    return CandidacyFactory(role=role, rank=rank, application__applicant=ApplicantFactory(**person), **fields)


def staff(username: str, group: str, *, call=None, organisation=None):
    """A user of ``group``; assigned to ``call`` and a member of ``organisation`` when given."""
    user = UserFactory(username=username, groups=[group])
    if call is not None:
        Assignment.objects.create(user=user, call=call)
    if organisation is not None:
        # The member's role in the city follows the group: powers come from the membership, not the group.
        role = {CITY_APPROVERS: "approver", CITY_EDITORS: "editor"}.get(group, "official")
        OrganisationMember.objects.create(user=user, organisation=organisation, role=role)
    return user


def one_post_call(closes_at, call_fields: dict[str, Any] | None = None, **role_fields: Any):
    """A call whose one role (one post) closes at ``closes_at``, its contractor and the city's approver.

    Returns ``(call, role, contractor, approver)``; the staff are ``contractor`` and ``approver-1``.
    """
    call = rf.call(**(call_fields or {}))
    role = rf.role(call, closes_at=closes_at, headcount=1, **role_fields)
    contractor = staff("contractor", SCREENING_CONTRACTORS, call=call)
    approver = staff("approver-1", CITY_APPROVERS, organisation=call.organisation)
    return call, role, contractor, approver
