"""Admin forms for recruitment pages: checks that need to know it is an edit by a person."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.admin.forms import WagtailAdminPageForm

from . import slugs


class ShortSlugForm(WagtailAdminPageForm):
    """A new page whose slug Wagtail made from a Japanese title gets a short one (``recruitment.slugs``)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and "slug" in self.fields:
            self.fields["slug"].required = False  # left empty, one is made

    def slug_fallback(self) -> str:
        raise NotImplementedError

    def clean(self):
        slug = self.cleaned_data.get("slug", "")
        if self.instance.pk is None and "slug" not in self.errors and slugs.needs_short_slug(slug):
            self.cleaned_data["slug"] = slugs.short_slug(
                title_en=self.cleaned_data.get("title_en", ""),
                fallback=self.slug_fallback(),
                parent=self.parent_page,
                instance=self.instance,
            )
        return super().clean()


class RolePageForm(ShortSlugForm):
    """Refuses a new role whose deadline has already passed."""

    def slug_fallback(self) -> str:
        return slugs.role_fallback(self.cleaned_data.get("category"))

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


class CallPageForm(ShortSlugForm):
    """A call belongs to the organisation whose ``CityPage`` it lives under; nobody picks it by hand."""

    def slug_fallback(self) -> str:
        return slugs.call_fallback()

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
