"""URLs: admin and machine endpoints unprefixed; public pages under a language prefix (/en/ for English)."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path, re_path
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents.views import serve as wagtaildocs_serve

from cms.page_cache import public_cache
from cms.site_config import with_site_config

from . import staff_auth, views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    # Wagtail's login and password reset, bounded per address and account (portal/staff_auth.py).
    path("admin/login/", staff_auth.login),
    path("admin/password_reset/", staff_auth.password_reset),
    path("admin/", include(wagtailadmin_urls)),
    # Wagtail's document URLs with bounded ids: its own pattern (\d+) sent 5,000 digits to the database.
    path("documents/<id:document_id>/<path:document_filename>", wagtaildocs_serve.serve, name="wagtaildocs_serve"),
    path(
        "documents/authenticate_with_password/<id:restriction_id>/",
        wagtaildocs_serve.authenticate_with_password,
        name="wagtaildocs_authenticate_with_password",
    ),
    path("sitemap.xml", public_cache(sitemap), name="sitemap"),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    # Public media only; private applicant files are never served by URL.
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += i18n_patterns(
    path("", include("recruitment.urls")),
    path("", include("applications.urls")),
    path("", include("applications.interviews.urls")),
    path("", include("applications.statistics.urls")),
    # Wagtail's own URLs, its page view reading the site's configuration once per change (cms/site_config.py).
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(wagtail_urls.serve_pattern, with_site_config(wagtail_views.serve), name="wagtail_serve"),
    prefix_default_language=False,
)
