"""Calls and roles in English: the city's English texts, or a clear fallback it chooses; never an empty section."""

from __future__ import annotations

import re

import pytest
from django.utils import translation

from recruitment.demo import ensure_kobe_demo
from recruitment.models import CallPage, RolePage
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

NOTICE = "English not available: the Japanese text governs"


def english(client, page) -> str:
    with translation.override("en"):
        url = page.url
    assert url.startswith("/en/")
    return client.get(url).content.decode()


def japanese(client, page) -> str:
    with translation.override("ja"):
        return client.get(page.url).content.decode()


def test_a_role_shows_the_english_the_city_wrote_and_marks_what_it_did_not(client, site_content):
    call = f.call(contract_form="業務委託", contract_form_en="Service contract")
    role = f.role(
        call,
        duties="<p>記事を書きます。</p>",
        duties_en="<p>Write articles.</p>",
        requirements="<p>執筆の経験。</p>",
        deliverables="",
        pay_text="1記事6,000円",
        pay_text_en="¥6,000 per article",
        term="約5か月",
    )
    page = english(client, role)
    assert "<p>Write articles.</p>" in page
    assert "記事を書きます" not in page
    assert "¥6,000 per article" in page
    assert "Service contract" in page
    # Requirements and term have no English: the Japanese is shown, marked, with the notice.
    assert re.search(
        r"Skills and experience</h2><p class=\"meta untranslated\">" + NOTICE + r"\.</p>\s*<div lang=\"ja\">", page
    )
    term = r'<span lang="ja">約5か月</span>\s*<span class="meta untranslated">\(' + NOTICE + r"\)</span>"
    assert re.search(term, page)
    # Deliverables are empty in both languages: no section at all.
    assert "Deliverables" not in page
    # Only the two untranslated texts carry the notice.
    assert page.count(NOTICE) == 2
    # The Japanese page shows Japanese and never the notice.
    page = japanese(client, role)
    assert "記事を書きます" in page
    assert NOTICE not in page
    assert "英語版" not in page


def test_the_city_may_show_untranslated_texts_without_the_notice(client, site_content):
    call = f.call(english_fallback="plain", pay_summary="月1万円", eligibility="<p>どなたでも。</p>")
    role = f.role(call, duties="<p>記事を書きます。</p>")
    assert NOTICE not in english(client, role)
    page = english(client, call)
    assert NOTICE not in page
    assert '<div lang="ja"><p>どなたでも。</p></div>' in page
    assert '<span lang="ja">月1万円</span>' in page


def test_a_call_shows_its_english_body_faq_and_conditions(client, site_content):
    call = f.call(
        body=[("faq", {"question": "応募できますか。", "answer": "<p>できます。</p>"})],
        body_en=[("faq", {"question": "Can I apply?", "answer": "<p>Yes.</p>"})],
        eligibility="<p>どなたでも。</p>",
        eligibility_en="<p>Anyone.</p>",
        selection_process="<p>書類選考</p>",
        pay_summary="月1万円",
        pay_summary_en="¥10,000 a month",
        term_summary="約5か月",
        term_summary_en="About 5 months",
        department="広報課",
        department_en="Public Relations Division",
        contact="広報課 078-000-0000",
        contact_en="Public Relations Division, 078-000-0000",
        contract_form_en="Service contract",
    )
    page = english(client, call)
    for text in ("Can I apply?", "<p>Anyone.</p>", "¥10,000 a month", "About 5 months", "Public Relations Division"):
        assert text in page
    for text in ("応募できますか", "どなたでも", "月1万円", "約5か月", "広報課"):
        assert text not in page
    assert page.count(NOTICE) == 1  # the selection process only
    assert re.search(r"Selection</h2><p class=\"meta untranslated\">" + NOTICE, page)


def test_the_kobe_demo_reads_in_english(client, site_content):
    kobe = ensure_kobe_demo()
    page = english(client, kobe)
    assert "Can I apply if I do not live in Kobe?" in page
    assert "Service contract" in page
    assert NOTICE not in page
    assert CallPage.objects.get(pk=kobe.pk).personal_data_notice_en
    for role in RolePage.objects.child_of(kobe).live():
        role_page = english(client, role)
        assert NOTICE not in role_page, role.title
        assert role.title_en in role_page.replace("&#x27;", "'")
        assert all(
            getattr(role, f"{name}_en") for name in ("duties", "deliverables", "requirements", "pay_text", "term")
        )
    # Miki's smaller call is left in Japanese: it shows the fallback notice instead of empty sections.
    miki = CallPage.objects.exclude(pk=kobe.pk).get(slug__contains="miki")
    assert NOTICE in english(client, miki)
