"""Generic Wagtail content: the home page, content pages and the site settings.

Content is written in Japanese; the English fields are optional. Where an
English field is empty, the English site shows the Japanese text marked
``lang="ja"`` so screen readers read it correctly (see ``cms.i18n``).
"""

from __future__ import annotations

from django.db import models
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from .blocks import BodyBlock


class BasePage(Page):
    """What every Kōbo page shares: an optional English title. Not creatable itself."""

    title_en = models.CharField(
        "英語タイトル English title",
        max_length=255,
        blank=True,
        help_text="英語版サイトで表示するタイトル。空欄なら日本語のタイトルを表示します。",
    )

    content_panels = [*Page.content_panels, FieldPanel("title_en")]
    search_fields = [*Page.search_fields, index.SearchField("title_en")]

    is_creatable = False

    class Meta:
        abstract = True


class HomePage(BasePage):
    """The site's front page: a welcome text, then the open calls (added by recruitment)."""

    intro = models.TextField("導入文 Introduction", blank=True)
    intro_en = models.TextField("英語の導入文 English introduction", blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name="本文 Body")

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel([FieldPanel("intro"), FieldPanel("intro_en")], heading="導入文 Introduction"),
        FieldPanel("body"),
    ]

    parent_page_types = ["wagtailcore.Page"]
    max_count = 1
    is_creatable = True

    class Meta:
        verbose_name = "ホームページ Home page"


class ContentPage(BasePage):
    """A page of plain content: about the site, FAQ, privacy notice, accessibility statement."""

    intro = models.TextField("導入文 Introduction", blank=True)
    intro_en = models.TextField("英語の導入文 English introduction", blank=True)
    body = StreamField(BodyBlock(), blank=True, verbose_name="本文 Body")
    body_en = StreamField(
        BodyBlock(),
        blank=True,
        verbose_name="英語の本文 English body",
        help_text="空欄なら英語版でも日本語の本文を表示します。",
    )

    content_panels = [
        *BasePage.content_panels,
        MultiFieldPanel([FieldPanel("intro"), FieldPanel("intro_en")], heading="導入文 Introduction"),
        FieldPanel("body"),
        FieldPanel("body_en"),
    ]
    search_fields = [*BasePage.search_fields, index.SearchField("intro"), index.SearchField("body")]

    parent_page_types = ["cms.HomePage", "cms.ContentPage"]
    subpage_types = ["cms.ContentPage"]
    is_creatable = True

    class Meta:
        verbose_name = "コンテンツページ Content page"


class FooterLinkBlock(blocks.StructBlock):
    """A link in the site footer, to a page of the site or an outside address."""

    label = blocks.CharBlock(label="表示名 Label")
    label_en = blocks.CharBlock(required=False, label="英語の表示名 English label")
    page = blocks.PageChooserBlock(required=False, label="ページ Page")
    url = blocks.URLBlock(required=False, label="URL")

    class Meta:
        icon = "link"


@register_setting(icon="site")
class SiteSettings(BaseSiteSetting):
    """Site-wide texts that city staff edit: the site's name, contact and footer links."""

    site_name = models.CharField("サイト名 Site name", max_length=100, default="Kōbo 公募")
    site_name_en = models.CharField("英語のサイト名 English site name", max_length=100, blank=True)
    organisation = models.CharField(
        "運営者 Operator", max_length=100, blank=True, help_text="例: 神戸市 企画調整局 広報戦略部"
    )
    contact_email = models.EmailField("問い合わせメール Contact email", blank=True)
    contact_phone = models.CharField("問い合わせ電話 Contact phone", max_length=30, blank=True)
    contact_hours = models.CharField(
        "受付時間 Contact hours", max_length=100, blank=True, help_text="例: 平日 9:00〜17:00"
    )
    footer_links = StreamField([("link", FooterLinkBlock())], blank=True, verbose_name="フッターのリンク Footer links")

    panels = [
        MultiFieldPanel([FieldPanel("site_name"), FieldPanel("site_name_en"), FieldPanel("organisation")], "サイト"),
        MultiFieldPanel(
            [FieldPanel("contact_email"), FieldPanel("contact_phone"), FieldPanel("contact_hours")], "問い合わせ先"
        ),
        FieldPanel("footer_links"),
    ]

    class Meta:
        verbose_name = "サイト設定 Site settings"
