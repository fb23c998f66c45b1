"""Builders for calls and roles in tests: real pages in the real tree, published."""

from __future__ import annotations

from datetime import datetime, timedelta
from itertools import count
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from cms.content import ensure_home_page
from recruitment.cities import city_ensure, organisation_onboard
from recruitment.models import CallIndexPage, CallPage, Organisation, RolePage, TaskCategory

_seq = count(1)


def organisation(**kwargs) -> Organisation:
    """An onboarded city: its folder of calls, its editor and approver groups, its workflow."""
    n = next(_seq)
    defaults = {
        "name": f"テスト市{n}",
        "name_en": f"Test City {n}",
        "slug": f"test-city-{n}",
        "reference_prefix": "TEST",
    }
    call_index()
    return organisation_onboard(**{**defaults, **kwargs})


class TaskCategoryFactory(DjangoModelFactory):
    """A task category with a one-criterion rubric."""

    class Meta:
        model = TaskCategory

    name = factory.Sequence(lambda n: f"カテゴリ{n + 1}")
    name_en = factory.Sequence(lambda n: f"Category {n + 1}")
    slug = factory.Sequence(lambda n: f"category-{n + 1}")
    rubric = factory.LazyFunction(
        lambda: [("criterion", {"name": "実績", "name_en": "Track record", "weight": "1", "max_score": 5})]
    )


def category(**kwargs) -> TaskCategory:
    return TaskCategoryFactory(**kwargs)


def call_index() -> CallIndexPage:
    existing = CallIndexPage.objects.first()
    if existing:
        return existing
    home = ensure_home_page()
    index = home.add_child(instance=CallIndexPage(title="募集一覧", title_en="Calls", slug="calls"))
    index.save_revision().publish()
    return index


def _add(parent, page, *, live: bool):
    """``page`` under ``parent``: published when ``live``, else saved and not live (a draft nobody sees)."""
    page = parent.add_child(instance=page)
    if live:
        page.save_revision().publish()
    else:
        page.live = False
        page.save()
    return page


def call(*, live: bool = True, **kwargs) -> CallPage:
    n = next(_seq)
    defaults = {
        "title": f"テスト募集{n}",
        "slug": f"call-{n}",
        "summary": "テスト用の募集です。",
        "personal_data_notice": "<p>選考のためにのみ使います。</p>",
    }
    fields = {**defaults, **kwargs}
    fields.setdefault("organisation", organisation())
    return _add(city_ensure(organisation=fields["organisation"]), CallPage(**fields), live=live)


def role(
    parent: CallPage,
    *,
    closes_at: datetime | None = None,
    live: bool = True,
    **kwargs,
) -> RolePage:
    n = next(_seq)
    defaults = {
        "title": f"テスト業務{n}",
        "slug": f"role-{n}",
        "headcount": 2,
        "closes_at": closes_at or timezone.now() + timedelta(days=20),
        "duties": "<p>記事を書きます。</p>",
        "pay_text": "1記事6,000円",
    }
    fields = {**defaults, **kwargs}
    fields.setdefault("category", category())
    return _add(parent, RolePage(**fields), live=live)


def open_call(first_role: dict[str, Any] | None = None, **call_fields: Any) -> tuple[CallPage, list[RolePage]]:
    """A call with two open roles, as the wizard tests apply to: Instagram articles, closing in ten days
    (with ``first_role``'s fields), and video, closing in twelve."""
    page = call(**call_fields)
    now = timezone.now()
    roles = [
        role(page, title="Instagram記事制作", closes_at=now + timedelta(days=10), **(first_role or {})),
        role(page, title="動画撮影", closes_at=now + timedelta(days=12)),
    ]
    return page, roles


def member(user, organisation: Organisation, role: str):
    """Make ``user`` a member of ``organisation`` with ``role``, in the groups that go with it."""
    from applications.models import OrganisationMember
    from applications.teams.services import member_groups_sync

    membership = OrganisationMember.objects.create(user=user, organisation=organisation, role=role)
    member_groups_sync(user=user)
    return membership
