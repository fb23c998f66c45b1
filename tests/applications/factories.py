"""Applicants, applications and candidacies made directly (fast), for screening tests."""

from __future__ import annotations

import uuid
from itertools import count

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from applications.models import Applicant, Application, Assignment, Candidacy, OrganisationMember

_seq = count(1)


def candidacy(role, *, family_name: str = "神戸", email: str | None = None, rank: int = 1, **fields) -> Candidacy:
    n = next(_seq)
    email = email or f"applicant{n}@example.jp"
    applicant, _ = Applicant.objects.get_or_create(
        email_key=email.lower(),
        defaults={
            "email": email,
            "family_name": family_name,
            "given_name": f"花子{n}",
            "family_name_kana": "コウベ",
            "given_name_kana": "ハナコ",
            "phone": f"078{n:07d}",
            "postal_code": "650-8570",
            "prefecture": "兵庫県",
            "city": "神戸市中央区",
        },
    )
    call = role.get_parent().specific
    now = timezone.now()
    application = Application.objects.create(
        reference=f"TEST-{n:06d}",
        submission_token=uuid.uuid4(),
        call=call,
        applicant=applicant,
        answers={"experience": {"strengths": "取材"}},
        consent_notice_version=1,
        consented_at=now,
        manage_token_hash=uuid.uuid4().hex * 2,
        submitted_at=now,
    )
    return Candidacy.objects.create(application=application, applicant=applicant, role=role, rank=rank, **fields)


def staff(username: str, group: str, *, call=None, organisation=None):
    user = get_user_model().objects.create_user(username, f"{username}@example.jp", "pw-not-used-123")
    user.groups.add(Group.objects.get(name=group))
    if call is not None:
        Assignment.objects.create(user=user, call=call)
    if organisation is not None:
        OrganisationMember.objects.create(user=user, organisation=organisation)
    return user
