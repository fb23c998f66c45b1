"""The deadline surge benchmark's visitors and tallies (``bench/surge_bench.py`` runs them; the faults
benchmark's applicants are these visitors too).
"""

from __future__ import annotations

import re
import socket
import sys
import threading
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))
import benchlib

from tests.applications.wizard_helpers import GOOD_ANSWERS

SMOKE = benchlib.smoke()
WINDOW = 15 if SMOKE else 60  # the last minute: the final POSTs of the last visitors land in it
TIMEOUT = 60  # seconds, per request
#: What each visitor answers: the test suite's good answers (their email is set per visitor).
ANSWERS = GOOD_ANSWERS
STEPS = ["roles", "check", "about", "verify", "experience", "portfolio", "sidework", "consent", "review"]
#: The confirmation code is read from the mail files the worker writes, as the applicant reads their inbox.
CODE_WAIT = 60  # seconds
CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def portfolio_pdf(size: int) -> bytes:
    """A real one-page PDF of about ``size`` bytes (its page content padded with comment lines)."""
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    content = ContentStream(None, writer)
    line = b"% " + b"portfolio sample " * 4 + b"\n"
    content.set_data(b"0 0 1 rg 72 700 200 50 re f\n" + line * (size // len(line)))
    page[NameObject("/Contents")] = writer._add_object(content)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


class Visitor:
    """One applicant with their own browser session and address."""

    #: Where the file mail backend writes (set by ``run``): the visitor reads its confirmation code there.
    mail_dir = Path(".")
    #: Or where else the visitor reads its mail (the faults benchmark's SMTP sink): a callable giving
    #: every message as :func:`mail_messages` does; ``None`` reads ``mail_dir``.
    mailbox: Callable[[], list[dict[str, str]]] | None = None
    #: How long a visitor waits for its code (the faults benchmark waits out an outage of the broker).
    code_wait: float = CODE_WAIT
    #: Called with the visitor once it holds its code, before it sends it (the faults benchmark
    #: holds its visitors there until the fault is on).
    on_code: Callable[[Visitor], None] | None = None

    def __init__(self, number: int, base: str, call_id: int, role_id: int, pdf: bytes, *, double_click: bool) -> None:
        import requests

        self.number, self.base, self.call_id, self.role_id, self.pdf = number, base, call_id, role_id, pdf
        self.double_click = double_click
        self.email = f"surge-{number:05d}@bench.example.jp"
        self.session = requests.Session()
        address = f"10.{(number >> 16) & 255}.{(number >> 8) & 255}.{number & 255}"
        self.session.headers.update(
            {"X-Forwarded-Proto": "https", "X-Forwarded-For": address, "User-Agent": "kobo-bench"}
        )
        self.timings: dict[str, float] = {}
        self.result: dict[str, Any] = {"number": number, "email": self.email, "double_click": double_click}
        #: When to send each step's POST (epoch seconds; the last is the final one); None: at once.
        self.schedule: list[float] | None = None
        #: True while the visitor waits for its emailed code (nothing it can do moves it on).
        self.waiting_for_code = False

    def plan(self, submit_at: float, walk: float) -> None:
        """Start ``walk`` seconds before ``submit_at`` and send the final POST then, the steps evenly spaced."""
        gap = walk / len(STEPS)
        self.schedule = [submit_at - walk + gap * (i + 1) for i in range(len(STEPS))]
        self.result["planned_submit"] = submit_at

    def start_at(self) -> float:
        return self.schedule[0] - walk_gap(self.schedule) if self.schedule else 0.0

    def _pace(self, index: int) -> None:
        """Think until the step's planned instant (never when behind it: a slow server is not waited for twice)."""
        if self.schedule:
            wait = self.schedule[index] - time.time()
            if wait > 0:
                time.sleep(wait)

    def url(self, step: str) -> str:
        return f"{self.base}/apply/{self.call_id}/{step}/"

    def get(self, url: str) -> Any:
        return self.session.get(url, timeout=TIMEOUT, allow_redirects=False, headers=self._headers(url))

    def post(self, url: str, data: dict, files: dict | None = None) -> Any:
        return self.session.post(
            url, data=data, files=files, timeout=TIMEOUT, allow_redirects=False, headers=self._headers(url)
        )

    def _headers(self, url: str) -> dict[str, str]:
        """What the browser sends over HTTPS: the referer, and the site's cookies, which are all ``Secure``.

        ``requests`` keeps the cookies it receives but sends no ``Secure`` cookie over plain HTTP,
        so the bench (standing in for the TLS proxy) sends them itself.
        """
        cookies = "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)
        return {"Referer": url.replace("http://", "https://", 1), **({"Cookie": cookies} if cookies else {})}

    def walk(self) -> dict[str, Any]:
        self.result["started"] = time.time()
        step = "roles"
        try:
            page = self.get(self.url("roles") + f"?role={self.role_id}")
            self._expect(page, 200, "roles", "get")
            for index, step in enumerate(STEPS):
                self._pace(index)
                token = CSRF.search(page.text)
                if not token:
                    return self._error(step, "no CSRF token on the page")
                fields = {"roles": str(self.role_id)} if step == "roles" else dict(ANSWERS[step])
                if step == "verify":
                    fields = {"code": self.code()}
                    if self.on_code:
                        self.on_code(self)
                if step == "about":
                    fields.update(email=self.email, email_confirm=self.email)
                data = {
                    "csrfmiddlewaretoken": token.group(1),
                    f"apply-{self.call_id}-current_step": step,
                    **{f"{step}-{k}": v for k, v in fields.items()},
                }
                files = (
                    {f"{step}-file_1": ("portfolio.pdf", self.pdf, "application/pdf")} if step == "portfolio" else None
                )
                if step == "review":
                    return self._submit(data)
                started = time.perf_counter()
                response = self.post(self.url(step), data, files)
                self.timings[step] = time.perf_counter() - started
                self._expect(response, 302, step, "post")
                page = self.get(self.base + response.headers["Location"])
                self._expect(page, 200, step, "next page")
        except _Failed as failed:
            return self._error(step, failed.kind)
        except Exception as exc:  # a timeout, a refused connection: an error of its kind
            return self._error(step, type(exc).__name__)
        return self.result

    def code(self) -> str:
        """The confirmation code mailed to this visitor, from the worker's mail files (waits for the worker)."""
        started = time.perf_counter()
        self.waiting_for_code = True
        try:
            while time.perf_counter() - started < self.code_wait:
                messages = self.mailbox() if self.mailbox else mail_messages(self.mail_dir)
                for message in messages:
                    if message["to"] == self.email and message["code"]:
                        self.timings["code_mail"] = time.perf_counter() - started
                        return message["code"]
                time.sleep(0.5)
        finally:
            self.waiting_for_code = False
        raise _Failed("no confirmation code mailed")

    def _submit(self, data: dict) -> dict[str, Any]:
        url = self.url("review")
        self.result["final_sent"] = time.time()
        if self.double_click:  # the same final POST twice at once, from the same browser
            responses: list[Any] = [None, None]

            def send(i: int) -> None:
                try:
                    responses[i] = self.post(url, data)
                except Exception as exc:
                    responses[i] = exc

            other = threading.Thread(target=send, args=(1,))
            started = time.perf_counter()
            other.start()
            send(0)
            other.join()
            self.timings["final"] = time.perf_counter() - started
            second = responses[1]
            self.result["second_click"] = _reference(second) if not isinstance(second, Exception) else repr(second)
            response = responses[0]
            if isinstance(response, Exception):
                raise response
        else:
            started = time.perf_counter()
            response = self.post(url, data)
            self.timings["final"] = time.perf_counter() - started
        self.result["finished"] = time.time()
        self.result["timings"] = self.timings
        reference = _reference(response)
        if reference:
            self.result.update(outcome="receipt", reference=reference)
            receipt = self.get(self.base + response.headers["Location"])
            self.result["receipt_page"] = receipt.status_code
        elif response.status_code == 200:
            self.result["outcome"] = "refused_on_final_step"  # the page says why (a closed role, here)
        else:
            self._error("review", f"HTTP {response.status_code}")
        return self.result

    def _expect(self, response: Any, status: int, step: str, what: str) -> None:
        if response.status_code != status:
            if response.status_code == 200 and what == "post":
                raise _Failed("refused_on_step")  # the step re-rendered: a closed role or an error message
            raise _Failed(f"HTTP {response.status_code} on {what}")

    def _error(self, step: str, kind: str) -> dict[str, Any]:
        self.result.update(outcome="error", step=step, error=kind, finished=time.time(), timings=self.timings)
        return self.result


def mail_messages(mail_dir: Path) -> list[dict[str, str]]:
    """Every message the file mail backend wrote: its recipient and, for a confirmation code mail, the code."""
    import email
    from email.header import decode_header, make_header

    found = []
    for path in sorted(mail_dir.glob("*.log")):
        for block in path.read_text(encoding="utf-8", errors="replace").split("\n" + "-" * 79 + "\n"):
            if "To: " not in block:
                continue
            message = email.message_from_string(block.lstrip("\n"))
            subject = str(make_header(decode_header(message.get("Subject", ""))))
            found.append({"to": (message.get("To") or "").strip(), "code": code_in(subject)})
    return found


def code_in(subject: str) -> str:
    """The confirmation code a mail's (decoded) subject gives, or "" for any other mail."""
    is_code = "確認コード" in subject or "confirmation code" in subject
    code = CODE.search(subject) if is_code else None
    return code.group(1) if code else ""


def walk_gap(schedule: list[float]) -> float:
    return (schedule[-1] - schedule[0]) / (len(schedule) - 1) if len(schedule) > 1 else 0.0


class _Failed(Exception):
    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind


def _reference(response: Any) -> str | None:
    location = response.headers.get("Location", "") if response.status_code == 302 else ""
    found = re.search(r"/apply/receipt/([^/]+)/", location)
    return found.group(1) if found else None
