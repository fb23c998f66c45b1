"""Admin forms for recruitment pages: checks that need to know it is an edit by a person."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm


class RolePageForm(WagtailAdminPageForm):
    """Refuses a new role whose deadline has already passed."""

    def clean(self):
        cleaned = super().clean()
        closes_at = cleaned.get("closes_at")
        if closes_at and not self.instance.first_published_at and closes_at <= timezone.now():
            self.add_error(
                "closes_at",
                "締切が過去の日時です。新しい業務の締切は未来の日時にしてください。"
                " The deadline is in the past; a new role needs a future deadline.",
            )
        return cleaned


class CallPageForm(WagtailAdminPageForm):
    """A call belongs to the organisation whose ``CityPage`` it lives under; nobody picks it by hand."""

    def clean(self):
        cleaned = super().clean()
        city = getattr(self.parent_page, "specific", None)
        organisation_id = getattr(city, "organisation_id", None)
        if organisation_id is None:
            raise ValidationError(
                "募集は団体の募集フォルダの下に作成してください。"
                " Create a call inside an organisation's folder of calls."
            )
        self.instance.organisation_id = organisation_id
        return cleaned
