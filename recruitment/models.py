"""What is being recruited: organisations, task categories, calls and their roles.

The page tree is ``HomePage → CallIndexPage → CityPage → CallPage → RolePage``:
each organisation's calls live under its own ``CityPage``, so page rights and the
approval workflow are granted per city (``recruitment.cities``); a role lives only
under a call. Whether a role takes applications is decided by
``recruitment.deadlines`` alone.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Length, Substr
from django.http import Http404
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, PageManager, Revision
from wagtail.query import PageQuerySet
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models import BasePage
from portal.page_cache import PublicCacheMixin

from . import prefectures, readings
from .blocks import RUBRIC_BLOCKS, TimelineStepBlock
from .deadlines import RoleState, extension_refusal, open_roles_filter, role_state
from .forms import CallPageForm, RolePageForm

logger = logging.getLogger(__name__)

RICH_FEATURES = ["bold", "link", "ol", "ul"]


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


class CallIndexPage(PublicCacheMixin, BasePage):
    """The list of calls (募集一覧) and the search across their open roles. One per site."""

    intro = models.TextField("導入文 Introduction", blank=True)
    intro_en = models.TextField("英語の導入文 English introduction", blank=True)

    content_panels = [*BasePage.content_panels, FieldPanel("intro"), FieldPanel("intro_en")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["recruitment.CityPage"]
    max_count = 1
    is_creatable = True
    # Filters with a fixed set of values are cached; a free-text search (q) is not.
    public_cache_params = frozenset({"category", "work_style", "pay_basis", "order"})

    class Meta:
        verbose_name = "募集一覧 Call index"

    def get_context(self, request, *args, **kwargs):
        from .views import call_index_context

        return {**super().get_context(request, *args, **kwargs), **call_index_context(self, request)}


class CityPage(BasePage):
    """One organisation's calls (a folder in the page tree, not a public page of its own).

    Made when the organisation is onboarded (``recruitment.cities``); the city's editor
    and approver groups get their page rights here and its approval workflow starts
    here, so a city's staff never touch another city's calls. Its public URL sends the
    visitor to the list of calls.
    """

    organisation = models.OneToOneField(
        Organisation, on_delete=models.PROTECT, related_name="city_page", verbose_name="団体 Organisation"
    )

    content_panels = [*BasePage.content_panels]
    parent_page_types = ["recruitment.CallIndexPage"]
    subpage_types = ["recruitment.CallPage"]
    is_creatable = False

    class Meta:
        verbose_name = "団体の募集 City's calls"

    def serve(self, request, *args, **kwargs):
        return redirect(self.get_parent().url)

    def get_sitemap_urls(self, request=None):
        return []


class CallPage(PublicCacheMixin, BasePage):
    """A municipal call (公募) for side-job professionals; its roles are its child pages."""

    #: Always the organisation of the ``CityPage`` the call lives under (set by ``CallPageForm`` and copying).
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="calls", verbose_name="団体 Organisation"
    )
    department = models.CharField("担当部署 Department", max_length=200, blank=True)
    summary = models.TextField("概要 Summary", help_text="一覧と検索結果に表示する2〜3文の紹介。")
    summary_en = models.TextField("英語の概要 English summary", blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name="本文 Body")
    eligibility = RichTextField("応募資格 Eligibility", features=RICH_FEATURES, blank=True)
    online_work = models.BooleanField("オンラインで業務 Work online", default=True)
    contract_form = models.CharField("契約形態 Contract", max_length=100, default="業務委託")
    pay_summary = models.CharField(
        "報酬 Pay", max_length=200, blank=True, help_text="例: 成果報酬 月1万〜10万円(業務により異なる)"
    )
    term_summary = models.CharField("契約期間 Term", max_length=200, blank=True, help_text="例: 1日〜約5か月")
    selection_process = RichTextField("選考方法 Selection", features=RICH_FEATURES, blank=True)
    timeline = StreamField([("step", TimelineStepBlock())], blank=True, verbose_name="選考スケジュール Timeline")
    contact = models.TextField("問い合わせ先 Contact", blank=True)
    contact_email = models.EmailField("問い合わせメール Contact email", blank=True)
    personal_data_notice = RichTextField(
        "個人情報の取扱い Personal-data notice",
        features=RICH_FEATURES,
        help_text="応募フォームで表示し、同意を得る文面。変更すると版が上がります。",
    )
    personal_data_notice_version = models.PositiveIntegerField("通知の版 Notice version", default=1, editable=False)
    blind_review = models.BooleanField(
        "匿名審査 Blind review", default=True, help_text="審査者に氏名・連絡先を見せない(候補に残るまで)。"
    )
    shortlist_factor = models.DecimalField(
        "候補の倍率 Shortlist factor",
        max_digits=3,
        decimal_places=1,
        default=Decimal(2),
        validators=[MinValueValidator(Decimal(1), "倍率は1以上にしてください。 The factor must be at least 1.")],
        help_text="業務ごとに「募集人数 × 倍率」人まで候補に残せます。 Up to headcount × factor per role.",
    )
    still_reviewing_days = models.PositiveSmallIntegerField(
        "選考中のお知らせ(日) Still-reviewing notice (days)",
        default=21,
        validators=[MinValueValidator(1)],
        help_text="締切からこの日数が過ぎても書類選考の結果が出ていない業務の応募者に、選考中であることを知らせます。",
    )
    retention_days = models.PositiveSmallIntegerField(
        "個人情報の保存期間(日) Retention (days)",
        default=365,
        validators=[MinValueValidator(30)],
        help_text="最後の業務の採否決定からこの日数が過ぎると、応募者の氏名・連絡先・自由記述を匿名化し、添付ファイルを削除します。",
    )

    #: The public results page (応募状況・選考結果, ``applications.statistics``) is shown only while this is on;
    #: it changes through Wagtail's publish, which also refreshes the page cache.
    results_published = models.BooleanField(
        "応募状況・選考結果を公開 Publish results",
        default=False,
        help_text="応募者数・倍率・採用者数を公開ページとオープンデータで公開します(5未満の数は伏せます)。",
    )
    results_note = models.TextField(
        "結果のお知らせ Results note", blank=True, help_text="公開ページの数字の上に表示する短い説明。"
    )

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel([FieldPanel("department")], heading="団体 Organisation"),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("body"),
        FieldPanel("eligibility"),
        MultiFieldPanel(
            [
                FieldPanel("online_work"),
                FieldPanel("contract_form"),
                FieldPanel("pay_summary"),
                FieldPanel("term_summary"),
            ],
            heading="条件 Conditions",
        ),
        FieldPanel("selection_process"),
        FieldPanel("timeline"),
        MultiFieldPanel([FieldPanel("contact"), FieldPanel("contact_email")], heading="問い合わせ Contact"),
        FieldPanel("personal_data_notice"),
        MultiFieldPanel([FieldPanel("shortlist_factor"), FieldPanel("blind_review")], heading="選考 Screening"),
        MultiFieldPanel(
            [FieldPanel("still_reviewing_days"), FieldPanel("retention_days")],
            heading="連絡と保存期間 Notices and retention",
        ),
        MultiFieldPanel(
            [FieldPanel("results_published"), FieldPanel("results_note")], heading="応募状況・選考結果 Results"
        ),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("summary"), index.SearchField("body")]
    parent_page_types = ["recruitment.CityPage"]
    subpage_types = ["recruitment.RolePage"]
    is_creatable = True
    route_select_related = ("organisation",)
    route_checks_only_liveness = True
    public_cache_params = frozenset({"category", "state"})
    base_form_class = CallPageForm

    class Meta:
        verbose_name = "募集 Call"

    def get_context(self, request, *args, **kwargs):
        from .views import call_page_context

        return {**super().get_context(request, *args, **kwargs), **call_page_context(self, request)}

    def route(self, request, path_components):
        """An unpublished call hides its roles too: Wagtail checks only the last page's liveness."""
        if not self.live:
            raise Http404
        return super().route(request, path_components)

    def roles(self) -> RolePageQuerySet:
        """This call's published roles, with category and call liveness loaded (no per-role queries)."""
        return RolePage.objects.child_of(self).live().with_call(live=self.live).select_related("category")


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
    deliverables = RichTextField("成果物 Deliverables", features=RICH_FEATURES, blank=True)
    requirements = RichTextField("求めるスキル・経験 Requirements", features=RICH_FEATURES, blank=True)
    hours_min = models.PositiveSmallIntegerField("週の稼働時間(下限) Hours/week from", null=True, blank=True)
    hours_max = models.PositiveSmallIntegerField("週の稼働時間(上限) Hours/week to", null=True, blank=True)
    work_style = models.CharField(
        "働き方 Work style", max_length=20, choices=WorkStyle.choices, default=WorkStyle.ONLINE
    )
    term = models.CharField("契約期間 Term", max_length=100, blank=True, help_text="例: 2020年11月〜2021年3月")
    pay_text = models.CharField("報酬 Pay", max_length=200, help_text="例: 1記事6,000円(月6記事程度)")
    pay_min = models.PositiveIntegerField("報酬の下限(円) Pay from (yen)", null=True, blank=True)
    pay_max = models.PositiveIntegerField("報酬の上限(円) Pay to (yen)", null=True, blank=True)
    pay_basis = models.CharField("報酬の単位 Pay basis", max_length=10, choices=PayBasis.choices, blank=True)
    rubric = StreamField(
        RUBRIC_BLOCKS,
        blank=True,
        verbose_name="評価基準 Rubric",
        help_text="空欄で保存すると業務カテゴリの標準の評価基準が入ります。",
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
        FieldPanel("deliverables"),
        FieldPanel("requirements"),
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("hours_min"), FieldPanel("hours_max")]),
                FieldPanel("work_style"),
                FieldPanel("term"),
            ],
            heading="働き方 Work",
        ),
        MultiFieldPanel(
            [
                FieldPanel("pay_text"),
                FieldRowPanel([FieldPanel("pay_min"), FieldPanel("pay_max"), FieldPanel("pay_basis")]),
            ],
            heading="報酬 Pay",
        ),
        FieldPanel("rubric"),
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

    @property
    def call(self) -> CallPage:
        """The call this role belongs to, with its organisation (one query)."""
        return CallPage.objects.select_related("organisation").get(path=self.path[: -self.steplen])

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
        from .formatting import format_japan_datetime

        deadline = format_japan_datetime(self.closes_at, "ja") if self.closes_at else "—"
        return f"{super().get_admin_display_title()}【{self.admin_state_label()}・締切 {deadline}】"

    def get_sitemap_urls(self, request=None):
        """Roles of an unpublished call are not public, so not in the sitemap.

        The live calls are read once per sitemap request, not once per role.
        """
        if request is None:
            call_live = self.call.live
        else:
            if not hasattr(request, "_kobo_live_call_paths"):
                request._kobo_live_call_paths = set(CallPage.objects.live().values_list("path", flat=True))
            call_live = self.path[: -self.steplen] in request._kobo_live_call_paths
        return super().get_sitemap_urls(request) if call_live else []

    def get_context(self, request, *args, **kwargs):
        from .views import role_page_context

        return {**super().get_context(request, *args, **kwargs), **role_page_context(self, request)}
