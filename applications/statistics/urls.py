"""Public addresses of a call's published results (stable: open-data users link to them)."""

from django.urls import path

from applications.statistics import views

urlpatterns = [
    path("calls/<slug:city>/<slug:call>/results/", views.results_page, name="call_results"),
    path("calls/<slug:city>/<slug:call>/results.json", views.results_json_view, name="call_results_json"),
    path("calls/<slug:city>/<slug:call>/results.csv", views.results_csv_view, name="call_results_csv"),
]
