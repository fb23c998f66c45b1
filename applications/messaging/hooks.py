"""The thread on the staff's candidacy page and its admin addresses (imported by ``applications.wagtail_hooks``)."""

from __future__ import annotations

from django.urls import path
from wagtail import hooks

from applications.hooks import SCREENING_ACTIONS, ScreeningAction


@hooks.register("register_admin_urls")
def register_messaging_urls():
    from applications.messaging import views

    return [
        path("screening/candidacy/<id:candidacy_id>/message/", views.staff_send_view, name="messaging_send"),
        path("screening/message/<id:message_id>/file/", views.answer_file_view, name="messaging_answer_file"),
    ]


@hooks.register(SCREENING_ACTIONS)
def register_candidacy_thread():
    return [ScreeningAction(place="candidacy", template_name="applications/messaging/staff_action.html")]
