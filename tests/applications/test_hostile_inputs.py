"""Hostile input through the real public views: a message or a 4xx, never a 5xx, and nobody else's data changed.

Each numbered item of the hardening report (issue 11) has its own test here; the
parametrised suite at the end walks the whole list, uploads included, and checks after
each input that a bystander's application is exactly as it was.
"""

from __future__ import annotations

import io
import json
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client, TestCase
from django.utils import timezone
from PIL import Image, ImageFile

from applications.intake import drafts, uploads
from applications.models import Applicant, Application, Candidacy, Draft, OutboxEmail
from cms.web import limits
from tests.applications import factories as af
from tests.applications.test_uploads import HOSTILE
from tests.applications.wizard_helpers import GOOD_ANSWERS, manage_path, post_step, step_url, walk
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

OWNER = {
    **GOOD_ANSWERS["about"],
    "family_name": "神戸",
    "given_name": "花子",
    "email": "t1@example.jp",
    "email_confirm": "t1@example.jp",
    "phone": "078-111-1111",
}
IMPOSTOR = {
    **GOOD_ANSWERS["about"],
    "family_name": "偽物",
    "given_name": "次郎",
    "email": "T1@Example.JP",
    "email_confirm": "t1@example.jp",
    "phone": "090-9999-9999",
    "city": "どこか",
}


@dataclass
class HostileWorld:
    call: Any
    roles: list[Any]
    owner_application: Application


@shared_world
def hostile_inputs_world() -> HostileWorld:
    """A call with two roles, and t1@example.jp's application for the first, built once for this file.

    Each test's own writes (other applications, drafts, mail) are undone after it.
    """
    site_content_now()
    call = f.call()
    now = timezone.now()
    roles = [
        f.role(call, title="記事制作", closes_at=now + timedelta(days=10)),
        f.role(call, title="動画撮影", closes_at=now + timedelta(days=12)),
    ]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = walk(Client(), call, [roles[0].pk], answers={"about": OWNER})
    assert response.status_code == 302
    application = Application.objects.get()
    mail.outbox.clear()
    cache.clear()  # the owner's requests count against no test's rate limits
    return HostileWorld(call=call, roles=roles, owner_application=application)


@pytest.fixture
def call_with_roles(hostile_inputs_world):
    return hostile_inputs_world.call, hostile_inputs_world.roles


@pytest.fixture
def owner_application(hostile_inputs_world):
    """t1@example.jp applied for the first role; returns the application and its identity as submitted."""
    return hostile_inputs_world.owner_application


def identity(application: Application) -> dict:
    applicant = Applicant.objects.get(pk=Application.objects.get(pk=application.pk).applicant_id)
    fields = ["email", "family_name", "given_name", "family_name_kana", "given_name_kana", "phone", "city"]
    return {name: getattr(applicant, name) for name in fields}


def snapshot(application: Application) -> tuple:
    """Everything of an application a stranger must not be able to change."""
    application = Application.objects.get(pk=application.pk)
    candidacies = list(application.candidacies.order_by("rank").values_list("role_id", "status", "applicant_id"))
    return (identity(application), application.answers, application.manage_token_hash, candidacies)


def impostor_applies(call, role, browser: Client | None = None):
    """Someone else applies for ``role`` with the owner's email address (in a new browser unless given)."""
    return walk(browser or Client(), call, [role.pk], answers={"about": IMPOSTOR})


@pytest.fixture
def impostor(call_with_roles, django_capture_on_commit_callbacks):
    """``impostor(i)``: someone else applies for role ``i`` with the owner's email address; mails go out."""
    call, roles = call_with_roles

    def applies(index: int):
        with django_capture_on_commit_callbacks(execute=True):
            return impostor_applies(call, roles[index])

    return applies


# --- 1. Identity: each application keeps the identity exactly as submitted -------------------------


def test_another_submission_with_my_email_does_not_change_my_application(owner_application, impostor):
    before = snapshot(owner_application)
    response = impostor(1)
    assert response.status_code == 302  # a different role: accepted, as its own application
    assert snapshot(owner_application) == before
    assert identity(owner_application)["family_name"] == "神戸"
    assert identity(owner_application)["phone"] == "078-111-1111"
    second = Application.objects.exclude(pk=owner_application.pk).get()
    assert identity(second)["family_name"] == "偽物"
    assert identity(second)["phone"] == "090-9999-9999"


