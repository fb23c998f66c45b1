from django.urls import path

from applications.intake.views import apply, drafts, manage, receipt
from applications.interviews.views.decline import decline_offer
from applications.messaging import views as messaging
from cms.site_config import with_site_config

app_name = "applications"
# Pages in the site's layout read the site and its settings once per change (cms/site_config.py).
urlpatterns = [
    path("apply/<id:call_id>/", with_site_config(apply.apply_start), name="apply"),
    path("apply/<id:call_id>/save/", with_site_config(drafts.save_draft), name="save_draft"),
    path("apply/<id:call_id>/<str:step>/", with_site_config(apply.apply_wizard), name="apply_step"),
    path("apply/postcode/", apply.postcode_lookup, name="postcode"),
    path("apply/resume/<str:token>/", with_site_config(drafts.resume_draft), name="resume"),
    path("apply/receipt/<str:reference>/", with_site_config(receipt.receipt), name="receipt"),
    path("apply/manage/", with_site_config(manage.manage_request), name="manage_request"),
    path("apply/manage/<str:token>/", with_site_config(manage.manage), name="manage"),
    path(
        "apply/manage/<str:token>/messages/<id:candidacy_id>/",
        with_site_config(messaging.applicant_thread_view),
        name="manage_messages",
    ),
    path("apply/manage/<str:token>/decline/", with_site_config(decline_offer), name="decline_offer"),
]
