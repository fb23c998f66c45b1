"""Applicants, applications and candidacies made directly (fast), for screening and export tests."""

from __future__ import annotations

import uuid
from itertools import count
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from applications.models import Applicant, Application, Assignment, Candidacy, OrganisationMember
from applications.staff import CITY_APPROVERS, CITY_EDITORS

_seq = count(1)


def make_applicant(**kwargs: Any) -> Applicant:
    """An unsaved applicant (save it, or bulk_create many)."""
    n = next(_seq)
    fields = {
        "email": f"applicant{n}@example.jp",
        "family_name": f"応募{n}",
        "given_name": "太郎",
        "family_name_kana": "オウボ",
        "given_name_kana": "タロウ",
        "phone": "0781234567",
        "postal_code": "650-8570",
        "prefecture": "兵庫県",
        "city": "神戸市",
        **kwargs,
    }
    fields["email_key"] = fields["email"].lower()
    fields["name_key"] = fields["family_name"] + fields["given_name"]
    return Applicant(**fields)


def make_application(call, applicant: Applicant, **kwargs: Any) -> Application:
    """An unsaved application with the answers the wizard stores."""
    now = timezone.now()
    fields = {
        "reference": f"TEST-{uuid.uuid4().hex[:8].upper()}",
        "submission_token": uuid.uuid4(),
        "call": call,
        "applicant": applicant,
        "consent_notice_version": 1,
        "consented_at": now,
        "manage_token_hash": uuid.uuid4().hex + uuid.uuid4().hex,
        "submitted_at": now,
        "answers": {
            "experience": {"occupation": "freelance", "experience": "広報誌の編集を5年。", "strengths": "取材",
                           "hobbies": "サッカー観戦"},
            "sidework": {"employer_permission": "not_needed", "public_servant": False, "conflicts": "",
                         "no_antisocial_ties": True, "invoice_number": "T1234567890123"},
            "portfolio_links": ["https://portfolio.example.jp/works"],
        },
        **kwargs,
    }  # fmt: skip
    return Application(**fields)


def candidacy(role, *, family_name: str = "神戸", email: str | None = None, rank: int = 1, **fields) -> Candidacy:
    """A saved candidacy of ``role`` with its own application and applicant (one per application)."""
    applicant = _saved(make_applicant(family_name=family_name, **({"email": email} if email else {})))
    application = _saved(make_application(role.get_parent().specific, applicant))
    return Candidacy.objects.create(
        application=application, applicant=applicant, email_key=applicant.email_key, role=role, rank=rank, **fields
    )


def _saved(obj):
    obj.save()
    return obj


def staff(username: str, group: str, *, call=None, organisation=None):
    user = get_user_model().objects.create_user(username, f"{username}@example.jp", "pw-not-used-123")
    user.groups.add(Group.objects.get(name=group))
    if call is not None:
        Assignment.objects.create(user=user, call=call)
    if organisation is not None:
        # The member's role in the city follows the group: powers come from the membership, not the group.
        role = {CITY_APPROVERS: "approver", CITY_EDITORS: "editor"}.get(group, "official")
        OrganisationMember.objects.create(user=user, organisation=organisation, role=role)
    return user