def test_a_duplicate_for_the_same_role_is_refused_without_disclosing_the_first(
    call_with_roles, owner_application, impostor
):
    call, roles = call_with_roles
    before = snapshot(owner_application)
    response = impostor(0)
    html = response.content.decode()
    assert response.status_code == 200
    assert owner_application.reference not in html
    assert "花子" not in html
    assert "078-111-1111" not in html
    assert "受け付けられませんでした" in html  # a neutral message, in Japanese
    assert Application.objects.count() == 1
    assert snapshot(owner_application) == before

    # The address's owner is told, with their own reference and a link that opens their application.
    [notice] = [m for m in mail.outbox if m.to == ["t1@example.jp"]]
    assert owner_application.reference in notice.body
    page = Client().get(manage_path(notice.body))
    assert page.status_code == 200
    assert owner_application.reference in page.content.decode()
    assert OutboxEmail.objects.filter(kind="duplicate", to="t1@example.jp").count() == 1

    # Trying again at once changes nothing and does not flood the owner's inbox.
    again = impostor_applies(call, roles[0])
    assert "受け付けられませんでした" in again.content.decode()
    assert OutboxEmail.objects.filter(kind="duplicate", to="t1@example.jp").count() == 1
    assert snapshot(owner_application) == before


def test_one_live_candidacy_per_email_and_role_is_a_database_rule(call_with_roles, owner_application):
    _call, roles = call_with_roles
    other = af.make_applicant(email="t1@example.jp", family_name="別人")
    other.save()
    application = af.make_application(owner_application.call, other)
    application.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidacy.objects.create(
            application=application, applicant=other, role=roles[0], rank=1, email_key="t1@example.jp"
        )


def test_a_manage_link_that_was_never_issued_opens_nothing(owner_application):
    assert Client().get("/apply/manage/MQ:1abcde:not-a-real-signature/").status_code == 404


# --- 2. Submitting is limited wherever it is reached; every wizard POST is limited ----------------


def _other_about(n: int) -> dict:
    email = f"p{n}@example.jp"
    return {"about": {**GOOD_ANSWERS["about"], "email": email, "email_confirm": email}}


def test_posting_the_review_step_to_an_earlier_url_is_still_limited(call_with_roles, monkeypatch):
    call, roles = call_with_roles
    monkeypatch.setitem(limits.RATES, "submit", limits.Rate(visitor="2/h", address="2/h"))
    applications_before = Application.objects.count()  # the world's owner has applied already
    statuses = []
    for n in range(3):
        browser = Client()
        walk(browser, call, [roles[0].pk], until="review", answers=_other_about(n))
        # The bypass of the report: go back to the first step, then post the final step's name from there.
        browser.get(step_url(call, "roles"))
        response = browser.post(step_url(call, "roles"), {f"apply-{call.pk}-current_step": "review"})
        statuses.append(response.status_code)
    assert statuses[-1] == 429
    assert Application.objects.count() == applications_before + 2


def test_every_wizard_post_counts_against_the_client(call_with_roles, monkeypatch):
    call, roles = call_with_roles
    monkeypatch.setitem(limits.RATES, "wizard", limits.Rate(visitor="5/h", address="5/h"))
    browser = Client()
    statuses = [post_step(browser, call, "roles", {"roles": [roles[0].pk]}).status_code for _ in range(6)]
    assert statuses[:5] == [302] * 5
    assert statuses[5] == 429
    assert "分待って" in post_step(Client(), call, "roles", {"roles": [roles[0].pk]}).content.decode()


def test_uploads_have_their_own_tighter_limit(call_with_roles, monkeypatch):
    call, roles = call_with_roles
    monkeypatch.setitem(limits.RATES, "upload", limits.Rate(visitor="2/h", address="2/h"))
    browser = Client()
    walk(browser, call, [roles[0].pk], until="portfolio")
    statuses = [
        post_step(browser, call, "portfolio", {}, files={"file_1": _png(f"w{n}.png")}).status_code for n in range(3)
    ]
    assert statuses == [302, 302, 429]


# --- 5. Disk and workers ---------------------------------------------------------------------------


