"""What search engines and feed readers see: JobPosting JSON-LD, OpenGraph, hreflang, the Atom feed, the sitemap."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from recruitment.templatetags.structured_data_tags import json_ld_script
from tests.conftest import shared_world, site_content_now
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.DOTALL)
XSS_TITLE = "</script><script>alert(1)</script>"


class HeadParser(HTMLParser):
    """Collects ``<meta property>`` contents and ``<link rel>`` hrefs of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, list[str]] = {}
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and "property" in a:
            self.meta.setdefault(a["property"], []).append(a.get("content", ""))
        elif tag == "link" and a.get("rel") in ("canonical", "alternate"):
            self.links.append(a)


def head(html: str) -> HeadParser:
    parser = HeadParser()
    parser.feed(html)
    return parser


def path(url: str) -> str:
    """The path of an absolute URL: pages' URLs use the Site's host (localhost), the client's is testserver."""
    parts = urlsplit(url)
    assert parts.scheme in ("http", "https")
    assert parts.netloc
    return parts.path


def job_posting(client, url: str) -> tuple[dict, str]:
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    scripts = JSON_LD.findall(html)
    assert len(scripts) == 1
    return json.loads(scripts[0]), html


PAY_CASES = [
    ({}, None),
    ({"pay_min": 50000, "pay_basis": "month"}, {"@type": "QuantitativeValue", "value": 50000, "unitText": "MONTH"}),
    (
        {"pay_min": 50000, "pay_max": 50000, "pay_basis": "month"},
        {"@type": "QuantitativeValue", "value": 50000, "unitText": "MONTH"},
    ),
    # No unitText Google accepts for these: the amount stays in the page text only.
    ({"pay_min": 6000, "pay_basis": "piece"}, None),
    ({"pay_min": 30000, "pay_max": 80000, "pay_basis": "project"}, None),
]


def pay_key(pay: dict) -> str:
    return json.dumps(pay, sort_keys=True)


@shared_world
def structured_data_world():
    """The site content and every call and role the tests of this file read, built once (writes undone).

    Most roles share one call (``call``: 広報の副業人材), so the world saves few pages.
    """
    site_content_now()
    kobe = f.organisation(name="神戸市", name_en="City of Kobe", url="https://www.city.kobe.lg.jp/")
    kobe_call = f.call(organisation=kobe)
    call = f.call(title="広報の副業人材", summary="神戸市の広報を手伝う人を募集します。")
    hidden = f.call(live=False)
    return {
        "posting": f.role(
            kobe_call,
            title="Instagram記事の制作",
            summary="神戸の魅力を伝える記事です。",
            duties="<p>記事を<b>月6本</b>書きます。</p>",
            headcount=3,
            closes_at=datetime(2031, 3, 31, 14, 59, tzinfo=UTC),  # 23:59 in Japan
            pay_min=100000,
            pay_max=200000,
            pay_basis="month",
            work_style="online",
        ),
        "on_site": f.role(kobe_call, work_style="partly_on_site"),
        "no_website": f.role(f.call(organisation=f.organisation(url=""))),
        "pay": {pay_key(pay): f.role(call, **pay) for pay, _salary in PAY_CASES},
        "xss": f.role(call, title=XSS_TITLE, summary="<b>A & B</b>"),
        "call": call,
        "og": f.role(call, title="写真撮影", summary="<p>行事の写真を撮ります。</p>" + "あ" * 300),
        "english": f.role(
            call, title="写真撮影", title_en="Event photography", summary="", duties="<p>撮影します。</p>"
        ),
        "new": f.role(call, title="新しい業務"),
        "closed": f.role(call, title="締切を過ぎた業務", closes_at=timezone.now() - timedelta(days=1)),
        "unpublished": f.role(hidden, title="非公開の募集の業務"),
    }


@pytest.fixture
def world(structured_data_world):
    return structured_data_world


# --- JobPosting JSON-LD ---------------------------------------------------------------------------------------


def test_job_posting_has_the_required_fields(client, world):
    role = world["posting"]
    data, _html = job_posting(client, role.url)

    assert data["@context"] == "https://schema.org/"
    assert data["@type"] == "JobPosting"
    assert data["title"] == "Instagram記事の制作"
    assert "<b>月6本</b>" in data["description"]
    assert "神戸の魅力を伝える記事です。" in data["description"]
    assert data["identifier"] == {"@type": "PropertyValue", "name": "神戸市", "value": str(role.pk)}
    assert data["datePosted"] == timezone.localdate(role.first_published_at).isoformat()
    assert data["validThrough"] == "2031-03-31T23:59:00+09:00"
    assert datetime.fromisoformat(data["validThrough"]) == role.closes_at
    assert data["employmentType"] == "CONTRACTOR"
    assert data["hiringOrganization"] == {
        "@type": "Organization",
        "name": "神戸市",
        "sameAs": "https://www.city.kobe.lg.jp/",
    }
    assert data["jobLocationType"] == "TELECOMMUTE"
    assert "jobLocation" not in data
    assert data["applicantLocationRequirements"] == {"@type": "Country", "name": "JP"}
    assert data["baseSalary"] == {
        "@type": "MonetaryAmount",
        "currency": "JPY",
        "value": {"@type": "QuantitativeValue", "minValue": 100000, "maxValue": 200000, "unitText": "MONTH"},
    }
    assert data["directApply"] is False
    assert data["totalJobOpenings"] == 3
    assert path(data["url"]) == role.url


def test_partly_on_site_role_has_a_location_not_telecommute(client, world):
    role = world["on_site"]
    data, _html = job_posting(client, role.url)
    assert "jobLocationType" not in data
    assert data["jobLocation"] == {
        "@type": "Place",
        "address": {"@type": "PostalAddress", "addressLocality": "神戸市", "addressCountry": "JP"},
    }


