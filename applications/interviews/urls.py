"""The applicant's interview pages, under their manage link (language-prefixed like the manage page)."""

from django.urls import path

from applications.interviews.views import booking
from cms.site_config import with_site_config

app_name = "interviews"
urlpatterns = [
    path("apply/manage/<str:token>/interviews/", with_site_config(booking.booking), name="booking"),
    path("apply/manage/<str:token>/interviews/<uuid:uid>.ics", booking.booking_ics, name="booking_ics"),
]