def _png(name: str, size: tuple[int, int] = (40, 30), color: str = "red") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def _draft_files() -> set[str]:
    folder = Path(settings.PRIVATE_STORAGE_ROOT) / "drafts"
    return {p.name for p in folder.iterdir()} if folder.exists() else set()


def _open_draft() -> Draft:
    """The test's own draft, not yet submitted (the world's owner submitted hers)."""
    return Draft.objects.get(application=None)


def _referenced(draft: Draft) -> set[str]:
    entries = (draft.data.get("step_files") or {}).get("portfolio", {}).values()
    return {Path(entry["tmp_name"]).name for entry in entries}


def test_replaced_draft_files_are_deleted_at_once(call_with_roles):
    call, roles = call_with_roles
    browser = Client()
    walk(browser, call, [roles[0].pk], until="portfolio")
    before = _draft_files()
    for n, color in enumerate(["red", "green", "blue"]):
        files = {f"file_{i}": _png(f"w{n}{i}.png", color=color) for i in (1, 2, 3)}
        assert post_step(browser, call, "portfolio", {}, files=files).status_code == 302
    draft = _open_draft()
    assert len(_referenced(draft)) == 3
    assert _draft_files() - before == _referenced(draft)  # nothing orphaned on disk


def test_files_removed_in_the_form_are_deleted_from_storage(call_with_roles):
    call, roles = call_with_roles
    browser = Client()
    walk(browser, call, [roles[0].pk], until="portfolio")
    before = _draft_files()
    post_step(browser, call, "portfolio", {}, files={"file_1": _png("a.png")})
    post_step(browser, call, "portfolio", {"remove_file_1": "on"})
    assert _referenced(_open_draft()) == set()
    assert _draft_files() - before == set()


def test_a_draft_cannot_store_more_than_its_byte_cap(call_with_roles, monkeypatch):
    call, roles = call_with_roles
    monkeypatch.setattr(drafts, "MAX_DRAFT_FILE_BYTES", 600)
    browser = Client()
    walk(browser, call, [roles[0].pk], until="portfolio")
    small = _png("a.png")
    assert post_step(browser, call, "portfolio", {}, files={"file_1": small}).status_code == 302
    stored = _open_draft().data["step_files"]["portfolio"]
    big = _png("b.png", size=(300, 300), color="blue")
    response = post_step(browser, call, "portfolio", {}, files={"file_2": big})
    assert response.status_code == 200
    assert "容量" in response.content.decode()  # said on the page, in Japanese
    assert _open_draft().data["step_files"]["portfolio"] == stored  # what was kept is still there


def test_the_pixel_cap_is_what_a_portfolio_needs_and_read_from_the_header(call_with_roles, monkeypatch):
    from tests.applications.test_uploads import png_claiming_size

    assert uploads.MAX_IMAGE_PIXELS <= 25_000_000
    call, roles = call_with_roles
    browser = Client()
    walk(browser, call, [roles[0].pk], until="portfolio")
    upload = SimpleUploadedFile("huge.png", png_claiming_size(6000, 5000), content_type="image/png")  # 30 Mpx
    decoded = []
    monkeypatch.setattr(ImageFile.ImageFile, "load", lambda self: decoded.append(self))  # decoding starts here
    response = post_step(browser, call, "portfolio", {}, files={"file_1": upload})
    assert response.status_code == 200
    assert "画素" in str(response.context["form"].errors["file_1"])
    assert decoded == []  # refused before any decoding


def test_a_jpeg_is_image_jpeg_in_the_draft_and_in_the_application(call_with_roles):
    """Issue 9, on the way: one mapping of a file kind to its MIME type (the draft said application/jpeg)."""
    from applications.models import Attachment

    call, roles = call_with_roles
    browser = Client()
    walk(browser, call, [roles[0].pk], until="portfolio")
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format="JPEG")
    photo = SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")
    assert post_step(browser, call, "portfolio", {}, files={"file_1": photo}).status_code == 302
    [entry] = _open_draft().data["step_files"]["portfolio"].values()
    assert entry["content_type"] == "image/jpeg"
    for step in ["sidework", "consent", "review"]:
        response = post_step(browser, call, step, GOOD_ANSWERS[step])
    assert response.status_code == 302
    assert Attachment.objects.get().content_type == "image/jpeg"


