"""The pages of calls: the list of calls, each city's folder of calls, and a call.

The page tree is ``HomePage → CallIndexPage → CityPage → CallPage → RolePage``: each
organisation's calls live under its own ``CityPage``, so page rights and the approval
workflow are granted per city (``recruitment.cities``). What a page shows besides its own
fields comes from its ``context_builder`` (``recruitment.context``), named, not imported,
so the pages do not depend on the views of their own app.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.validators import MinValueValidator
from django.db import models
from django.http import Http404
from django.shortcuts import redirect
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.search import index

from cms.blocks import BodyBlock
from cms.models import BasePage
from cms.page_cache import PublicCacheMixin

from ..blocks import RICH_FEATURES, TimelineStepBlock
from ..forms import CallPageForm
from ..organisations import Organisation
from .roles import RolePage, RolePageQuerySet

#: What an English visitor sees of a text the city did not translate (``CallPage.english_fallback``).
FALLBACK_NOTICE = "notice"
FALLBACK_PLAIN = "plain"


@dataclass(frozen=True)
class NoticeText:
    """The personal-data notice as one visitor is shown it: which text, in which language, which version.

    ``digest`` (SHA-256 of the stored text) pins the exact words an application consented to; the
    page's revision history holds the text of each version.
    """

    text: str
    language: str
    version: int
    fallback: bool

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()


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

    context_builder = "recruitment.context.call_index_context"


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
    department_en = models.CharField("英語の担当部署 English department", max_length=200, blank=True)
    summary = models.TextField("概要 Summary", help_text="一覧と検索結果に表示する2〜3文の紹介。")
    summary_en = models.TextField("英語の概要 English summary", blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name="本文 Body")
    body_en = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name="英語の本文 English body",
        help_text="本文(よくある質問を含む)の英語版。空欄なら英語版サイトは日本語の本文を表示します。",
    )
    eligibility = RichTextField("応募資格 Eligibility", features=RICH_FEATURES, blank=True)
    eligibility_en = RichTextField("英語の応募資格 English eligibility", features=RICH_FEATURES, blank=True)
    online_work = models.BooleanField("オンラインで業務 Work online", default=True)
    contract_form = models.CharField("契約形態 Contract", max_length=100, default="業務委託")
    contract_form_en = models.CharField(
        "英語の契約形態 English contract", max_length=100, blank=True, help_text="e.g. Service contract"
    )
    pay_summary = models.CharField(
        "報酬 Pay", max_length=200, blank=True, help_text="例: 成果報酬 月1万〜10万円(業務により異なる)"
    )
    pay_summary_en = models.CharField("英語の報酬 English pay", max_length=200, blank=True)
    term_summary = models.CharField("契約期間 Term", max_length=200, blank=True, help_text="例: 1日〜約5か月")
    term_summary_en = models.CharField("英語の契約期間 English term", max_length=200, blank=True)
    selection_process = RichTextField("選考方法 Selection", features=RICH_FEATURES, blank=True)
    selection_process_en = RichTextField("英語の選考方法 English selection", features=RICH_FEATURES, blank=True)
    timeline = StreamField([("step", TimelineStepBlock())], blank=True, verbose_name="選考スケジュール Timeline")
    contact = models.TextField("問い合わせ先 Contact", blank=True)
    contact_en = models.TextField("英語の問い合わせ先 English contact", blank=True)
    contact_email = models.EmailField("問い合わせメール Contact email", blank=True)
    personal_data_notice = RichTextField(
        "個人情報の取扱い Personal-data notice",
        features=RICH_FEATURES,
        help_text="応募フォームで表示し、同意を得る文面。変更すると版が上がります。",
    )
    personal_data_notice_en = RichTextField(
        "英語の個人情報の取扱い English personal-data notice",
        features=RICH_FEATURES,
        blank=True,
        help_text="英語で応募する人に表示し、同意を得る文面。空欄なら日本語の文面を表示します。変更すると版が上がります。",
    )
    #: Raised on every save that changes the notice in either language (``save``); applications record it.
    personal_data_notice_version = models.PositiveIntegerField("通知の版 Notice version", default=1, editable=False)
    english_fallback = models.CharField(
        "英語版がない項目 Untranslated texts",
        max_length=10,
        choices=[
            (FALLBACK_NOTICE, "日本語の文面に「英語版はありません。日本語の文面が正式です」と添える Notice + Japanese"),
            (FALLBACK_PLAIN, "日本語の文面をそのまま表示する Japanese text as it is"),
        ],
        default=FALLBACK_NOTICE,
        help_text="英語版サイトで、英語の欄が空欄の項目をどう表示するか。空の項目は表示しません。"
        " How the English site shows a text with no English version (never an empty section).",
    )
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
    contractor_runs_interviews = models.BooleanField(
        "受託事業者が面接を運営 Contractor runs interviews",
        default=False,
        help_text="オンにすると、この募集に割り当てられた受託事業者も面接の日程を公開・締切できます"
        "(通常は市の承認者)。 The assigned contractor may open and close interview rounds too.",
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
        MultiFieldPanel([FieldPanel("department"), FieldPanel("department_en")], heading="団体 Organisation"),
        FieldPanel("summary"),
        FieldPanel("summary_en"),
        FieldPanel("body"),
        FieldPanel("body_en"),
        FieldPanel("eligibility"),
        FieldPanel("eligibility_en"),
        MultiFieldPanel(
            [
                FieldPanel("online_work"),
                FieldPanel("contract_form"),
                FieldPanel("contract_form_en"),
                FieldPanel("pay_summary"),
                FieldPanel("pay_summary_en"),
                FieldPanel("term_summary"),
                FieldPanel("term_summary_en"),
            ],
            heading="条件 Conditions",
        ),
        FieldPanel("selection_process"),
        FieldPanel("selection_process_en"),
        FieldPanel("timeline"),
        MultiFieldPanel(
            [FieldPanel("contact"), FieldPanel("contact_en"), FieldPanel("contact_email")], heading="問い合わせ Contact"
        ),
        FieldPanel("personal_data_notice"),
        FieldPanel("personal_data_notice_en"),
        FieldPanel("english_fallback"),
        MultiFieldPanel(
            [FieldPanel("shortlist_factor"), FieldPanel("blind_review"), FieldPanel("contractor_runs_interviews")],
            heading="選考 Screening",
        ),
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

    context_builder = "recruitment.context.call_page_context"

    def route(self, request, path_components):
        """An unpublished call hides its roles too: Wagtail checks only the last page's liveness."""
        if not self.live:
            raise Http404
        return super().route(request, path_components)

    def save(self, *args: Any, **kwargs: Any) -> Any:
        """Save, raising the notice's version when its text changed in either language.

        Drafts are kept as revisions (Wagtail saves the page row with ``update_fields`` that leave the
        notice out), so the version rises when a changed notice is published. Two revisions drafted
        from the same version and published one after the other get two versions.
        """
        update_fields = kwargs.get("update_fields")
        notice_fields = {"personal_data_notice", "personal_data_notice_en"}
        if self.pk and (update_fields is None or notice_fields & set(update_fields)):
            stored = (
                CallPage.objects.filter(pk=self.pk)
                .values("personal_data_notice", "personal_data_notice_en", "personal_data_notice_version")
                .first()
            )
            if stored and any(stored[name] != getattr(self, name) for name in notice_fields):
                self.personal_data_notice_version = (
                    max(stored["personal_data_notice_version"], self.personal_data_notice_version) + 1
                )
                if update_fields is not None:
                    kwargs["update_fields"] = {*update_fields, "personal_data_notice_version"}
        return super().save(*args, **kwargs)

    def notice_in(self, language: str) -> NoticeText:
        """The personal-data notice an applicant in ``language`` is shown and consents to.

        English when the visitor applies in English and the city wrote an English notice; otherwise
        the Japanese text (``fallback`` when an English visitor gets it).
        """
        if language == "en" and self.personal_data_notice_en:
            return NoticeText(self.personal_data_notice_en, "en", self.personal_data_notice_version, False)
        return NoticeText(self.personal_data_notice, "ja", self.personal_data_notice_version, language == "en")

    def roles(self) -> RolePageQuerySet:
        """This call's published roles, with category and call liveness loaded (no per-role queries)."""
        return RolePage.objects.child_of(self).live().with_call(live=self.live).select_related("category")