def test_organisation_without_website_has_no_same_as(client, world):
    role = world["no_website"]
    data, _html = job_posting(client, role.url)
    assert "sameAs" not in data["hiringOrganization"]


@pytest.mark.parametrize(("pay", "salary"), PAY_CASES)
def test_base_salary_only_for_monthly_pay_with_an_amount(client, world, pay, salary):
    role = world["pay"][pay_key(pay)]
    data, _html = job_posting(client, role.url)
    if salary is None:
        assert "baseSalary" not in data
    else:
        assert data["baseSalary"] == {"@type": "MonetaryAmount", "currency": "JPY", "value": salary}


def test_title_cannot_break_out_of_the_script(client, world):
    role = world["xss"]
    data, html = job_posting(client, role.url)
    assert "</script><script>alert" not in html
    assert "<script>alert" not in html
    assert data["title"] == XSS_TITLE
    assert head(html).meta["og:title"] == [XSS_TITLE]  # escaped in the attribute, intact once parsed


def test_no_job_posting_for_a_role_under_an_unpublished_call(client, world):
    role = world["unpublished"]
    assert JSON_LD.findall(client.get(role.url).content.decode()) == []


def test_call_page_has_no_job_posting(client, world):
    call = world["call"]  # with roles
    assert JSON_LD.findall(client.get(call.url).content.decode()) == []


# --- OpenGraph, canonical and hreflang ------------------------------------------------------------------------


def test_role_page_opengraph_and_alternates(client, world):
    role = world["og"]
    tags = head(client.get(role.url).content.decode())

    assert tags.meta["og:type"] == ["website"]
    assert tags.meta["og:title"] == ["写真撮影"]
    [description] = tags.meta["og:description"]
    assert description.startswith("行事の写真を撮ります。あ")
    assert "<p>" not in description
    assert len(description) <= 200
    assert path(tags.meta["og:url"][0]) == role.url
    assert tags.meta["og:site_name"] == ["Kōbo 公募"]
    assert tags.meta["og:locale"] == ["ja_JP"]
    assert tags.meta["og:locale:alternate"] == ["en_US"]

    [canonical] = [link["href"] for link in tags.links if link["rel"] == "canonical"]
    assert path(canonical) == role.url
    hreflang = {link["hreflang"]: path(link["href"]) for link in tags.links if link["rel"] == "alternate"}
    assert hreflang == {"ja": role.url, "en": f"/en{role.url}", "x-default": role.url}


def test_role_page_in_english(client, world):
    role = world["english"]
    url = role.url  # before the request: the client leaves its language active in this thread
    html = client.get(f"/en{url}").content.decode()
    tags = head(html)
    assert tags.meta["og:title"] == ["Event photography"]
    assert tags.meta["og:description"] == ["撮影します。"]  # no summary: the duties, as plain text
    assert tags.meta["og:locale"] == ["en_US"]
    assert tags.meta["og:locale:alternate"] == ["ja_JP"]
    assert tags.meta["og:site_name"] == ["Kōbo"]
    assert path(tags.meta["og:url"][0]) == f"/en{url}"
    data = json.loads(JSON_LD.findall(html)[0])
    assert data["title"] == "Event photography"
    assert path(data["url"]) == f"/en{url}"


def test_call_page_opengraph_and_alternates(client, world):
    call = world["call"]
    tags = head(client.get(call.url).content.decode())
    assert tags.meta["og:title"] == ["広報の副業人材"]
    assert tags.meta["og:description"] == ["神戸市の広報を手伝う人を募集します。"]
    assert path(tags.meta["og:url"][0]) == call.url
    hreflang = {link["hreflang"]: path(link["href"]) for link in tags.links if link["rel"] == "alternate"}
    assert hreflang == {"ja": call.url, "en": f"/en{call.url}", "x-default": call.url}


# --- Atom feed and sitemap ------------------------------------------------------------------------------------


def feed_entries(client, url: str = "/roles/feed.atom") -> dict[str, str]:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)  # noqa: S314 - our own feed
    assert root.tag == f"{ATOM}feed"
    return {
        entry.findtext(f"{ATOM}title"): entry.find(f"{ATOM}link").get("href") for entry in root.iter(f"{ATOM}entry")
    }


def test_feed_lists_new_open_roles_only(client, world):
    new, hidden, closed = world["new"], world["unpublished"], world["closed"]

    entries = feed_entries(client)
    assert path(entries["新しい業務"]) == new.url
    assert hidden.title not in entries
    assert closed.title not in entries


def test_english_feed_uses_english_titles_and_links(client, world):
    url = world["english"].url
    response = client.get("/en/roles/feed.atom")
    assert ET.fromstring(response.content).get("{http://www.w3.org/XML/1998/namespace}lang") == "en"  # noqa: S314
    entries = feed_entries(client, "/en/roles/feed.atom")
    assert path(entries["Event photography"]) == f"/en{url}"


def test_sitemap_lists_calls_and_roles(client, world):
    call, role = world["call"], world["new"]
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)  # noqa: S314 - our own sitemap
    paths = {path(loc.text) for loc in root.iter(f"{SITEMAP}loc")}
    assert {call.url, role.url} <= paths


# Last: it does not ask for the world, and a test of this file that does not would close it for those after.
def test_json_ld_script_escapes_html_and_keeps_japanese():
    html = json_ld_script({"name": "神戸市 <&> \u2028</script>"})
    assert html.startswith('<script type="application/ld+json">')
    body = html.removeprefix('<script type="application/ld+json">').removesuffix("</script>")
    assert "<" not in body
    assert ">" not in body
    assert "&" not in body
    assert "神戸市" in body
    assert json.loads(body) == {"name": "神戸市 <&> \u2028</script>"}
