"""`make scan`'s odd-value walk of the wizard (and the staff forms that read numbers), over HTTP.

Usage: ``python security/odd_walk.py BASE_URL CALL_ID SESSION OUT_DIR``. Each odd value of issue 19
(``²``, ``１``, ``-1``, ``0``, ``2**70``, 5,000 digits, an unpaired surrogate sent as WTF-8 bytes)
goes into every path parameter of the wizard's URLs, its query (``?role=``) and its forms (with a
real CSRF token, so the POST reaches the view), and into the staff forms that read ids and
versions, signed in as the contractor whose session is given. Writes ``OUT_DIR/walk.json``:
requests, hostile inputs, and the answers with status 5xx (``security/gate.py`` fails on any).
"""

from __future__ import annotations

import json
import re
import sys
import warnings
from pathlib import Path
from urllib.parse import quote

import requests

ODD_VALUES = ["²", "１", "-1", "0", str(2**70), "9" * 5000, "\ud800"]
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def encoded(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def raw(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


class Walk:
    def __init__(self, base: str) -> None:
        self.base = base
        self.requests = 0
        self.inputs = 0
        self.errors: list[str] = []

    def send(self, session: requests.Session, method: str, path: str, data: dict | None = None) -> str:
        headers = {"Referer": self.base + "/"}
        response = session.request(method, self.base + path, data=data, headers=headers, timeout=60, verify=False)
        self.requests += 1
        if response.status_code >= 500:
            self.errors.append(f"{response.status_code} {method} {path[:120]}")
        return response.text

    def token(self, session: requests.Session, path: str) -> str:
        match = TOKEN.search(self.send(session, "GET", path))
        return match.group(1) if match else session.cookies.get("csrftoken", "")


def main(base: str, call_id: str, staff_session: str, out: Path) -> int:
    warnings.simplefilter("ignore")  # the throwaway server's self-signed certificate
    walk = Walk(base)
    for value in ODD_VALUES:
        visitor = requests.Session()
        v, b = encoded(value), raw(value)
        walk.inputs += 1
        # Path parameters of every wizard URL.
        wizard = [f"/apply/{v}/", f"/apply/{v}/roles/", f"/apply/{v}/save/", f"/apply/{call_id}/{v}/"]
        tokens = [f"/apply/resume/{v}/", f"/apply/receipt/{v}/", f"/apply/manage/{v}/", f"/en/apply/{v}/roles/"]
        for path in wizard + tokens:
            walk.send(visitor, "GET", path)
        # Query values.
        walk.send(visitor, "GET", f"/apply/{call_id}/roles/?role={v}")
        walk.send(visitor, "GET", f"/apply/postcode/?code={v}")
        walk.send(visitor, "GET", f"/calls/?q={v}&category={v}&page={v}")
        # Forms, with the wizard's own CSRF token: the roles step, the rank step, save for later, manage.
        token = walk.token(visitor, f"/apply/{call_id}/roles/")
        step = f"apply-{call_id}-current_step"
        for data in (
            {step: "roles", "roles-roles": b},
            {step: "rank", "rank-role_1": b},
            {step: "roles", "roles-roles": b, "save_draft": "1"},
            {step: b, "wizard_goto_step": b},
        ):
            walk.send(visitor, "POST", f"/apply/{call_id}/roles/", {"csrfmiddlewaretoken": token, **data})
            walk.inputs += 1
        walk.send(visitor, "GET", f"/apply/{call_id}/check/")  # the step after a draft holding the odd role
        walk.send(visitor, "POST", f"/apply/manage/{v}/", {"csrfmiddlewaretoken": token, "candidacy": b})
        # The staff forms that read ids and versions, signed in as the contractor.
        staff = requests.Session()
        staff.cookies.set("sessionid", staff_session)
        dashboard = f"/admin/screening/call/{call_id}/"
        token = walk.token(staff, dashboard)
        for path, data in (
            (dashboard, {"action": "submit", "role": b}),
            (dashboard, {"action": "approve", "role": b}),
            (f"{dashboard}candidacies/", {"action": "assign", "candidacy": b, "reviewer": b}),
            (f"{dashboard}candidacies/", {"candidacy": b, "to": "in_review", "reason": "walk"}),
            (f"/admin/screening/exports/call/{call_id}/request/", {"kind": "csv", "role": b, "candidacy": b}),
        ):
            walk.send(staff, "POST", path, {"csrfmiddlewaretoken": token, **data})
            walk.inputs += 1
        screening = "/admin/screening"
        for path in (
            f"{screening}/call/{v}/",
            f"{screening}/candidacy/{v}/",
            f"{screening}/attachment/{v}/",
            f"{screening}/exports/{v}/",
            f"{dashboard}candidacies/?page={v}&score_min={v}&role={v}",
        ):
            walk.send(staff, "GET", path)
    summary = {"requests": walk.requests, "hostile_inputs": walk.inputs, "errors": walk.errors}
    (out / "walk.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False))
    print(f"odd-value walk: {walk.requests} requests, {walk.inputs} hostile inputs, {len(walk.errors)} 5xx")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], Path(sys.argv[4])))
