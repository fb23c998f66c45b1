"""Each step form on its own: what it accepts, what it refuses and with which message."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from applications.intake import steps as forms
from applications.models import Application
from tests.applications.wizard_helpers import GOOD_ANSWERS, post_step, walk
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db


@shared_world
def step_forms_world():
    """A call with an online role, an on-site one and a closed one, built once for this file."""
    site_content_now()
    call = f.call()
    now = timezone.now()
    online = f.role(call, title="記事", closes_at=now + timedelta(days=9), hours_min=8)
    on_site = f.role(call, title="撮影", work_style="partly_on_site", closes_at=now + timedelta(days=9))
    closed = f.role(call, title="終了", closes_at=now - timedelta(hours=1))
    roles = list(call.roles())
    return call, roles, {"online": online, "on_site": on_site, "closed": closed}


@pytest.fixture
def setting(step_forms_world):
    return step_forms_world


def make(form_class, setting, data, chosen=(), files=None):
    call, roles, _ = setting
    by_id = {r.pk: r for r in roles}
    return form_class(data, files, call=call, roles=roles, chosen=[by_id[r.pk] for r in chosen])


def test_roles_form_takes_one_to_three_open_roles_and_rank_form_distinct_preferences(setting):
    call, _, r = setting
    ok = make(forms.RolesForm, setting, {"roles": [r["online"].pk, r["on_site"].pk]})
    assert ok.is_valid(), ok.errors
    assert ok.chosen_role_ids() == [r["online"].pk, r["on_site"].pk]
    closed = make(forms.RolesForm, setting, {"roles": [r["closed"].pk]})
    assert "roles" in closed.errors
    empty = make(forms.RolesForm, setting, {})
    assert empty.errors["roles"] == ["業務を1つ以上選んでください。"]
    extra = [f.role(call, closes_at=timezone.now() + timedelta(days=5)) for _ in range(2)]
    roles = list(call.roles())
    four = forms.RolesForm(
        {"roles": [r["online"].pk, r["on_site"].pk, *(e.pk for e in extra)]}, call=call, roles=roles, chosen=[]
    )
    assert "roles" in four.errors

    chosen = (r["online"], r["on_site"])
    ranked = make(forms.RankForm, setting, {f"role_{r['online'].pk}": "2", f"role_{r['on_site'].pk}": "1"}, chosen)
    assert ranked.is_valid(), ranked.errors
    same = make(forms.RankForm, setting, {f"role_{r['online'].pk}": "1", f"role_{r['on_site'].pk}": "1"}, chosen)
    assert not same.is_valid()


def test_self_check_warns_on_hours_and_blocks_only_online_work(setting):
    _, _, r = setting
    few_hours = {"hours_per_week": "2", "online_ok": "yes", "pay_understood": "on"}
    form = make(forms.SelfCheckForm, setting, few_hours, chosen=[r["online"]])
    assert not form.is_valid()
    assert "accept_warnings" in form.errors
    assert "8" in form.warnings()[0]
    accepted = make(forms.SelfCheckForm, setting, {**few_hours, "accept_warnings": "on"}, chosen=[r["online"]])
    assert accepted.is_valid(), accepted.errors
    offline = make(
        forms.SelfCheckForm, setting, {**few_hours, "online_ok": "no", "accept_warnings": "on"}, chosen=[r["online"]]
    )
    assert "online_ok" in offline.errors
    on_site_only = make(
        forms.SelfCheckForm, setting, {**few_hours, "online_ok": "no", "hours_per_week": "9"}, chosen=[r["on_site"]]
    )
    assert on_site_only.is_valid(), on_site_only.errors


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("family_name_kana", "こうべ", "コウベ"),
        ("family_name_kana", "ｺｳﾍﾞ", "コウベ"),
        ("postal_code", "6508570", "650-8570"),
        ("postal_code", "６５０－８５７０", "650-8570"),
        ("phone", "０７８１２３４５６７", "0781234567"),
        ("phone", "０７８ー１２３－４５６７", "078-123-4567"),
    ],
)
def test_about_you_normalises_what_it_should(setting, field, value, expected):
    form = make(forms.AboutYouForm, setting, {**GOOD_ANSWERS["about"], field: value})
    assert form.is_valid(), form.errors
    assert form.cleaned_data[field] == expected


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("family_name_kana", "Kobe", "カタカナ"),
        ("postal_code", "650-857", "7桁"),
        ("phone", "12345", "電話番号"),
        ("email", "not-an-email", "メールアドレス"),
        ("email_confirm", "other@example.jp", "一致しません"),
        ("website", "http://spam.example", "空欄"),
    ],
)
def test_about_you_refuses_with_a_japanese_message(setting, field, value, message):
    with translation.override("ja"):
        form = make(forms.AboutYouForm, setting, {**GOOD_ANSWERS["about"], field: value})
        assert not form.is_valid()
        assert any(message in str(e) for e in form.errors[field]), form.errors[field]


def test_experience_requires_occupation_and_strengths(setting):
    form = make(forms.ExperienceForm, setting, {"occupation": "", "experience": "x", "strengths": ""})
    assert set(form.errors) == {"occupation", "strengths"}
    assert make(forms.ExperienceForm, setting, GOOD_ANSWERS["experience"]).is_valid()


def test_portfolio_accepts_web_links_only(setting):
    bad = make(forms.PortfolioForm, setting, {"link_1": "javascript:alert(1)", "link_2": "ftp://example.jp/x"})
    assert {"link_1", "link_2"} <= set(bad.errors)
    good = make(forms.PortfolioForm, setting, {"link_1": "https://example.jp/a", "link_2": "example.jp/b"})
    assert good.is_valid(), good.errors
    assert good.cleaned_data["link_2"] == "https://example.jp/b"


def test_side_work_rules(setting):
    base = GOOD_ANSWERS["sidework"]
    assert make(forms.SideWorkForm, setting, base).is_valid()
    no_declaration = make(forms.SideWorkForm, setting, {**base, "no_antisocial_ties": ""})
    assert "no_antisocial_ties" in no_declaration.errors
    servant = make(forms.SideWorkForm, setting, {**base, "public_servant": "yes"})
    assert "public_servant_permission" in servant.errors
    invoice = make(forms.SideWorkForm, setting, {**base, "invoice_number": "ｔ１２３４５６７８９０１２３"})
    assert invoice.is_valid(), invoice.errors
    assert invoice.cleaned_data["invoice_number"] == "T1234567890123"
    assert "invoice_number" in make(forms.SideWorkForm, setting, {**base, "invoice_number": "T123"}).errors


def test_consent_is_required(setting):
    assert "consent" in make(forms.ConsentForm, setting, {}).errors
    assert make(forms.ConsentForm, setting, {"consent": "on"}).is_valid()


def test_oversized_upload_gets_a_field_message_not_a_413(client, setting):
    call, _, r = setting
    walk(client, call, [r["online"].pk], until="portfolio")
    big = SimpleUploadedFile("cv.pdf", b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024 + 1), content_type="application/pdf")
    response = post_step(client, call, "portfolio", {}, files={"file_1": big}, follow=True)
    assert response.status_code == 200
    assert "10 MB" in str(response.context["form"].errors["file_1"])


def test_honeypot_stops_a_bot_without_an_application(client, setting):
    call, _, r = setting
    response = walk(client, call, [r["online"].pk], answers={"about": {**GOOD_ANSWERS["about"], "website": "http://x"}})
    assert not Application.objects.exists()
    assert response.status_code == 302  # the bot is sent back to the failing step
    assert response["Location"].endswith("/about/?check")  # with its errors shown


def test_final_submit_is_rate_limited_per_address(client, setting, settings):
    from cms.web import limits

    call, _, r = setting
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "rl"}}
    limits.RATES["submit"], kept = limits.Rate(visitor="1/h", address="1/h"), limits.RATES["submit"]
    try:
        walk(client, call, [r["online"].pk], until="review")
        other = client.__class__()
        walk(
            other,
            call,
            [r["on_site"].pk],
            until="review",
            answers={"about": {**GOOD_ANSWERS["about"], "email": "b@example.jp", "email_confirm": "b@example.jp"}},
        )
        assert post_step(client, call, "review", {}).status_code == 302
        blocked = post_step(other, call, "review", {})
    finally:
        limits.RATES["submit"] = kept
    assert blocked.status_code == 429
    assert "分待って" in blocked.content.decode()
    assert Application.objects.count() == 1
