"""The application wizard's storage in the ``Draft`` table, and which draft a browser has open.

The draft lives in the database, so it survives a closed browser and any number of web
processes. The browser it is open in keeps only its id in the session, and the draft the hash
of that session's key: no token rides in the session, and a draft is open in one browser at a
time. The emailed link (its token stored as a hash) moves it to another browser
(``services.draft_resume``); submitting closes it in this one (docs/adr/0004).
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, Sum
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext_lazy as _
from formtools.wizard.storage.base import BaseStorage

from applications.intake.services import draft_save, draft_start
from applications.intake.steps import PortfolioForm
from applications.intake.tokens import hash_token, new_token
from applications.intake.uploads import MAX_UPLOAD_BYTES
from applications.models import Draft
from recruitment.models import CallPage

DRAFT_LIFETIME = timedelta(days=30)

# Bounds of what a draft keeps, whatever is posted ("save and finish later" keeps input
# that did not validate). Only the step's own fields are kept; no answer is longer than
# the longest field of any step (experience, 2,000 characters).
MAX_STEP_FIELDS = 24
MAX_VALUES_PER_FIELD = 5
MAX_FIELD_CHARS = 2_000
#: The draft's answers as UTF-8 JSON; every step filled to its limits takes about a third.
MAX_DRAFT_DATA_BYTES = 64 * 1024
#: Bytes of files a draft may keep: three files of the largest size (replaced files are deleted).
MAX_DRAFT_FILE_BYTES = PortfolioForm.FILES * MAX_UPLOAD_BYTES


class DraftTooLarge(Exception):
    """What was posted would make the draft larger than it may be; nothing of it was kept."""

    message = _("Your draft has reached the most it can keep. Remove a file or shorten an answer, then try again.")


class CallFilesFull(DraftTooLarge):
    """The drafts of this call together keep as many bytes of files as the call allows; nothing was kept."""

    message = _(
        "Very many files are being uploaded for this call right now, so this file could not be kept."
        " Your answers are kept; please try the file again in an hour."
    )


def call_draft_file_bytes(call: CallPage | int) -> int:
    """The bytes of files kept by the call's unsubmitted drafts (files of untouched drafts go within a day)."""
    total = Draft.objects.filter(call=call, application__isnull=True).aggregate(total=Sum("file_bytes"))["total"]
    return total or 0


def bounded_step_data(step: str, data: dict[str, Any], *, max_chars: int = MAX_FIELD_CHARS) -> dict[str, list[Any]]:
    """The posted values of ``step``'s own fields, each cut to the bounds above (``max_chars`` characters a value)."""
    prefix = f"{step}-"
    kept: dict[str, list[Any]] = {}
    for key, values in data.items():
        if not isinstance(key, str) or not key.startswith(prefix) or len(key) > 100:
            continue
        if len(kept) == MAX_STEP_FIELDS:
            break
        values = values if isinstance(values, list) else [values]
        kept[key] = [v[:max_chars] if isinstance(v, str) else v for v in values[:MAX_VALUES_PER_FIELD]]
    return kept


def session_key(call_id: int) -> str:
    return f"kobo_draft_{call_id}"


def browser_key(request: Any) -> str:
    """This browser's session key, creating the session if it has none yet."""
    if not request.session.session_key:
        request.session.save()
    return request.session.session_key


def draft_in_session(request: Any, call_id: int, *, lapsed: bool = False) -> Draft | None:
    """The draft of ``call_id`` open in this browser (submitted or not), or None.

    ``lapsed``: also a draft that ended only because the roles it chose closed (it ends at their
    deadline, ``wizard.roles``), unsent and younger than ``DRAFT_LIFETIME``: in the browser it is
    open in, the wizard still shows it, to say which role closed and let the person choose another
    open role with the answers they gave (choosing one gives the draft that role's deadline). Its
    link, reminders and "save and finish later" never see it.
    """
    pk = request.session.get(session_key(call_id))
    current = request.session.session_key
    if not isinstance(pk, int) or not current:
        return None
    now = timezone.now()
    alive = Q(expires_at__gt=now)
    if lapsed:
        alive |= Q(application__isnull=True, created_at__gt=now - DRAFT_LIFETIME)
    return (
        Draft.objects.filter(alive, pk=pk, call_id=call_id, session_hash=hash_token(current))
        .select_related("application")
        .first()
    )


def draft_bind(request: Any, draft: Draft) -> None:
    """Remember in the session that ``draft`` is open in this browser (its ``session_hash`` says which)."""
    request.session[session_key(draft.call_id)] = draft.pk


def draft_unbind(request: Any, call_id: int) -> None:
    """This browser no longer has a draft of ``call_id`` open: the next visit starts a fresh form."""
    request.session.pop(session_key(call_id), None)


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


