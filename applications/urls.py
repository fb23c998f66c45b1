from django.urls import path

from . import views

app_name = "applications"
urlpatterns = [
    path("apply/<int:call_id>/", views.apply_start, name="apply"),
    path("apply/<int:call_id>/save/", views.save_draft, name="save_draft"),
    path("apply/<int:call_id>/<str:step>/", views.apply_wizard, name="apply_step"),
    path("apply/postcode/", views.postcode_lookup, name="postcode"),
    path("apply/resume/<str:token>/", views.resume_draft, name="resume"),
    path("apply/receipt/<str:reference>/", views.receipt, name="receipt"),
    path("apply/manage/<str:token>/", views.manage, name="manage"),
]
