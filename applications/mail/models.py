"""Mail records: the keyed outbox of every email, and the city's editable wording per message kind."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from wagtail.admin.panels import FieldPanel, HelpPanel
from wagtail.models import PreviewableMixin

from applications.mail import rendering
from applications.mail.catalogue import KINDS, applicant_kind_choices


class OutboxEmail(models.Model):
    """An email to send, written in the same transaction as what caused it.

    A Celery task sends pending rows and marks them sent, so a broker outage
    delays mail and never loses it. ``key`` names the message (kind, object,
    window, e.g. ``draft_reminder:draft:12:24h@1767193200``); its unique
    constraint makes a doubled or restarted beat write it once, so it is sent once.

    A sender claims a row (``claimed_at``, ``attempts`` + 1) in a short transaction, sends it,
    then marks it sent in a commit of its own and blanks ``body``, ``html_body`` and ``calendar`` (they may
    hold a draft's or an application's live link, or a video meeting's; subject, kind, key, recipient and
    times stay). A claim older than the lease with no ``sent_at`` is a sender that died mid-send:
    the message may or may not have left, so it is sent once more and ``interrupted`` says so.
    """

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    #: An iCalendar object (RFC 5545) sent as a ``text/calendar`` part with the METHOD it names (an
    #: interview booked, moved or cancelled); blanked with the bodies once sent.
    calendar = models.TextField(blank=True)
    kind = models.CharField(max_length=30)
    language = models.CharField(max_length=5, default="ja")
    #: The ``From`` display name (the city's sender name; empty: ``DEFAULT_FROM_EMAIL`` as it is).
    from_name = models.CharField(max_length=100, blank=True, default="")
    #: Where replies go (the city's Reply-To); empty: no ``Reply-To`` header.
    reply_to = models.EmailField(blank=True, default="")
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    #: When a sender took the row; null when nobody is sending it (never tried, or the last try failed).
    claimed_at = models.DateTimeField(null=True, blank=True)
    #: Claims that expired with the row neither sent nor failed: the sender died mid-send, and
    #: the message may have gone out before it did (so the recipient may have it twice).
    interrupted = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "送信待ちメール Outbox email"
        indexes = [models.Index(fields=["sent_at", "created_at"])]

    def __str__(self) -> str:
        return f"{self.kind} → {self.to}"


class MessageTemplate(PreviewableMixin, models.Model):
    """The wording of one kind of applicant email in one language, edited by city editors.

    Without one, the default wording of the kind in ``applications.mail.catalogue`` is used. Placeholders
    such as ``{reference}`` are checked on save against those the kind offers.
    """

    kind = models.CharField(
        "種類 Kind",
        max_length=30,
        choices=applicant_kind_choices,
        db_index=True,
    )
    language = models.CharField("言語 Language", max_length=5, choices=settings.LANGUAGES, default="ja")
    subject = models.CharField("件名 Subject", max_length=200)
    body = models.TextField(
        "本文 Body",
        help_text="{reference} のような差し込み項目が使えます(種類ごとに使える項目は下の一覧)。"
        "波かっこそのものは {{ と }} と書きます。",
    )
    updated_at = models.DateTimeField(auto_now=True)

    panels = [
        FieldPanel("kind"),
        FieldPanel("language"),
        FieldPanel("subject"),
        FieldPanel("body"),
        HelpPanel(content=rendering.placeholders_help_html()),
    ]

    class Meta:
        verbose_name = "メールの文面 Message wording"
        verbose_name_plural = "メールの文面 Message wording"
        constraints = [models.UniqueConstraint(fields=["kind", "language"], name="one_wording_per_kind_and_language")]

    def __str__(self) -> str:
        return f"{self.kind} ({self.language})"

    def clean(self) -> None:
        super().clean()
        if self.kind not in KINDS:
            return
        errors = {
            name: problems
            for name in ("subject", "body")
            if (problems := rendering.placeholder_errors(self.kind, getattr(self, name)))
        }
        if errors:
            raise ValidationError(errors)

    def get_preview_template(self, request: Any, mode_name: str) -> str:
        return "applications/message_preview.html"

    def get_preview_context(self, request: Any, mode_name: str) -> dict[str, Any]:
        context = super().get_preview_context(request, mode_name)
        try:
            context["message"] = rendering.render(
                self.kind, self.language, rendering.sample_values(), text=(self.subject, self.body)
            )
        except (KeyError, ValueError, IndexError):
            context["message"] = None
        return context
