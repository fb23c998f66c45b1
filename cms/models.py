"""Generic Wagtail content: the home page, content pages and the site settings.

Content is written in Japanese; the English fields are optional. Where an
English field is empty, the English site shows the Japanese text marked
``lang="ja"`` so screen readers read it correctly (see ``cms.i18n``).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.module_loading import import_string
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField
from wagtail.models import Page, PageViewRestriction
from wagtail.search import index

from . import wagtail_compat
from .blocks import BodyBlock
from .page_cache import PublicCacheMixin


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

    #: Related objects the page's own template always reads, loaded with the page when it is routed to.
    route_select_related: tuple[str, ...] = ()
    #: True when this type's ``route`` only refuses an unpublished page (the one-query routing honours that).
    route_checks_only_liveness = False
    #: Dotted path of ``builder(page, request) -> dict``, the context this page type adds to Wagtail's.
    #: Named, not imported: the builder reads through selectors that import the page models, so a
    #: page importing its builder would make the models and the views import each other.
    context_builder = ""

    class Meta:
        abstract = True

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        if self.context_builder:
            context.update(import_string(self.context_builder)(self, request))
        return context

    def route(self, request, path_components):
        """Find the page at ``path_components`` below this one in two queries, whatever its depth.

        Wagtail's own routing costs two queries per level (the child, then its specific
        type). The site's root page looks up every page on the path in one query and the
        target's specific type (with ``route_select_related``) in a second. When a page on
        the way is unpublished, is missing, or is a type with its own routing, it hands
        over to Wagtail's routing, so the answer is always the one Wagtail would give.
        """
        if path_components:
            target = self._route_in_one_query(path_components)
            if target is not None:
                # The site's restrictions, when the page cache read them for this request (cms/page_cache.py).
                target._known_view_restrictions = getattr(request, "kobo_view_restrictions", None)
                return target.route(request, [])
        elif self.depth <= 2 and not hasattr(self, "_route_ancestors"):
            self._route_ancestors = []  # a site's root page: only the tree's root is above it
        return super().route(request, path_components)

    def _route_in_one_query(self, path_components: list[str]) -> Page | None:
        depth = self.depth
        candidates = Page.objects.filter(
            Q(path__startswith=self.path),
            Q(depth__gt=depth, depth__lte=depth + len(path_components)),
            Q(slug__in=path_components),
        ).only("id", "path", "depth", "slug", "live", "alias_of", "content_type")
        by_parent = {(page.path[: -self.steplen], page.depth, page.slug): page for page in candidates}
        chain: list[Page] = []
        parent: Page = self
        for slug in path_components:
            page = by_parent.get((parent.path, parent.depth + 1, slug))
            if page is None:
                return None
            chain.append(page)
            parent = page
        for page in chain[:-1]:
            cls = page.specific_class
            if cls is None or not page.live:
                return None
            if cls.route is not BasePage.route and not getattr(cls, "route_checks_only_liveness", False):
                return None
        cls = chain[-1].specific_class
        if cls is None:
            return None
        target = cls.objects.select_related(*getattr(cls, "route_select_related", ())).get(pk=chain[-1].pk)
        wagtail_compat.remember_parent(target, chain[-2] if len(chain) > 1 else self)
        target._route_ancestors = [self, *chain[:-1]]
        return target

    def get_view_restrictions(self):
        """As Wagtail's; for a page routed here with no alias above it, from the site's restrictions read
        once per change (``cms.site_config.attach_site_config``), else in one query."""
        ancestors = getattr(self, "_route_ancestors", None)
        if ancestors is None or self.alias_of_id or any(page.alias_of_id for page in ancestors):
            return super().get_view_restrictions()
        prefixes = [self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)]
        known = getattr(self, "_known_view_restrictions", None)
        if known is not None:
            return [restriction for restriction in known if restriction.page_path in prefixes]
        return PageViewRestriction.objects.filter(page__path__in=prefixes)


class HomePage(PublicCacheMixin, BasePage):
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
