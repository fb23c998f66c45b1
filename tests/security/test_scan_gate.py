"""`make scan` fails on what it is there to catch (security/gate.py reading the tools' reports)."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("scan_gate", ROOT / "security" / "gate.py")
gate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gate)

CLEAN_SQLMAP = "[WARNING] GET parameter 'q' does not seem to be injectable\n" + (
    "[CRITICAL] all tested parameters do not appear to be injectable.\n" * gate.SQLMAP_URLS
)


def write_reports(
    out: Path, *, access: list[str] | None = None, vulnerabilities=None, sqlmap: str = CLEAN_SQLMAP,
    walk_requests: int = 280,
):  # fmt: skip
    """A clean set of reports as security/scan.sh leaves them, with the given changes."""
    out.mkdir(exist_ok=True)
    (out / "bandit.json").write_text(json.dumps({"results": [], "metrics": {"_totals": {"skipped_tests": 1}}}))
    public = ["200 GET /calls/?q=PR HTTP/1.1"] * 25
    staff = ["200 GET /admin/screening/call/1/candidacies/ HTTP/1.1"] * 25
    walked = ["200 GET /apply/12/roles/?role=%C2%B2 HTTP/1.1"] * 25
    lines = public + staff + staff[:5] + walked + (access or [])
    (out / "access.log").write_text("\n".join(lines) + "\n")
    (out / "phases").write_text(f"start 0\npublic 25\nstaff 50\nsqlmap 55\nwalk {len(lines)}\n")
    errors = [line.split(" HTTP")[0] for line in (access or []) if line.startswith("5") and "/apply/" in line]
    (out / "walk.json").write_text(json.dumps({"requests": walk_requests, "hostile_inputs": 70, "errors": errors}))
    for name in ["public", "staff"]:
        report = {"vulnerabilities": vulnerabilities or {}, "anomalies": {}, "infos": {"crawled_pages_nbr": 25}}
        (out / f"wapiti-{name}.json").write_text(json.dumps(report))
    (out / "sqlmap.txt").write_text(sqlmap)


def test_clean_reports_pass(tmp_path, capsys):
    write_reports(tmp_path)
    assert gate.main(tmp_path) == 0
    assert "scan passed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"vulnerabilities": {"SQL Injection": [{"path": "/calls/", "parameter": "q"}]}}, "SQL Injection at /calls/"),
        ({"vulnerabilities": {"Open Redirect": [{"path": "/x", "parameter": "next"}]}}, "Open Redirect"),
        ({"access": ["500 GET /calls/?q=%27 HTTP/1.1"]}, "/calls/?q=%27 answered 5xx"),
        ({"sqlmap": CLEAN_SQLMAP + "[INFO] GET parameter 'q' is vulnerable.\n"}, "injectable parameters ['q']"),
        ({"sqlmap": "[CRITICAL] connection refused\n"}, f"0 of {gate.SQLMAP_URLS} URLs reported clean"),
        (
            {"access": ["500 GET /apply/1180591620717411303424/roles/ HTTP/1.1"]},
            "walk: 500 GET /apply/1180591620717411303424",
        ),
        ({"walk_requests": 12}, "walk: 12 requests (need"),
    ],
)
def test_a_finding_fails_the_scan(tmp_path, capsys, change, message):
    write_reports(tmp_path, **change)
    assert gate.main(tmp_path) == 1
    assert message in capsys.readouterr().out


def test_a_known_wagtail_500_is_allowed_but_counted(tmp_path, capsys):
    write_reports(tmp_path, access=['500 GET /admin/pages/1/?q=" HTTP/1.1'])
    assert gate.main(tmp_path) == 0
    assert "500s: 1 (1 known Wagtail 8.0.1 ones allowed)" in capsys.readouterr().out


def test_a_scan_that_never_got_past_the_login_page_fails(tmp_path, capsys):
    write_reports(tmp_path)
    (tmp_path / "access.log").write_text("\n".join(["302 GET /admin/login/ HTTP/1.1"] * 60) + "\n")
    assert gate.main(tmp_path) == 1
    assert "did it reach the site?" in capsys.readouterr().out


def test_bandit_issues_fail_the_scan(tmp_path, capsys):
    write_reports(tmp_path)
    issue = {
        "issue_severity": "MEDIUM",
        "test_id": "B608",
        "filename": "./x.py",
        "line_number": 3,
        "issue_text": "SQL built from strings",
    }
    (tmp_path / "bandit.json").write_text(json.dumps({"results": [issue], "metrics": {"_totals": {}}}))
    assert gate.main(tmp_path) == 1
    assert "bandit B608 ./x.py:3" in capsys.readouterr().out
