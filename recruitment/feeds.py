"""Atom feed of newly published roles, for aggregators and people who follow calls."""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext_lazy as _

from .models import RolePage

FEED_SIZE = 50


class NewRolesFeed(Feed):
    """The most recently published open roles, newest first."""

    feed_type = Atom1Feed
    title = _("Kōbo: new roles")
    subtitle = _("Side-job roles newly opened by municipalities")
    link = "/"

    def items(self):
        return RolePage.objects.live().with_call().filter(call_live=True).order_by("-first_published_at")[:FEED_SIZE]

    def item_title(self, item: RolePage) -> str:
        return item.title

    def item_description(self, item: RolePage) -> str:
        return item.summary or item.pay_text

    def item_link(self, item: RolePage) -> str:
        return item.get_url()

    def item_pubdate(self, item: RolePage):
        return item.first_published_at

    def item_updateddate(self, item: RolePage):
        return item.last_published_at
