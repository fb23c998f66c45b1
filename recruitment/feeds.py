"""Atom feed of newly published roles, for aggregators and people who follow calls."""

from __future__ import annotations

from datetime import datetime

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from cms.templatetags.kobo import localized_value

from .models import RolePage
from .structured_data import canonical_url

FEED_SIZE = 50


class NewRolesFeed(Feed):
    """The most recently published roles still before their deadline, newest first.

    Only roles whose call is published too. Titles and summaries follow the
    feed's language (``/roles/feed.atom`` Japanese, ``/en/roles/feed.atom`` English,
    falling back to Japanese); links are the roles' canonical URLs.
    """

    feed_type = Atom1Feed
    title = _("Kōbo: new roles")
    subtitle = _("Side-job roles newly opened by municipalities")

    def link(self) -> str:
        return reverse("wagtail_serve", args=[""])  # the home page in the feed's language

    def items(self):
        return (
            RolePage.objects.live()
            .with_call()
            .filter(call_live=True, closes_at__gt=timezone.now())
            .order_by("-first_published_at")[:FEED_SIZE]
        )

    def item_title(self, item: RolePage) -> str:
        return str(localized_value(item, "title"))

    def item_description(self, item: RolePage) -> str:
        return str(localized_value(item, "summary")) or item.pay_text

    def item_link(self, item: RolePage) -> str:
        return canonical_url(item)

    def item_pubdate(self, item: RolePage) -> datetime | None:
        return item.first_published_at

    def item_updateddate(self, item: RolePage) -> datetime | None:
        return item.last_published_at
