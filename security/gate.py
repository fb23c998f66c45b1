"""Read `make scan`'s reports, print its figures and fail on a finding (see security/scan.sh).

Figures: requests the server answered in each phase (from its access log) and their statuses,
wapiti's findings by type, sqlmap's verdict per parameter, bandit's issues. The gate: no
bandit issue of medium severity or more, none of the serious wapiti types, no sqlmap
injection, no 500 outside the allowlist, and each phase reached the pages it was meant to
(a scan that saw only a login page proves nothing).
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

#: wapiti finding types that fail the scan (the others are printed for reading).
SERIOUS = [
    "SQL Injection",
    "Blind SQL Injection",
    "Reflected Cross Site Scripting",
    "Stored Cross Site Scripting",
    "Command execution",
    "Path Traversal",
    "Open Redirect",
    "CRLF Injection",
    "HTML Injection",
    "Stored HTML Injection",
]
#: Known Wagtail 8.0.1 500s (security-tools reference): search quirks in admin listings.
ALLOWED_500 = [
    re.compile(r"^/admin/pages/\d+/\?.*\bq="),
    re.compile(r"^/admin/(images|documents)/results/\?.*usage_count_min="),
]
#: sqlmap runs on this many URLs (security/scan.sh); each must end "do not appear to be injectable".
SQLMAP_URLS = 2
#: Each phase must have had at least this many answers with status 200 under this path.
REACHED = {
    "public": ("/calls/", 20),
    "staff": ("/admin/screening/", 20),
    "sqlmap": ("/admin/screening/", 5),
    "walk": ("/apply/", 20),
}
#: The odd-value walk (security/odd_walk.py) makes at least this many requests.
WALK_REQUESTS = 150


def phases(out: Path) -> dict[str, list[tuple[int, str, str]]]:
    """The access log's lines ("status method path") split by the phase marks the script wrote."""
    lines = []
    for line in (out / "access.log").read_text().splitlines():
        status, method, path = ([*line.split(" "), "", ""])[:3]  # "200 GET /path?query HTTP/1.1"
        lines.append((int(status), method, path))
    result: dict[str, list[tuple[int, str, str]]] = {}
    previous = 0
    for mark in (out / "phases").read_text().split("\n"):
        if not mark.strip():
            continue
        name, count = mark.split()
        result[name] = lines[previous : int(count)]
        previous = int(count)
    result.pop("start", None)
    return result


def wapiti_findings(report: Path) -> tuple[Counter, Counter, dict]:
    data = json.loads(report.read_text())
    vulnerabilities = Counter({k: len(v) for k, v in data.get("vulnerabilities", {}).items() if v})
    anomalies = Counter({k: len(v) for k, v in data.get("anomalies", {}).items() if v})
    return vulnerabilities, anomalies, data


def main(out: Path) -> int:
    failures: list[str] = []

    bandit = json.loads((out / "bandit.json").read_text())
    issues = [r for r in bandit["results"] if r["issue_severity"] in {"MEDIUM", "HIGH"}]
    skipped = bandit["metrics"]["_totals"].get("skipped_tests", 0)
    print(f"bandit: {len(issues)} issues of medium or high severity, {skipped} justified # nosec exceptions")
    for issue in issues:
        failures.append(f"bandit {issue['test_id']} {issue['filename']}:{issue['line_number']} {issue['issue_text']}")

    by_phase = phases(out)
    print("\nrequests answered by the server (access log):")
    for name, lines in by_phase.items():
        statuses = Counter(f"{status // 100}xx" for status, _, _ in lines)
        limited = sum(1 for status, _, _ in lines if status == 429)
        print(
            f"  {name:7} {len(lines):6} requests  "
            + "  ".join(f"{k} {statuses[k]}" for k in sorted(statuses))
            + f"  (429: {limited})"
        )
        errors = [(m, p) for s, m, p in lines if s >= 500]
        allowed = [(m, p) for m, p in errors if any(rule.match(p) for rule in ALLOWED_500)]
        print(f"          500s: {len(errors)} ({len(allowed)} known Wagtail 8.0.1 ones allowed)")
        for method, path in errors:
            if (method, path) not in allowed:
                failures.append(f"{name}: {method} {path} answered 5xx")
        prefix, needed = REACHED[name]
        reached = sum(1 for status, _, path in lines if status == 200 and path.startswith(prefix))
        if reached < needed:
            failures.append(f"{name}: {reached} answers 200 under {prefix} (need {needed}): did it reach the site?")

    for name in ["public", "staff"]:
        vulnerabilities, anomalies, data = wapiti_findings(out / f"wapiti-{name}.json")
        infos = data.get("infos", {})
        print(f"\nwapiti {name}: {infos.get('crawled_pages_nbr', '?')} pages crawled; findings by type:")
        for kind, count in sorted(vulnerabilities.items()) or [("none", 0)]:
            flag = "  FAIL" if kind in SERIOUS else ""
            print(f"  {kind}: {count}{flag}")
        for kind, count in sorted(anomalies.items()):
            print(f"  anomaly, {kind}: {count}")
        for kind, items in sorted(data.get("additionals", {}).items()):
            if items:
                print(f"  for information, {kind}: {len(items)}")
        for kind in SERIOUS:
            for finding in data.get("vulnerabilities", {}).get(kind, []):
                failures.append(f"wapiti {name}: {kind} at {finding.get('path')} ({finding.get('parameter')})")

    walk = json.loads((out / "walk.json").read_text())
    print(
        f"\nodd-value walk: {walk['requests']} requests, {walk['hostile_inputs']} hostile inputs,"
        f" {len(walk['errors'])} answered 5xx"
    )
    failures.extend(f"walk: {error}" for error in walk["errors"])
    if walk["requests"] < WALK_REQUESTS:
        failures.append(f"walk: {walk['requests']} requests (need {WALK_REQUESTS}): did it run to its end?")

    sqlmap = (out / "sqlmap.txt").read_text()
    tested = re.findall(r"(?:GET|POST) parameter '([^']+)' does not seem to be injectable", sqlmap)
    clean_runs = sqlmap.count("do not appear to be injectable")
    injectable = re.findall(r"(?:GET|POST|Cookie) parameter '([^']+)' (?:is vulnerable|appears to be)", sqlmap)
    print(f"\nsqlmap: {len(tested)} parameters not injectable, {len(injectable)} injectable; {clean_runs} clean URLs")
    for name, count in sorted(Counter(tested).items()):
        print(f"  {name}: not injectable ({count} URL{'s' if count > 1 else ''})")
    if injectable or "identified the following injection point" in sqlmap:
        failures.append(f"sqlmap: injectable parameters {sorted(set(injectable))}")
    if clean_runs < SQLMAP_URLS:
        failures.append(f"sqlmap: {clean_runs} of {SQLMAP_URLS} URLs reported clean; see var/scan/sqlmap.txt")

    if failures:
        print("\nSCAN FAILED:")
        for failure in failures:
            print(f"  - {failure}")
        return 1
    print("\nscan passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1])))
