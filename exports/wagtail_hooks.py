"""Admin wiring for exports: their URLs under the screening area (exports depends on applications, not back)."""

from django.urls import include, path
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_export_urls():
    from exports.views import urlpatterns_for_admin

    return [path("screening/exports/", include(urlpatterns_for_admin))]
