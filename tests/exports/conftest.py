"""Fixtures of the export tests: private storage in a temporary folder, a Kobe-like call with a shortlist."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from applications.demo import ensure_demo_screening, generate_demo_applications
from applications.models import Candidacy
from applications.screening.reviewing import review_submit
from applications.screening.services import candidacy_transition, shortlist_decide, shortlist_for, shortlist_submit
from applications.staff import CITY_APPROVERS, OFFICIALS, SCREENING_CONTRACTORS
from cms.web.storage import PrivateFileSystemStorage
from exports.models import ExportJob
from recruitment.demo import ensure_kobe_demo
from tests.applications import factories as af
from tests.conftest import demo_site, shared_world
from tests.recruitment import factories as rf

S = Candidacy.Status


@pytest.fixture(autouse=True)
def private_root(tmp_path, monkeypatch) -> Path:
    """Export files go to a fresh private folder per test, not to var/private."""
    root = tmp_path / "private"
    root.mkdir()
    monkeypatch.setattr(ExportJob._meta.get_field("file"), "storage", PrivateFileSystemStorage(location=str(root)))
    return root


def export_files(root: Path) -> list[Path]:
    folder = root / "exports"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def submit_all(call, by) -> None:
    """Submit the shortlist of every role of ``call`` that has someone shortlisted."""
    for role in call.roles():
        if Candidacy.objects.filter(role=role, status=S.SHORTLISTED).exists():
            shortlist_submit(role=role, by=by)


def approve_all(call, by) -> None:
    """Approve every submitted shortlist of ``call``."""
    for role in call.roles():
        shortlist = shortlist_for(role)
        if shortlist.status == shortlist.Status.SUBMITTED:
            shortlist_decide(shortlist=shortlist, by=by, approve=True)


def shortlist_top(call, by, per_role: int) -> list[Candidacy]:
    """Shortlist the best reviewed candidacies of each role through the screening service."""
    chosen = []
    for role in call.roles():
        top = (
            Candidacy.objects.filter(role=role, status=S.IN_REVIEW, score__isnull=False)
            .select_related("application__call", "role")
            .order_by("-score", "pk")[:per_role]
        )
        for candidacy in top:
            chosen.append(candidacy_transition(candidacy=candidacy, to=S.SHORTLISTED, by=by))
    return chosen


@shared_world
def kobe_closed_with_160_applications():
    """The Kobe demo call as it looks after its deadlines: every role closed, 160 generated applications."""
    demo_site()
    call = ensure_kobe_demo(now=timezone.now() - timedelta(days=40))
    users = ensure_demo_screening(call)
    generate_demo_applications(call=call, count=160, reviewers=[users["screener"], users["screener2"]])
    return call, users


@pytest.fixture
def kobe(kobe_closed_with_160_applications):
    """The closed Kobe call and its demo staff, built once for the tests that follow one another."""
    return kobe_closed_with_160_applications


@pytest.fixture
def kobe_shortlisted(kobe):
    """The Kobe call with up to two candidates per role shortlisted and the shortlist submitted (not approved)."""
    call, users = kobe
    shortlisted = shortlist_top(call, users["screener"], per_role=2)
    submit_all(call, users["screener"])
    return call, users, shortlisted


@pytest.fixture
def kobe_approved(kobe_shortlisted):
    call, users, shortlisted = kobe_shortlisted
    approve_all(call, users["approver"])
    return call, users, shortlisted


def pdftotext(path: Path) -> str:
    return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True).stdout


def pdffonts(path: Path) -> str:
    return subprocess.run(["pdffonts", str(path)], capture_output=True, text=True, check=True).stdout


def pdf_pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


@dataclass
class SmallCall:
    """A call with two closed roles, five candidacies, three of them reviewed and shortlisted."""

    call: Any
    roles: list
    candidacies: list
    shortlisted: list
    contractor: Any  # assigned to the call
    stranger: Any  # a contractor of another call
    approver: Any
    official: Any

    def approve(self) -> None:
        submit_all(self.call, self.contractor)
        approve_all(self.call, self.approver)


def make_small_call(*, names: list[tuple[str, str]] | None = None, blind: bool = True) -> SmallCall:
    call = rf.call(blind_review=blind)
    closed = timezone.now() - timedelta(days=1)
    rubric = [
        ("criterion", {"name": "実績", "name_en": "Track record", "weight": "2", "max_score": 5}),
        ("criterion", {"name": "企画力", "name_en": "Ideas", "weight": "1", "max_score": 5}),
    ]
    roles = [rf.role(call, closes_at=closed, rubric=rubric, headcount=1) for _ in range(2)]
    contractor = af.staff(f"contractor-{call.pk}", SCREENING_CONTRACTORS, call=call)
    stranger = af.staff(f"stranger-{call.pk}", SCREENING_CONTRACTORS, call=rf.call())
    approver = af.staff(f"approver-{call.pk}", CITY_APPROVERS, organisation=call.organisation)
    official = af.staff(f"official-{call.pk}", OFFICIALS, organisation=call.organisation)
    names = names or [("山田", "太郎"), ("𠮷田", "花子"), ("山﨑", "次郎"), ("佐藤", "一郎"), ("鈴木", "二郎")]
    candidacies = []
    for i, (family, given) in enumerate(names):
        candidacy = af.candidacy(roles[i % 2], family_name=family)
        candidacy.applicant.given_name = given
        candidacy.applicant.save()
        candidacies.append(candidacy)
    shortlisted = []
    for i, candidacy in enumerate(candidacies[:3]):
        review_submit(
            candidacy=candidacy,
            reviewer=contractor,
            scores=[5 - i, 4],
            comment=f"実績が具体的。<b>太字</b> & 候補{i}",
            recommendation="yes",
        )
        candidacy.refresh_from_db()
        shortlisted.append(candidacy_transition(candidacy=candidacy, to=S.SHORTLISTED, by=contractor))
    return SmallCall(call, roles, candidacies, shortlisted, contractor, stranger, approver, official)


@pytest.fixture
def small_call(site_content) -> SmallCall:
    return make_small_call()
