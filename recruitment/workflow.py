"""One approval publishes a call with its roles: the call's workflow, once approved, publishes the roles
waiting to go out with it.

A city's workflow (``recruitment.cities``) covers its calls and their roles page by page, so a
call with ten roles took eleven submissions and eleven approvals. When the workflow of a **call**
is approved, :func:`call_roles_publish` publishes, as the approver, the roles of that call that
wait for it: those in moderation (their own workflow is approved as well, so they leave the
approvers' queue) and those never published yet (new roles, drafts). A role already published
with unsaved or unsubmitted edits keeps them as a draft: it goes through its own approval.
Each role stays a page of its own, edited, submitted and published one by one as before.

It is connected to Wagtail's ``workflow_approved`` signal (``recruitment.apps``), the point Wagtail
offers after a workflow's last task is approved and the call's revision published; the approver
sees which roles will go out in the call's preview (draft roles are listed there, marked).
"""

from __future__ import annotations

import logging
from typing import Any

from django.db import transaction
from wagtail.models import WorkflowState

from .models import CallPage, RolePage

logger = logging.getLogger(__name__)


def _workflow_states(pages: list[RolePage]) -> dict[str, WorkflowState]:
    states = WorkflowState.objects.active().filter(
        base_content_type__app_label="wagtailcore",
        base_content_type__model="page",
        object_id__in=[str(page.pk) for page in pages],
    )
    return {state.object_id: state for state in states}


def roles_waiting_for_call(call: CallPage) -> list[RolePage]:
    """The roles of ``call`` that its approval publishes: in moderation, or never published.

    A role sent back to its editor (its workflow needs changes) is not among them.
    """
    roles = list(RolePage.objects.child_of(call).filter(has_unpublished_changes=True).order_by("path"))
    states = _workflow_states(roles)
    waiting = []
    for role in roles:
        state = states.get(str(role.pk))
        if state is not None:
            if state.status == WorkflowState.STATUS_IN_PROGRESS:
                waiting.append(role)
        elif role.first_published_at is None:
            waiting.append(role)
    return waiting


@transaction.atomic
def call_roles_publish(*, call: CallPage, by: Any) -> list[RolePage]:
    """Publish the roles waiting for ``call`` (:func:`roles_waiting_for_call`), as ``by``; return them.

    A role in moderation is approved through its own workflow (every remaining task, as ``by``),
    which publishes it; a draft role is published from its latest revision. A role ``by`` may not
    publish is left as it is. Each publication is logged by Wagtail as ``by``'s.
    """
    published = []
    for role in roles_waiting_for_call(call):
        if by is not None and not role.permissions_for_user(by).can_publish():
            logger.warning("call %s approved: %s may not publish role %s; left as a draft", call.pk, by, role.pk)
            continue
        state = role.current_workflow_state
        if state is not None:
            while state.status == WorkflowState.STATUS_IN_PROGRESS and state.current_task_state is not None:
                state.current_task_state.specific.approve(user=by, comment="募集と一緒に承認 Approved with its call")
                state.refresh_from_db()
        else:
            revision = role.get_latest_revision()
            if revision is None:
                continue
            revision.publish(user=by)
        published.append(role)
    return published


def publish_roles_with_approved_call(sender: Any, instance: WorkflowState, user: Any = None, **kwargs: Any) -> None:
    """``workflow_approved`` receiver: an approved call's workflow publishes the roles waiting for it."""
    content = instance.content_object
    if isinstance(content, CallPage) or getattr(content, "specific_class", None) is CallPage:
        call = content.specific if not isinstance(content, CallPage) else content
        call_roles_publish(call=call, by=user)