def wizard_prefix(call_id: int) -> str:
    """The wizard's prefix for one call (its management form's fields are named after it)."""
    return f"apply-{call_id}"


class DraftStorage(BaseStorage):
    """formtools storage over the ``Draft`` model. The row is created on the first saved step.

    formtools makes it from the wizard's prefix (``wizard_prefix``), which names the call.
    """

    def __init__(self, prefix: str, request: Any, file_storage: Any = None) -> None:
        super().__init__(prefix, request, file_storage)
        self.call_id = int(prefix.rsplit("-", 1)[1])
        #: Set by the wizard once the submission is made: formtools' ``reset`` after ``done`` then lets go.
        self.submitted = False
        self.draft = draft_in_session(request, self.call_id, lapsed=True)
        if self.draft is not None and self.draft.data:
            self.data = self.draft.data
        else:
            self.init_data()
        self._dirty = False

    # formtools reads and writes ``self.data`` in place; every write path marks it dirty.
    def set_step_data(self, step: str, cleaned_data: Any) -> None:
        """Keep the step's own fields, bounded; refuse (``DraftTooLarge``) what would overfill the draft."""
        if isinstance(cleaned_data, MultiValueDict):
            cleaned_data = dict(cleaned_data.lists())
        steps = self.data[self.step_data_key]
        had, previous = step in steps, steps.get(step)
        super().set_step_data(step, bounded_step_data(step, cleaned_data or {}))
        if self.data_bytes() > MAX_DRAFT_DATA_BYTES:
            if had:
                steps[step] = previous
            else:
                steps.pop(step)
            raise DraftTooLarge
        self._dirty = True

    def set_step_files(self, step: str, files: Any) -> None:
        """Store the step's files, deleting the ones they replace; refuse more than the draft may keep."""
        files = files or {}
        stored = self.data[self.step_files_key].get(step, {})
        kept = sum(
            entry["size"]
            for name, step_files in self.data[self.step_files_key].items()
            for field, entry in step_files.items()
            if not (name == step and field in files)
        )
        added = sum(upload.size for upload in files.values())
        if kept + added > MAX_DRAFT_FILE_BYTES:
            raise DraftTooLarge
        if added and call_draft_file_bytes(self.call_id) + added > settings.KOBO_CALL_DRAFT_FILE_BYTES:
            raise CallFilesFull
        replaced = [stored[field]["tmp_name"] for field in files if field in stored]
        super().set_step_files(step, files)
        self._tmp_files.extend(replaced)  # deleted at the end of the response
        self._dirty = True

    def file_bytes(self) -> int:
        """The bytes of the files the draft keeps."""
        return sum(
            entry["size"] for step_files in self.data[self.step_files_key].values() for entry in step_files.values()
        )

    def data_bytes(self) -> int:
        """The size of the draft's state as stored (UTF-8 JSON)."""
        return len(json.dumps(self.data, ensure_ascii=False, cls=DjangoJSONEncoder).encode())

    def _set_current_step(self, step: str) -> None:
        if self.data.get(self.step_key) != step:
            self._dirty = True
        super()._set_current_step(step)

    def reset(self) -> None:
        """formtools resets the wizard after ``done``: only a submitted draft lets go of its state.

        Then the kept files go; the row itself was emptied by the service, in its transaction, so it is
        not written again. A refused submission keeps the draft as it was, to be corrected. The browser
        keeps the submitted draft's id only so that a second tap of the final button finds its receipt;
        any other visit unbinds it (``forget_draft``) and starts a fresh form.
        """
        if not self.submitted:
            return
        super().reset()
        self._dirty = False  # writing the emptied state again would be one more UPDATE for nothing

    def forget_draft(self) -> None:
        """Close the (submitted) draft in this browser and start from an empty form."""
        draft_unbind(self.request, self.call_id)
        self.draft = None
        self.init_data()
        self._dirty = False

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
            self.draft = draft_start(
                token_hash=hash_token(new_token()),  # no link yet: "save and finish later" makes one
                session_hash=hash_token(browser_key(self.request)),
                call_id=self.call_id,
                data=self.data,
                file_bytes=self.file_bytes(),
                language=getattr(self.request, "LANGUAGE_CODE", "ja"),
                expires_at=timezone.now() + DRAFT_LIFETIME,
            )
            draft_bind(self.request, self.draft)
        else:
            self.draft.data = self.data
            self.draft.file_bytes = self.file_bytes()
            draft_save(draft=self.draft)  # and its step's count moves with it
            self.request.session.modified = True  # the citizen's short session lasts while they work
        self._dirty = False
        return self.draft

    def update_response(self, response: Any) -> None:
        self.save()
        super().update_response(response)
