"""Public addresses of a call's published results (stable: open-data users link to them), and the optional survey."""

from django.urls import path

from applications.statistics import survey_views, views
from cms.site_config import with_site_config

urlpatterns = [
    path("calls/<slug:city>/<slug:call>/results/", views.results_page, name="call_results"),
    path("calls/<slug:city>/<slug:call>/results.json", views.results_json_view, name="call_results_json"),
    path("calls/<slug:city>/<slug:call>/results.csv", views.results_csv_view, name="call_results_csv"),
    # The optional survey, after the receipt (this browser's session) or from the manage link.
    path("apply/survey/", with_site_config(survey_views.survey_after_receipt), name="survey"),
    path(
        "apply/manage/<str:token>/survey/",
        with_site_config(survey_views.survey_from_manage_link),
        name="survey_manage",
    ),
]
