"""The decision pack's interview stage per role: panel, dates, scorecards summary, consensus, decision and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from applications.interviews.decisions import final_decision
from applications.interviews.scorecards import consensus_record, scorecard_submit
from exports.jobs import export_render
from exports.models import ExportJob
from tests.applications.panel_world import interviews_world
from tests.exports.conftest import pdffonts, pdftotext

pytestmark = pytest.mark.django_db


def flat(text: str) -> str:
    return "".join(text.split())


def pack_text(world, by) -> tuple[str, Path]:
    job = ExportJob.objects.create(call=world.call, kind=ExportJob.Kind.DECISION_PACK, requested_by=by)
    path = Path(export_render(job_id=job.pk).file.path)
    return pdftotext(path), path


def test_the_pack_prints_the_interview_stage_of_the_role(site_content):
    world = interviews_world(headcount=1, people=2)
    world.official.last_name, world.official.first_name = "面接", "一郎"
    world.official.save()
    for i, invitation in enumerate(world.invitations):
        for member in (world.official, world.contractor):
            scorecard_submit(invitation=invitation, by=member, scores=[5 - i, 4], recommendation="select")
        consensus_record(invitation=invitation, by=world.official, text=f"合議の所見その{i + 1}",
                         recommendation="select" if i == 0 else "reserve", rank=i + 1)  # fmt: skip
    world.close_round()
    final_decision(candidacy=world.fresh(0), by=world.approver, outcome="selected", reason="interview",
                   reason_text="企画が最も具体的", share_reason=True)  # fmt: skip
    final_decision(candidacy=world.fresh(1), by=world.approver, outcome="reserve", reason="headcount",
                   reason_text="僅差の次点")  # fmt: skip

    text, path = pack_text(world, world.approver)

    fonts = pdffonts(path).splitlines()[2:]
    cjk = [line for line in fonts if "Noto-Sans-CJK-JP" in line or "NotoSansCJK" in line]
    assert cjk, fonts
    assert all(line.split()[-5] == "yes" for line in cjk), "the CJK font must be embedded"
    body = flat(text)
    stage = ["面接と最終決定", "面接一郎", world.contractor.username]  # the panel, by name
    people = ["山田太郎", "佐藤花子", "合議の所見その1", "合議の所見その2"]
    decisions = ["採用", "補欠", "企画が最も具体的", "僅差の次点", "本人に伝達", "内部"]
    assert [words for words in stage + people + decisions if words not in body] == []
    slot = world.invitations[0].booking.slot.starts_at
    assert f"{slot.astimezone().month}月{slot.astimezone().day}日" in body or str(slot.year) in body
    assert "不合格" not in text


def test_a_contractor_off_the_panel_gets_the_pack_without_the_interviews(site_content):
    world = interviews_world(headcount=1, people=1)
    for member in (world.official, world.contractor):
        scorecard_submit(invitation=world.invitations[0], by=member, scores=[4, 4], recommendation="select")
    consensus_record(invitation=world.invitations[0], by=world.official, text="秘密の合議", recommendation="select")
    text, _path = pack_text(world, world.outsider)
    body = flat(text)
    assert "面接官と市の職員だけが読める" in body
    assert "秘密の合議" not in body
