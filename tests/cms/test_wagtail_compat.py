"""The private Wagtail (and treebeard) attributes of ``cms.wagtail_compat`` still do what Kōbo relies on.

Each test names the attribute it guards. A failure here after upgrading Wagtail means
``cms/wagtail_compat.py`` must follow the new internals (read the upgraded source) before the
page cache or the one-query routing are trusted again: without these, pages would still render,
only with a query per request for the site and per link for the root paths, or a wrong site.
"""

from __future__ import annotations

import inspect

import pytest
import wagtail
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from treebeard.mp_tree import MP_Node
from wagtail.contrib.settings.models import AbstractSetting, BaseSiteSetting
from wagtail.models import Page, Site

from cms import wagtail_compat
from cms.models import SiteSettings

pytestmark = pytest.mark.django_db

#: The Wagtail release these internals were last read in; a new major release is a reason to read them again.
CHECKED_WITH = (8, 0)


def _request(host: str = "localhost"):
    return RequestFactory().get("/", HTTP_HOST=host)


def test_the_wagtail_release_is_the_one_whose_internals_were_read():
    assert wagtail.VERSION[:2] == CHECKED_WITH, (
        f"Wagtail {wagtail.__version__}: read cms/wagtail_compat.py against its source, then update CHECKED_WITH"
    )


def test_site_find_for_request_memo_is_the_request_attribute_wagtail_site(site_content):
    source = inspect.getsource(Site.find_for_request)
    assert "_wagtail_site" in source, "Site.find_for_request no longer memoises on request._wagtail_site"
    assert callable(getattr(Site, "_find_for_request", None)), "Site._find_for_request is gone"

    request = _request()
    site = wagtail_compat.find_site(request)
    assert site is not None
    assert site == Site.objects.get(is_default_site=True)
    assert wagtail_compat.site_key(request) == ("localhost", "80")

    other = _request()
    wagtail_compat.remember_site(other, site)
    with CaptureQueriesContext(connection) as queries:
        assert Site.find_for_request(other) is site
    assert len(queries) == 0, "Site.find_for_request ignored the site remembered on the request"


def test_page_urls_read_the_root_paths_remembered_on_the_request(site_content):
    source = inspect.getsource(Page._get_site_root_paths)
    assert "_wagtail_cached_site_root_paths" in source, "Page URLs no longer look for _wagtail_cached_site_root_paths"

    request = _request()
    wagtail_compat.remember_site(request, wagtail_compat.find_site(request))
    wagtail_compat.remember_site_root_paths(request, Site.get_site_root_paths())
    page = Site.objects.get(is_default_site=True).root_page.specific
    with CaptureQueriesContext(connection) as queries:
        assert page.get_url(request) == "/"
    assert len(queries) == 0, "Page.get_url read the site root paths again"


def test_a_remembered_parent_is_what_get_parent_answers(site_content):
    assert "_cached_parent_obj" in inspect.getsource(MP_Node.get_parent), "treebeard no longer caches the parent"
    child = Page.objects.get(depth=3, slug="accessibility")
    parent = child.get_parent()
    fresh = Page.objects.get(pk=child.pk)
    wagtail_compat.remember_parent(fresh, parent)
    with CaptureQueriesContext(connection) as queries:
        assert fresh.get_parent() is parent
    assert len(queries) == 0


def test_a_bound_site_setting_builds_page_links_for_its_request(site_content):
    assert "_request" in inspect.getsource(BaseSiteSetting.for_request), "for_request no longer binds _request"
    assert "_request" in inspect.getsource(AbstractSetting.get_page_url), "settings' page URLs ignore _request"
    request = _request()
    site = wagtail_compat.find_site(request)
    setting = SiteSettings.for_site(site)
    wagtail_compat.bind_setting(setting, request)
    assert setting._request is request
    assert setting.get_page_url("pk", request=None) == ""  # not a page: still answers through the bound request
