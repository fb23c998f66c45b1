"""Walk the application wizard through the Django test client, as a browser would post it."""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from django.core import mail
from django.urls import reverse

GOOD_ANSWERS: dict[str, dict[str, Any]] = {
    "check": {"hours_per_week": "10", "online_ok": "yes", "pay_understood": "on"},
    "about": {
        "family_name": "𠮷田",
        "given_name": "﨑子",
        "family_name_kana": "よしだ",
        "given_name_kana": "ｻｷｺ",
        "email": "Applicant@Example.JP",
        "email_confirm": "applicant@example.jp",
        "phone": "078-123-4567",
        "postal_code": "６５０８５７０",
        "prefecture": "兵庫県",
        "city": "神戸市中央区",
        "website": "",
    },
    "verify": {},  # the code is read from the mail (``emailed_code``)
    "experience": {
        "occupation": "employee",
        "experience": "広報誌の編集を5年。",
        "strengths": "取材と写真",
        "hobbies": "サッカー観戦",
    },
    "portfolio": {"link_1": "https://example.jp/works"},
    "sidework": {
        "employer_permission": "obtained",
        "public_servant": "no",
        "public_servant_permission": "",
        "conflicts": "",
        "no_antisocial_ties": "on",
        "invoice_number": "",
    },
    "consent": {"consent": "on"},
    "review": {},
}


def step_url(call, step: str) -> str:
    return reverse("applications:apply_step", kwargs={"call_id": call.pk, "step": step})


def post_step(
    client,
    call,
    step: str,
    fields: dict[str, Any],
    *,
    extra: dict[str, Any] | None = None,
    files=None,
    follow: bool = False,
    follow_refusal: bool = True,
):
    """Post one step, as a browser would.

    A refused step redirects back to itself (Post/Redirect/Get); like a browser, this reads that page
    (unless ``follow_refusal`` is false). ``follow`` follows any redirect.
    """
    data = {f"apply-{call.pk}-current_step": step, **{f"{step}-{k}": v for k, v in fields.items()}, **(extra or {})}
    if files:
        data.update({f"{step}-{k}": v for k, v in files.items()})
    response = client.post(step_url(call, step), data, follow=follow)
    return refused_page(client, response) if follow_refusal else response


def refused_page(client, response):
    """The page a refused POST redirects to (its own address, Post/Redirect/Get); other responses as they are."""
    if response.status_code == 302:
        target = response["Location"].split("#")[0]
        if target.split("?")[0] == response.request["PATH_INFO"]:
            return client.get(target)
    return response


def choose_roles(client, call, role_ids: list[int]):
    """Tick the roles, then (for more than one) give them their order of preference as listed."""
    response = post_step(client, call, "roles", {"roles": [str(pk) for pk in role_ids]})
    if len(role_ids) > 1:
        ranks = {f"role_{pk}": str(n) for n, pk in enumerate(role_ids, start=1)}
        response = post_step(client, call, "rank", ranks)
    return response


_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def emailed_code(email: str) -> str:
    """The latest confirmation code mailed to ``email``, as the applicant reads it (outbox row or sent mail)."""
    from applications.models import OutboxEmail

    email = unicodedata.normalize("NFKC", email).strip()
    row = OutboxEmail.objects.filter(kind="email_code", to__iexact=email).order_by("-pk").first()
    if row is not None and _CODE.search(row.subject):
        return _CODE.search(row.subject).group(1)
    for message in reversed(mail.outbox):
        if [a.lower() for a in message.to] == [email.lower()] and _CODE.search(message.subject):
            return _CODE.search(message.subject).group(1)
    raise AssertionError(f"no confirmation code was mailed to {email}")


def verify_email(client, call, email: str | None = None):
    """Type the code mailed to the address of the "about you" step."""
    email = email or GOOD_ANSWERS["about"]["email"]
    return post_step(client, call, "verify", {"code": emailed_code(email)})


def draft_saved(client, call, step: str, data: dict, capture_on_commit) -> str:
    """Save the draft from ``step`` (sent with ``data``) and have its link mailed: the resume path in that mail."""
    response = post_step(client, call, step, data, extra={"save_draft": "1"})
    assert response["Location"].endswith(f"/apply/{call.pk}/save/")
    with capture_on_commit(execute=True):
        client.post(response["Location"], {"email": "later@example.jp"})
    link = next(line for line in mail.outbox[-1].body.splitlines() if "/apply/resume/" in line)
    return link[link.index("/apply/resume/") :]


def manage_path(*bodies: str) -> str:
    """The path of the first manage link in ``bodies`` (mail bodies, as the applicant reads them)."""
    link = next(line for body in bodies for line in body.splitlines() if "/apply/manage/" in line)
    return link[link.index("/apply/manage/") :]


def walk(client, call, role_ids: list[int], *, until: str | None = None, answers: dict | None = None, files=None):
    """Post every step with good answers (overridable); stop before ``until``; return the last response.

    The "verify" step types the code mailed to the address given on "about you".
    """
    answers = {**GOOD_ANSWERS, **(answers or {})}
    response = choose_roles(client, call, role_ids)
    for step in ["check", "about", "verify", "experience", "portfolio", "sidework", "consent", "review"]:
        if step == until:
            return response
        if step == "verify":
            if response.status_code == 302 and response["Location"].endswith("/verify/"):
                response = verify_email(client, call, answers["about"]["email"])
            continue
        response = post_step(client, call, step, answers[step], files=files if step == "portfolio" else None)
    return response
