"""Admin for recruitment: one "Recruitment" menu, deadline history, safe deletion of roles, copying a call.

Organisations are managed under 体制 Teams (``applications.teams``).
"""

from __future__ import annotations

from django.contrib import messages
from django.db.models.deletion import Collector, ProtectedError
from django.shortcuts import redirect
from wagtail import hooks
from wagtail.log_actions import log
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from .history import deadline_change
from .models import CallPage, RolePage, TaskCategory


class TaskCategoryViewSet(SnippetViewSet):
    model = TaskCategory
    icon = "tag"
    menu_label = "業務カテゴリ Task categories"
    list_display = ["name", "name_en", "slug", "sort_order"]
    search_fields = ["name", "name_en"]
    ordering = ["sort_order", "name"]
    #: Editors and approvers may only view categories (they are shared by every city).
    inspect_view_enabled = True


class RecruitmentViewSetGroup(SnippetViewSetGroup):
    items = (TaskCategoryViewSet,)
    menu_icon = "folder-open-inverse"
    menu_label = "募集 Recruitment"
    menu_name = "recruitment"


register_snippet(RecruitmentViewSetGroup)


@hooks.register("register_log_actions")
def register_deadline_log_action(actions):
    actions.register_action("recruitment.deadline_change", "締切の変更 Deadline changed", "締切の変更 Deadline changed")
    actions.register_action(
        "recruitment.copied_from", "別の募集からコピー Copied from a call", "別の募集からコピー Copied from a call"
    )


@hooks.register("after_edit_page")
def log_deadline_change(request, page):
    """Write "deadline changed from X to Y" into the role's history when an edit moved it."""
    if not isinstance(page.specific, RolePage):
        return
    change = deadline_change(page.specific)
    if change:
        log(instance=page.specific, action="recruitment.deadline_change", user=request.user, data=change)


@hooks.register("before_delete_page")
def refuse_deleting_roles_with_applications(request, page):
    """A role that applications point to (protected relations) cannot be deleted; say why."""
    if request.method != "POST" or not isinstance(page.specific, RolePage):
        return None
    collector = Collector(using="default")
    try:
        collector.collect([page.specific])
    except ProtectedError as exc:
        messages.error(
            request,
            f"「{page.title}」には応募({len(exc.protected_objects)}件)があるため削除できません。"
            "受付を終えるには締切を変更するか非公開にしてください。"
            f" This role has {len(exc.protected_objects)} application(s) and cannot be deleted;"
            " change its deadline or unpublish it instead.",
        )
        return redirect("wagtailadmin_pages:edit", page.pk)
    return None


@hooks.register("before_copy_page")
def copy_calls_to_a_city(request, page):
    """Copying a call asks for the city and one offset for every date (``recruitment.copying``)."""
    if page.specific_class is not CallPage:
        return None
    from .copying import call_copy_view

    return call_copy_view(request, page.specific)


@hooks.register("after_move_page")
def keep_call_organisation_with_its_city(request, page):
    """A call moved into another city's folder (by a site administrator) becomes that city's call."""
    if page.specific_class is not CallPage:
        return
    city = page.get_parent().specific
    if getattr(city, "organisation_id", None) and page.specific.organisation_id != city.organisation_id:
        CallPage.objects.filter(pk=page.pk).update(organisation_id=city.organisation_id)


@hooks.register("before_edit_page")
def warn_of_what_a_copy_still_says(request, page):
    """Opening a copied call in the editor shows what it still says of its source (``copying.copied_call_warnings``)."""
    if request.method != "GET" or page.specific_class is not CallPage:
        return None
    from .copying import copied_call_warnings

    for warning in copied_call_warnings(page.specific):
        messages.warning(request, warning)
    return None


@hooks.register("before_publish_page")
def warn_before_publishing_a_copy(request, page):
    """Publishing a copied call that still carries its source's dates or contacts says so (it does not refuse)."""
    if page.specific_class is not CallPage:
        return None
    from .copying import copied_call_warnings

    for warning in copied_call_warnings(page.specific):
        messages.warning(request, f"公開しました。ただし: {warning}")
    return None
