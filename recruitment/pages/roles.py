"""The page of a role (業務) of a call, and the role queries that carry what the deadline rule needs.

Whether a role takes applications is decided by ``recruitment.deadlines`` alone; a role's
call is read through ``recruitment.selectors.role_call``.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, Revision
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms.models import BasePage
from cms.page_cache import PublicCacheMixin

from .. import readings
from ..blocks import RICH_FEATURES, RUBRIC_BLOCKS
from ..deadlines import RoleState, extension_refusal, open_roles_filter, role_state
from ..forms import RolePageForm
from ..organisations import TaskCategory

logger = logging.getLogger(__name__)


#: How an unpublished role is labelled in the admin (a live one shows its deadline state).
PUBLICATION_LABELS = {"live": _("Published"), "scheduled": _("Scheduled"), "draft": _("Draft")}


class RolePageQuerySet(PageQuerySet):
    """Role queries that carry what the deadline rule needs, in one query."""

    def with_call(self, *, live: bool | None = None) -> RolePageQuerySet:
        """Annotate ``call_live`` (is the parent call published?) without a query per role.

        ``live`` is for roles of one call whose liveness is already known: the annotation is
        then a constant instead of a subquery per row.
        """
        if live is not None:
            return self.annotate(call_live=Value(live))
        parent_path = Substr(OuterRef("path"), 1, Length(OuterRef("path")) - Page.steplen)
        return self.annotate(call_live=Exists(Page.objects.filter(path=parent_path, live=True)))

    def open_at(self, now: datetime | None = None) -> RolePageQuerySet:
        """Roles that accept applications at ``now`` (the rule of ``deadlines.role_state``)."""
        return self.with_call().filter(open_roles_filter(now))


RolePageManager = PageManager.from_queryset(RolePageQuerySet)


class RolePage(PublicCacheMixin, BasePage):
    """One role (業務) of a call: its own category, headcount, deadline, pay and rubric."""

    class WorkStyle(models.TextChoices):
        ONLINE = "online", _("Online")
        PARTLY_ON_SITE = "partly_on_site", _("Partly on site")

    class PayBasis(models.TextChoices):
        MONTH = "month", _("per month")
        PIECE = "piece", _("per piece")
        PROJECT = "project", _("per project")

    category = models.ForeignKey(
        TaskCategory, on_delete=models.PROTECT, related_name="roles", verbose_name="業務カテゴリ Category"
    )
    headcount = models.PositiveSmallIntegerField(
        "募集人数 Headcount",
        default=1,
        validators=[MinValueValidator(1, "募集人数は1人以上にしてください。 Headcount must be at least 1.")],
    )
    opens_at = models.DateTimeField("受付開始 Opens", null=True, blank=True, help_text="空欄なら公開と同時に受付開始。")
    closes_at = models.DateTimeField(
        "締切 Deadline", db_index=True, help_text="日本時間。この時刻までに応募を完了したものだけを受け付けます。"
    )
    summary = models.TextField("概要 Summary", blank=True)
    summary_en = models.TextField("英語の概要 English summary", blank=True)
    duties = RichTextField("業務内容 Duties", features=RICH_FEATURES)
    duties_en = RichTextField("英語の業務内容 English duties", features=RICH_FEATURES, blank=True)
    deliverables = RichTextField("成果物 Deliverables", features=RICH_FEATURES, blank=True)
    deliverables_en = RichTextField("英語の成果物 English deliverables", features=RICH_FEATURES, blank=True)
    requirements = RichTextField("求めるスキル・経験 Requirements", features=RICH_FEATURES, blank=True)
    requirements_en = RichTextField("英語の求めるスキル・経験 English requirements", features=RICH_FEATURES, blank=True)
    hours_min = models.PositiveSmallIntegerField("週の稼働時間(下限) Hours/week from", null=True, blank=True)
    hours_max = models.PositiveSmallIntegerField("週の稼働時間(上限) Hours/week to", null=True, blank=True)
    work_style = models.CharField(
        "働き方 Work style", max_length=20, choices=WorkStyle.choices, default=WorkStyle.ONLINE
    )
    term = models.CharField("契約期間 Term", max_length=100, blank=True, help_text="例: 2020年11月〜2021年3月")
    term_en = models.CharField("英語の契約期間 English term", max_length=100, blank=True)
    pay_text = models.CharField("報酬 Pay", max_length=200, help_text="例: 1記事6,000円(月6記事程度)")
    pay_text_en = models.CharField(
        "英語の報酬 English pay", max_length=200, blank=True, help_text="e.g. ¥6,000 per article (about 6 a month)"
    )
    pay_min = models.PositiveIntegerField("報酬の下限(円) Pay from (yen)", null=True, blank=True)
    pay_max = models.PositiveIntegerField("報酬の上限(円) Pay to (yen)", null=True, blank=True)
    pay_basis = models.CharField("報酬の単位 Pay basis", max_length=10, choices=PayBasis.choices, blank=True)
    rubric = StreamField(
        RUBRIC_BLOCKS,
        blank=True,
        verbose_name="評価基準 Rubric",
        help_text="空欄で保存すると業務カテゴリの標準の評価基準が入ります。",
    )
    #: The criteria the interview panel scores with (``applications.interviews.scorecards``); empty: a standard set.
    interview_rubric = StreamField(
        RUBRIC_BLOCKS,
        blank=True,
        verbose_name="面接の評価基準 Interview rubric",
        help_text="面接で使う評価項目。空欄なら標準の項目(意欲、コミュニケーション、業務の理解、実行力)で評価します。",
    )
    #: The kana readings of the title and texts, for search (``recruitment.readings``); derived on save.
    search_reading = models.TextField(blank=True, default="", editable=False)

    objects = RolePageManager()
    base_form_class = RolePageForm

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("category"),
                FieldPanel("headcount"),
                FieldRowPanel([FieldPanel("opens_at"), FieldPanel("closes_at")]),
            ],
            heading="募集 Recruitment",
        ),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("duties"),
        FieldPanel("duties_en"),
        FieldPanel("deliverables"),
        FieldPanel("deliverables_en"),
        FieldPanel("requirements"),
        FieldPanel("requirements_en"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("hours_min"), FieldPanel("hours_max")]),
                FieldPanel("work_style"),
                FieldPanel("term"),
                FieldPanel("term_en"),
            ],
            heading="働き方 Work",
        ),
        MultiFieldPanel(
            [
                FieldPanel("pay_text"),
                FieldPanel("pay_text_en"),
                FieldRowPanel([FieldPanel("pay_min"), FieldPanel("pay_max"), FieldPanel("pay_basis")]),
            ],
            heading="報酬 Pay",
        ),
        FieldPanel("rubric"),
        FieldPanel("interview_rubric"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("duties"), index.SearchField("summary")]
    parent_page_types = ["recruitment.CallPage"]
    subpage_types: list[str] = []
    is_creatable = True
    route_select_related = ("category",)

    class Meta:
        verbose_name = "業務 Role"
        indexes = [models.Index(fields=["category", "closes_at"])]

    def clean(self) -> None:
        super().clean()
        errors = {}
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            errors["closes_at"] = "締切は受付開始より後にしてください。 The deadline must be after the opening time."
        if self.hours_min and self.hours_max and self.hours_max < self.hours_min:
            errors["hours_max"] = "上限は下限以上にしてください。 The upper bound must not be below the lower one."
        if self.pay_min and self.pay_max and self.pay_max < self.pay_min:
            errors["pay_max"] = "上限は下限以上にしてください。 The upper bound must not be below the lower one."
        if (self.pay_min or self.pay_max) and not self.pay_basis:
            errors["pay_basis"] = "金額を入れたら単位も選んでください。 Choose what the amount is paid per."
        if "closes_at" not in errors and (refusal := extension_refusal(self)):
            errors["closes_at"] = refusal
        if errors:
            raise ValidationError(errors)
        if not self.rubric and self.category_id:
            self.rubric = self.category.rubric.raw_data

    def save(self, *args: Any, **kwargs: Any) -> Any:
        """Save, refreshing the search reading from the title and texts (the live ones when published)."""
        return super().save(*args, **readings.with_reading(self, readings.ROLE_READING_SOURCES, kwargs))

    def publish(self, revision: Revision, *args: Any, **kwargs: Any) -> Any:
        """Publish ``revision`` unless its deadline would open a role whose selection forbids it.

        The editor's form already shows that refusal next to the deadline (``clean``); this covers
        the paths without a form, a workflow approval and the scheduled publishing of a revision
        saved before the shortlist was submitted: the role stays as it is, the revision is no
        longer scheduled, and the refusal is logged (never an error in the middle of a beat run).
        """
        refusal = extension_refusal(revision.as_object())
        if refusal:
            Revision.objects.filter(pk=revision.pk).update(approved_go_live_at=None)
            logger.warning("role %s: revision %s not published: %s", self.pk, revision.pk, refusal)
            return None
        return super().publish(revision, *args, **kwargs)

    def state(self, now: datetime | None = None) -> RoleState:
        """This role's state at ``now``; uses the ``call_live`` annotation when the query loaded it."""
        call_live = getattr(self, "call_live", None)
        if call_live is None:
            call_live = Page.objects.filter(path=self.path[: -self.steplen], live=True).exists()
        return role_state(
            role_live=self.live, call_live=call_live, opens_at=self.opens_at, closes_at=self.closes_at, now=now
        )

    def publication_state(self) -> str:
        """``live``, ``scheduled`` (approved to go live later) or ``draft``: Wagtail's own page state."""
        if self.live:
            return "live"
        return "scheduled" if self.approved_schedule else "draft"

    def admin_state_label(self) -> str:
        """A published role's deadline state; an unpublished one says draft or scheduled, never "closed"."""
        publication = self.publication_state()
        if publication == "live":
            return self.state().label
        return str(PUBLICATION_LABELS[publication])

    def get_admin_display_title(self) -> str:
        """Editors see each role's state and deadline in the page explorer and the moderation mail."""
        from ..formatting import format_japan_datetime

        deadline = format_japan_datetime(self.closes_at, "ja") if self.closes_at else "—"
        return f"{super().get_admin_display_title()}【{self.admin_state_label()}・締切 {deadline}】"

    def get_sitemap_urls(self, request=None):
        """Roles of an unpublished call are not public, so not in the sitemap.

        The live calls are read once per sitemap request, not once per role.
        """
        calls = Page.objects.live().filter(depth=self.depth - 1)  # a role's parent is always its call
        if request is None:
            call_live = calls.filter(path=self.path[: -self.steplen]).exists()
        else:
            if not hasattr(request, "_kobo_live_call_paths"):
                request._kobo_live_call_paths = set(calls.values_list("path", flat=True))
            call_live = self.path[: -self.steplen] in request._kobo_live_call_paths
        return super().get_sitemap_urls(request) if call_live else []

    context_builder = "recruitment.context.role_page_context"
