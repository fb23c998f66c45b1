"""Forms of the interview stage: the staff's round (with its slots, in Japan time), the applicant's booking,
and the approver's final decision (outcome and a reason, both chosen, never defaulted)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.interviews.decisions import CHOSEN_REASONS
from applications.interviews.selectors import panel_candidates
from applications.interviews.services import CUTOFF_HOURS, LENGTH_MINUTES, SEATS, InterviewError, SlotSpec
from applications.models import FinalDecision, InterviewRound
from recruitment.formatting import JAPAN
from recruitment.models import CallPage


class RoundForm(forms.Form):
    """What the round says: length, online or in person, place, cut-off and panel (staff, Wagtail admin)."""

    length_minutes = forms.IntegerField(
        label="面接時間(分) Length (minutes)", min_value=LENGTH_MINUTES[0], max_value=LENGTH_MINUTES[1], initial=30
    )
    mode = forms.ChoiceField(
        label="形式 Mode", choices=InterviewRound.Mode.choices, initial=InterviewRound.Mode.ONLINE,
        widget=forms.RadioSelect,
    )  # fmt: skip
    place = forms.CharField(
        label="場所(対面のとき) Place (in person)", max_length=200, required=False,
        help_text="対面の面接の会場。オンラインのときは各時間帯にビデオ会議のURLを入れます。 "
        "Online: give each time its video link below.",
    )  # fmt: skip
    cutoff_hours = forms.IntegerField(
        label="変更の締切(何時間前) Cut-off (hours before)", min_value=CUTOFF_HOURS[0], max_value=CUTOFF_HOURS[1],
        initial=24,
        help_text="応募者はこの時間前まで予約・変更・取消しができます。 Until then applicants book, move and cancel.",
    )  # fmt: skip
    panel = forms.ModelMultipleChoiceField(
        label="面接官 Panel",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="市の職員と、この募集に割り当てられた受託事業者から選びます。 "
        "City members and the call's contractors.",
    )  # fmt: skip

    def __init__(self, *args: Any, call: CallPage, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        panel: Any = self.fields["panel"]
        panel.queryset = panel_candidates(call)
        panel.label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.email or u.username})"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("mode") == InterviewRound.Mode.IN_PERSON and not (data.get("place") or "").strip():
            self.add_error("place", "対面のときは場所を入れてください。 Say where the interviews take place.")
        return data


class SlotForm(forms.Form):
    """One time of the round: day and start in Japan time, seats, and its video link when online."""

    day = forms.DateField(label="日付 Day", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label="開始(日本時間) Start (Japan time)", required=False,
                            widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"))  # fmt: skip
    capacity = forms.IntegerField(label="定員 Seats", min_value=SEATS[0], max_value=SEATS[1], initial=1, required=False)
    video_url = forms.URLField(label="ビデオ会議URL Video link", required=False, assume_scheme="https")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if bool(data.get("day")) != bool(data.get("start")) and not self.errors:
            raise forms.ValidationError("日付と開始時刻の両方を入れてください。 Give both the day and the start.")
        return data

    def spec(self) -> SlotSpec | None:
        """The slot this row asks for, or None for an empty row."""
        data = self.cleaned_data
        if not data.get("day") or not data.get("start"):
            return None
        starts_at = datetime.combine(data["day"], data["start"], tzinfo=JAPAN)
        return SlotSpec(starts_at=starts_at, capacity=data.get("capacity") or 1, video_url=data.get("video_url") or "")


SlotFormSet = forms.formset_factory(SlotForm, extra=6, max_num=60, absolute_max=60, validate_max=True)
#: The times added to an open round (fewer empty rows: a round seldom needs many more).
AddSlotFormSet = forms.formset_factory(SlotForm, extra=3, max_num=60, absolute_max=60, validate_max=True)

#: Which input of a time row a refusal about a slot's field (``InterviewError.field``) belongs next to.
SLOT_INPUTS = {"starts_at": "start", "capacity": "capacity", "video_url": "video_url"}


def place_error(exc: InterviewError, *, slots: Any, filled: list[SlotForm], form: forms.Form | None = None) -> bool:
    """Put a refusal of the services next to the input it is about: the time row it names (``filled`` are the
    rows that asked for a time, in the order given to the service), else the round form's field. Returns
    whether it was placed (else the page shows it above the form)."""
    if exc.field in SLOT_INPUTS and exc.index is not None:
        if exc.index < len(filled):
            filled[exc.index].add_error(SLOT_INPUTS[exc.field], exc.message)
            return True
        if not filled and slots.forms:  # no time given at all: said at the first row
            slots.forms[0].add_error("day", exc.message)
            return True
    if form is not None and exc.field in form.fields:
        form.add_error(exc.field, exc.message)
        return True
    return False


class BookingForm(forms.Form):
    """What the applicant needs at the interview; the time they chose is read by the view (radio ``slot``)."""

    accommodation = forms.CharField(
        label=_("Anything we should arrange for you (optional)"),
        help_text=_(
            "For example extra time, captions or a sign language interpreter. Only the interview panel and the "
            "city read it."
        ),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


CHOOSE = [("", "選んでください Choose")]


class DecisionForm(forms.Form):
    """One finalist's final decision: the outcome and a reason from the short list (neither preselected), its text.

    The service (``interviews.decisions.final_decision``) checks the same and the rest (power, seats,
    the lifecycle); this form only puts each error next to its field and keeps what was typed.
    """

    outcome = forms.ChoiceField(
        label="結果 Outcome", choices=CHOOSE + FinalDecision.Outcome.choices,
        error_messages={"required": "結果を選んでください。 Choose the outcome.",
                        "invalid_choice": "結果を選んでください。 Choose the outcome."},
    )  # fmt: skip
    reason = forms.ChoiceField(
        label="理由 Reason",
        choices=CHOOSE + [(v, label) for v, label in FinalDecision.Reason.choices if v in CHOSEN_REASONS],
        error_messages={"required": "理由を一覧から選んでください。 Choose a reason from the list.",
                        "invalid_choice": "理由を一覧から選んでください。 Choose a reason from the list."},
    )  # fmt: skip
    reason_text = forms.CharField(
        label="理由の詳細 Reason in words", required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="「その他」を選んだときは必須。 Required with “Other”.",
    )  # fmt: skip
    share_reason = forms.BooleanField(label="理由を本人に伝える Share the reason with the applicant", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.describe()

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("reason") == FinalDecision.Reason.OTHER and not (data.get("reason_text") or "").strip():
            self.add_error(
                "reason_text", "「その他」のときは理由を書いてください。 Say the reason in words for “Other”."
            )
        return data

    def full_clean(self) -> None:
        super().full_clean()
        self.describe()

    def describe(self) -> None:
        """Tie each control to its hint and error (the ``-help`` / ``-error`` ids ``_decision_field.html`` writes)."""
        for name, field in self.fields.items():
            bound = self[name]
            ids = [f"{bound.auto_id}-help"] if field.help_text else []
            if self.is_bound and hasattr(self, "cleaned_data") and name in self.errors:
                ids.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            if ids:
                field.widget.attrs["aria-describedby"] = " ".join(ids)
