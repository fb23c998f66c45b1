"""The application wizard's steps (one list, one place) and its storage in the ``Draft`` table.

The draft lives in the database, found by the hash of a secret token kept in the
session (and sent by email when the applicant saves for later), so it survives a
closed browser and any number of web processes.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.core.files.storage import storages
from django.utils import timezone
from formtools.wizard.storage.base import BaseStorage

from recruitment.models import CallPage

from . import forms
from .models import Draft

DRAFT_LIFETIME = timedelta(days=30)


@dataclass(frozen=True)
class Step:
    name: str
    form: type[forms.StepForm]
    template: str


#: The order of the wizard. Each step has its own URL: /apply/<call>/<name>/.
STEPS: list[Step] = [
    Step("roles", forms.RolesForm, "applications/steps/roles.html"),
    Step("check", forms.SelfCheckForm, "applications/steps/check.html"),
    Step("about", forms.AboutYouForm, "applications/steps/fields.html"),
    Step("experience", forms.ExperienceForm, "applications/steps/fields.html"),
    Step("portfolio", forms.PortfolioForm, "applications/steps/portfolio.html"),
    Step("sidework", forms.SideWorkForm, "applications/steps/fields.html"),
    Step("consent", forms.ConsentForm, "applications/steps/consent.html"),
    Step("review", forms.ReviewStepForm, "applications/steps/review.html"),
]
STEP_BY_NAME = {step.name: step for step in STEPS}


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    return secrets.token_urlsafe(32)


def session_key(call_id: int) -> str:
    return f"kobo_draft_{call_id}"


class DraftFiles:
    """The wizard's file storage: private storage under generated names, never the uploaded name."""

    def __init__(self) -> None:
        self.storage = storages["private"]

    def save(self, name: str, content: Any) -> str:
        return self.storage.save(f"drafts/{uuid.uuid4().hex}", content)

    def open(self, name: str, mode: str = "rb") -> Any:
        return self.storage.open(name, mode)

    def delete(self, name: str) -> None:
        self.storage.delete(name)

    def exists(self, name: str) -> bool:
        return self.storage.exists(name)


class DraftStorage(BaseStorage):
    """formtools storage over the ``Draft`` model. The row is created on the first saved step."""

    def __init__(self, prefix: str, request: Any, file_storage: Any, *, call: CallPage) -> None:
        super().__init__(prefix, request, file_storage)
        self.call = call
        token = request.session.get(session_key(call.pk))
        self.draft = (
            Draft.objects.filter(token_hash=hash_token(token), call=call, expires_at__gt=timezone.now()).first()
            if token
            else None
        )
        if self.draft is not None and self.draft.data:
            self.data = self.draft.data
        else:
            self.init_data()
        self._dirty = False

    # formtools reads and writes ``self.data`` in place; every write path marks it dirty.
    def set_step_data(self, step: str, cleaned_data: Any) -> None:
        super().set_step_data(step, cleaned_data)
        self._dirty = True

    def set_step_files(self, step: str, files: Any) -> None:
        super().set_step_files(step, files)
        self._dirty = True

    def _set_current_step(self, step: str) -> None:
        if self.data.get(self.step_key) != step:
            self._dirty = True
        super()._set_current_step(step)

    def reset(self) -> None:
        super().reset()
        self._dirty = True

    def remove_step_file(self, step: str, field: str) -> None:
        entry = self.data[self.step_files_key].get(step, {}).pop(field, None)
        if entry:
            self._tmp_files.append(entry["tmp_name"])
            self._dirty = True

    def save(self) -> Draft | None:
        """Write the wizard's state to its draft row, creating the row when there is something to keep."""
        if not self._dirty:
            return self.draft
        if self.draft is None:
            if not self.data.get(self.step_data_key):
                return None
            token = new_token()
            self.draft = Draft.objects.create(
                token_hash=hash_token(token),
                call=self.call,
                data=self.data,
                language=getattr(self.request, "LANGUAGE_CODE", "ja"),
                expires_at=timezone.now() + DRAFT_LIFETIME,
            )
            self.request.session[session_key(self.call.pk)] = token
        else:
            self.draft.data = self.data
            self.draft.save(update_fields=["data", "updated_at"])
        self._dirty = False
        return self.draft

    def update_response(self, response: Any) -> None:
        self.save()
        super().update_response(response)
