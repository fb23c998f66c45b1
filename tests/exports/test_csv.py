"""The CSV of candidacies: opens in Excel in Japan (BOM), formulas neutralised, blind mode kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from exports.documents.candidacy_csv import neutralise
from exports.jobs import export_render
from exports.models import ExportJob
from tests.exports.conftest import make_small_call

pytestmark = pytest.mark.django_db

HOSTILE = [('=HYPERLINK("http://evil.example")', "+1"), ("-2+3", "@SUM(A1)"), ("普通", "\tタブ")]


def rows_of(job: ExportJob) -> list[list[str]]:
    raw = Path(job.file.path).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


@pytest.mark.parametrize(
    ("cell", "expected"),
    [("=1+1", "'=1+1"), ("+81", "'+81"), ("-1", "'-1"), ("@A1", "'@A1"), ("\t=1", "'\t=1"), ("神戸", "神戸"), ("", "")],
)
def test_neutralise(cell, expected):
    assert neutralise(cell) == expected


def test_csv_has_a_bom_and_no_live_formulas(site_content):
    world = make_small_call(names=[*HOSTILE, ("山田", "太郎"), ("鈴木", "一郎")], blind=False)
    job = ExportJob.objects.create(call=world.call, kind=ExportJob.Kind.CSV, requested_by=world.official)
    job = export_render(job_id=job.pk)
    assert job.status == ExportJob.Status.DONE
    assert job.pages is None
    header, *rows = rows_of(job)
    assert header[0] == "受付番号 Reference"
    assert len(rows) == len(world.candidacies) == job.rows  # the audit log says how many applicants left in it
    names = {row[2] for row in rows}
    assert '\'=HYPERLINK("http://evil.example") +1' in names
    assert "'-2+3 @SUM(A1)" in names
    for row in rows:
        assert not any(cell.startswith(("=", "+", "-", "@", "\t")) for cell in row), row
    by_reference = {row[0]: row for row in rows}
    best = by_reference[world.shortlisted[0].application.reference]
    assert best[8] == "4.67"  # (2×5 + 1×4) / 3 on the 0–5 scale
    assert "実績=5.0" in best[11]


def test_a_contractors_csv_of_a_blind_call_hides_names_the_screens_hide(site_content):
    world = make_small_call(blind=True)
    job = export_render(
        job_id=ExportJob.objects.create(call=world.call, kind=ExportJob.Kind.CSV, requested_by=world.contractor).pk
    )
    rows = {row[1]: row for row in rows_of(job)[1:]}
    shortlisted = {c.pk for c in world.shortlisted}
    for candidacy in world.candidacies:
        row = rows[candidacy.applicant_code]
        if candidacy.pk in shortlisted:
            assert row[0] == candidacy.application.reference
            assert row[2] == f"{candidacy.applicant.family_name} {candidacy.applicant.given_name}"
        else:
            assert row[0] == row[2] == row[3] == ""  # the reference is shared by the application's roles


def test_checked_candidacies_from_the_list_go_into_their_own_csv(
    client, site_content, django_capture_on_commit_callbacks
):
    world = make_small_call(blind=False)
    other_call = make_small_call(blind=False)
    chosen = world.candidacies[:2]
    client.force_login(world.contractor)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/screening/exports/call/{world.call.pk}/request/",
            {"kind": "csv", "candidacy": [c.pk for c in chosen] + [other_call.candidacies[0].pk]},
        )
    assert response.status_code == 302
    job = ExportJob.objects.get(call=world.call)
    assert job.candidacy_ids == sorted(c.pk for c in chosen)  # another call's candidacy is not taken
    job.refresh_from_db()
    _, *rows = rows_of(job)
    assert sorted(row[0] for row in rows) == sorted(c.application.reference for c in chosen)
