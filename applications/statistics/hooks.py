"""The statistics page's admin address, registered with Wagtail (imported by ``applications.wagtail_hooks``)."""

from django.urls import path
from wagtail import hooks


@hooks.register("register_admin_urls")
def register_statistics_urls():
    from applications.statistics import views

    return [
        path("screening/call/<id:call_id>/statistics/", views.call_statistics_view, name="call_statistics"),
        path(
            "screening/call/<id:call_id>/statistics/press.csv", views.press_csv_view, name="call_statistics_press_csv"
        ),
    ]