# --- 6. Tampered wizard state ----------------------------------------------------------------------


@pytest.mark.parametrize("step", ["done", "../../etc", "", "review\x00", "x" * 300])
def test_a_tampered_current_step_is_a_400(call_with_roles, step):
    call, roles = call_with_roles
    browser = Client()
    walk(browser, call, [roles[0].pk], until="about")
    response = browser.post(step_url(call, "about"), {f"apply-{call.pk}-current_step": step})
    assert response.status_code == 400
    assert browser.get(step_url(call, "about")).status_code == 200  # the draft still works


# --- 7. Save and finish later keeps bounded input --------------------------------------------------


def test_save_for_later_keeps_only_the_steps_fields_and_bounded_values(call_with_roles):
    call, roles = call_with_roles
    browser = Client()
    walk(browser, call, [roles[0].pk], until="about")
    extra = {f"junk{i}": "x" * 400 for i in range(2000)}
    extra.update({f"about-extra{i}": "y" for i in range(200)})
    fields = {"family_name": "長" * 100_000, "given_name": "花子"}
    response = post_step(browser, call, "about", fields, extra={**extra, "save_draft": "1"})
    assert response.status_code == 302
    stored = _open_draft().data["step_data"]["about"]
    assert all(key.startswith("about-") for key in stored)
    assert len(stored) <= drafts.MAX_STEP_FIELDS
    assert len(stored["about-family_name"][0]) <= drafts.MAX_FIELD_CHARS
    assert stored["about-given_name"] == ["花子"]
    assert len(json.dumps(_open_draft().data, ensure_ascii=False).encode()) <= drafts.MAX_DRAFT_DATA_BYTES
    # Resumed, the long name is shown with the field's own message, not a 500.
    page = browser.get(step_url(call, "about"))
    assert page.status_code == 200


def test_a_draft_over_its_data_cap_is_refused_with_a_message(call_with_roles, monkeypatch):
    call, roles = call_with_roles
    monkeypatch.setattr(drafts, "MAX_DRAFT_DATA_BYTES", 2_000)
    browser = Client()
    walk(browser, call, [roles[0].pk], until="experience")
    saved = _open_draft().data
    response = post_step(browser, call, "experience", {"experience": "経" * 1000}, extra={"save_draft": "1"})
    assert response.status_code == 200
    assert "容量" in response.content.decode()
    assert _open_draft().data == saved


# --- 8. Names are one line of visible characters ---------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("family_name", "山田\nBcc: victim@example.jp"),
        ("given_name", "花\r\n子"),
        ("given_name", "花\u202ekoakaw"),
        ("family_name", "山\u200b田"),
        ("family_name_kana", "ヤマ\nダ"),
        ("city", "神戸市\u2028中央区"),
    ],
)
def test_line_breaks_and_control_characters_are_refused_in_names(call_with_roles, field, value):
    call, roles = call_with_roles
    browser = Client()
    walk(browser, call, [roles[0].pk], until="about")
    response = post_step(browser, call, "about", {**GOOD_ANSWERS["about"], field: value})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert "改行" in str(errors[field])


def test_names_with_variation_selectors_and_combining_marks_are_still_accepted(call_with_roles):
    call, roles = call_with_roles
    browser = Client()
    walk(browser, call, [roles[0].pk], until="about")
    names = {"family_name": "葛\U000e0100西", "given_name": "ｶﾞｸ\u0301"}
    response = post_step(browser, call, "about", {**GOOD_ANSWERS["about"], **names})
    assert response.status_code == 302


# --- The suite: every hostile input through the real views -----------------------------------------


def _post_raw(browser: Client, call, step: str, data: dict, files: dict | None = None):
    return browser.post(step_url(call, step), {**data, **(files or {})})


