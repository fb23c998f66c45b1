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
        FieldPanel("contact"),
        FieldPanel("contact_email"),
        FieldPanel("prefecture"),
    ]

    class Meta:
        verbose_name = "団体 Organisation"
        verbose_name_plural = "団体 Organisations"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
