"""Who recruits and for what kind of work: organisations (cities) and task categories.

Both are edited in the admin (Recruitment → Organisations, Task categories); calls and roles,
the pages, are in ``recruitment.pages``. All are re-exported from ``recruitment.models``.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import StreamField
from wagtail.search import index

from . import prefectures, readings
from .blocks import RUBRIC_BLOCKS

#: The organisation fields that say how to reach a city: an approver of the city may change them.
CONTACT_FIELDS = (
    "contact",
    "contact_email",
    "contact_department",
    "contact_phone",
    "contact_hours",
    "mail_sender_name",
    "reply_to_email",
)


class Organisation(models.Model):
    """A municipality (or its department) that publishes calls; several can share one site."""

    name = models.CharField("名称 Name", max_length=100, unique=True, help_text="例: 神戸市")
    name_en = models.CharField("英語名 English name", max_length=100, blank=True, help_text="e.g. City of Kobe")
    slug = models.SlugField(unique=True)
    url = models.URLField("ウェブサイト Website", blank=True)
    reference_prefix = models.CharField(
        "受付番号の接頭辞 Reference prefix",
        max_length=8,
        default="KOBO",
        help_text="応募の受付番号の先頭に付く英大文字 (例: KOBE → KOBE-7K3M9Q)",
    )
    contact = models.TextField(
        "連絡先 Contact", blank=True, help_text="担当部署・電話番号など、応募者と受託事業者への連絡先。"
    )
    contact_email = models.EmailField("連絡先メール Contact email", blank=True)
    #: The city's contact as its pages' footer and its mails show it (``contact_details``).
    contact_department = models.CharField(
        "担当部署 Contact department", max_length=200, blank=True, help_text="例: 企画調整局 広報戦略部"
    )
    contact_phone = models.CharField("電話番号 Contact phone", max_length=30, blank=True, help_text="例: 078-000-0000")
    contact_hours = models.CharField(
        "受付時間 Contact hours", max_length=100, blank=True, help_text="例: 平日 9:00〜17:00"
    )
    #: Who the city's mail to applicants comes from and where their replies go (``applications.mail.senders``).
    mail_sender_name = models.CharField(
        "メールの差出人名 Mail sender name",
        max_length=100,
        blank=True,
        help_text="応募者へのメールの差出人として表示する名前。空欄なら団体名。 Empty: the organisation's name.",
    )
    reply_to_email = models.EmailField(
        "返信先メール Reply-To",
        blank=True,
        help_text="応募者がメールに返信したときの宛先。空欄なら連絡先メール。 Empty: the contact email.",
    )
    #: JIS X 0401 code of the prefecture the organisation is in: the statistics count applicants from outside it.
    prefecture = models.CharField(
        "都道府県 Prefecture", max_length=2, choices=prefectures.CHOICES, blank=True, help_text="例: 28 兵庫県"
    )
    #: The city's own staff groups, made by ``recruitment.cities.organisation_onboard``: page rights on
    #: the city's subtree only, and the approvers approve the city's pages (its own workflow).
    editors_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    approvers_group = models.OneToOneField(
        "auth.Group", null=True, blank=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("url"),
        FieldPanel("reference_prefix"),
        *(FieldPanel(name) for name in CONTACT_FIELDS),
        FieldPanel("prefecture"),
    ]

    class Meta:
        verbose_name = "団体 Organisation"
        verbose_name_plural = "団体 Organisations"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def sender_name(self) -> str:
        """The display name of the city's mail: its own setting, else its name."""
        return self.mail_sender_name or self.name

    @property
    def reply_to(self) -> str:
        """Where applicants' replies go: the Reply-To set, else the contact email (may be empty)."""
        return self.reply_to_email or self.contact_email

    def has_contact(self) -> bool:
        """True when the city has any contact detail to show."""
        return any((self.contact_department, self.contact_phone, self.contact_email, self.contact))


class TaskCategory(index.Indexed, models.Model):
    """A kind of work (e.g. Instagram articles) with the default screening rubric for its roles.

    Edited by city staff under Recruitment → Task categories.
    """

    name = models.CharField("名称 Name", max_length=100, unique=True)
    name_en = models.CharField("英語名 English name", max_length=100, blank=True)
    slug = models.SlugField(unique=True)
    description = models.TextField("説明 Description", blank=True)
    description_en = models.TextField("英語の説明 English description", blank=True)
    rubric = StreamField(
        RUBRIC_BLOCKS,
        blank=True,
        verbose_name="標準の評価基準 Default rubric",
        help_text="新しい業務はこの評価基準で始まります(業務ごとに変更できます)。",
    )
    sort_order = models.PositiveSmallIntegerField("表示順 Order", default=0)
    #: The kana readings of the names, for search (``recruitment.readings``); derived on save, never edited.
    search_reading = models.TextField(blank=True, default="", editable=False)

    panels = [
        FieldPanel("name"),
        FieldPanel("name_en"),
        FieldPanel("slug"),
        FieldPanel("description"),
        FieldPanel("description_en"),
        FieldPanel("rubric"),
        FieldPanel("sort_order"),
    ]
    search_fields = [index.SearchField("name"), index.SearchField("name_en"), index.AutocompleteField("name")]

    class Meta:
        verbose_name = "業務カテゴリ Task category"
        verbose_name_plural = "業務カテゴリ Task categories"
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Save, refreshing the search reading from the names."""
        super().save(*args, **readings.with_reading(self, readings.CATEGORY_READING_SOURCES, kwargs))