def _hostile_requests(call, roles):
    """(id, function(browser) -> response) for every hostile input that is not an upload."""
    p = f"apply-{call.pk}-current_step"
    return [
        ("missing-management-form", lambda b: _post_raw(b, call, "about", {"about-family_name": "x"})),
        ("step-done", lambda b: _post_raw(b, call, "about", {p: "done"})),
        ("step-path", lambda b: _post_raw(b, call, "about", {p: "../../etc"})),
        ("step-unknown-url", lambda b: _post_raw(b, call, "nosuchstep", {p: "about"})),
        ("review-to-first-url", lambda b: _post_raw(b, call, "roles", {p: "review"})),
        ("goto-unknown", lambda b: _post_raw(b, call, "about", {p: "about", "wizard_goto_step": "../x"})),
        ("role-of-another-call", lambda b: post_step(b, call, "roles", {"roles": ["999999"]})),
        ("role-not-a-number", lambda b: post_step(b, call, "roles", {"roles": ["1 OR 1=1"]})),
        ("huge-name", lambda b: post_step(b, call, "about", {**GOOD_ANSWERS["about"], "family_name": "長" * 50_000})),
        ("newline-name", lambda b: post_step(b, call, "about", {**OWNER, "family_name": "a\nBcc: x@example.jp"})),
        ("nul-in-field", lambda b: post_step(b, call, "about", {**GOOD_ANSWERS["about"], "city": "神戸\x00"})),
        ("bad-email", lambda b: post_step(b, call, "about", {**GOOD_ANSWERS["about"], "email": "a@b@c"})),
        ("javascript-link", lambda b: post_step(b, call, "portfolio", {"link_1": "javascript:alert(1)"})),
        (
            "save-huge-draft",
            lambda b: post_step(
                b, call, "about", {"family_name": "長" * 100_000}, extra={"save_draft": "1", "junk": "j" * 10_000}
            ),
        ),
        ("manage-forged", lambda b: b.post("/apply/manage/forged-token/", {"withdraw_all": "1"})),
        ("manage-signed-garbage", lambda b: b.post("/apply/manage/MQ:1abcde:garbage/", {"withdraw_all": "1"})),
        ("resume-forged", lambda b: b.get("/apply/resume/forged-token/")),
        ("receipt-of-another", lambda b: b.get("/apply/receipt/TEST-AAAAAA/")),
        ("duplicate-email-same-role", lambda b: impostor_applies(call, roles[0], b)),
        ("duplicate-email-other-role", lambda b: impostor_applies(call, roles[1], b)),
    ]


NON_UPLOAD_IDS = [
    "missing-management-form",
    "step-done",
    "step-path",
    "step-unknown-url",
    "review-to-first-url",
    "goto-unknown",
    "role-of-another-call",
    "role-not-a-number",
    "huge-name",
    "newline-name",
    "nul-in-field",
    "bad-email",
    "javascript-link",
    "save-huge-draft",
    "manage-forged",
    "manage-signed-garbage",
    "resume-forged",
    "receipt-of-another",
    "duplicate-email-same-role",
    "duplicate-email-other-role",
]


def _assert_answered(response) -> None:
    """A 4xx, a redirect (to the step that needs attention, or the receipt), or a page saying what is wrong."""
    assert response.status_code < 500
    if response.status_code == 200:
        assert 'role="alert"' in response.content.decode(), "a 200 must say what is wrong"


@pytest.mark.parametrize("case", NON_UPLOAD_IDS)
def test_hostile_request_is_answered_and_changes_nobody_elses_data(call_with_roles, owner_application, case):
    call, roles = call_with_roles
    requests = dict(_hostile_requests(call, roles))
    assert set(requests) == set(NON_UPLOAD_IDS)
    before = snapshot(owner_application)
    browser = Client()
    walk(browser, call, [roles[0].pk], until="about", answers=_other_about(99))
    response = requests[case](browser)
    _assert_answered(response)
    assert snapshot(owner_application) == before


@pytest.mark.parametrize(("name", "build", "code"), HOSTILE)
def test_hostile_upload_is_answered_and_changes_nobody_elses_data(
    call_with_roles, owner_application, name, build, code
):
    call, roles = call_with_roles
    before = snapshot(owner_application)
    browser = Client()
    walk(browser, call, [roles[1].pk], until="portfolio", answers=_other_about(98))
    upload = SimpleUploadedFile("x", build(), content_type="application/pdf")
    upload._name = name
    response = post_step(browser, call, "portfolio", {}, files={"file_1": upload})
    _assert_answered(response)
    if response.status_code == 200:
        assert response.context["form"].errors.get("file_1")
    assert snapshot(owner_application) == before
