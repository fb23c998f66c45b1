"""Interview records: rounds with their panel and slots, invitations and the seats booked."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.intake.models import Application, Candidacy
from recruitment.models import RolePage


class InterviewRound(models.Model):
    """One role's interview stage: how long, online or in person, who sits on the panel, until when to book.

    At most one live (not cancelled) round per role. A round is cancelled, with a notice to those
    invited, when the role's shortlist is reopened; it is closed (no more bookings or moves) when
    the city says so or its last slot has passed.
    """

    class Mode(models.TextChoices):
        ONLINE = "online", _("Online (video link per slot)")
        IN_PERSON = "in_person", _("In person")

    class Status(models.TextChoices):
        OPEN = "open", _("Open for booking")
        CLOSED = "closed", _("Closed")
        CANCELLED = "cancelled", _("Cancelled")

    role = models.ForeignKey(RolePage, on_delete=models.PROTECT, related_name="interview_rounds")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    length_minutes = models.PositiveSmallIntegerField("面接時間（分） Length (minutes)", default=30)
    mode = models.CharField("形式 Mode", max_length=10, choices=Mode.choices, default=Mode.ONLINE)
    place = models.CharField("場所 Place", max_length=200, blank=True, help_text="In person only.")
    cutoff_hours = models.PositiveSmallIntegerField(
        "変更締切（時間前） Cut-off (hours before)",
        default=24,
        help_text="Until how many hours before the slot the applicant may cancel or move it.",
    )
    panel = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="interview_panels", blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["role"], condition=~Q(status="cancelled"), name="interviews_one_live_round_per_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} ({self.get_status_display()})"


class InterviewSlot(models.Model):
    """A time the panel interviews, with its number of seats; ``booked`` counts the seats taken.

    Booking takes a seat with one conditional UPDATE (``booked < capacity``), so two people can
    never hold the last seat; the check constraint is the database's own guarantee of the same.
    """

    round = models.ForeignKey(InterviewRound, on_delete=models.CASCADE, related_name="slots")
    starts_at = models.DateTimeField("開始 Starts at")
    capacity = models.PositiveSmallIntegerField("定員 Seats", default=1)
    booked = models.PositiveSmallIntegerField(default=0, editable=False)
    video_url = models.URLField("ビデオ会議URL Video link", blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(booked__lte=F("capacity")), name="interviews_slot_not_overbooked"),
        ]

    def __str__(self) -> str:
        return f"{self.round.role} {self.starts_at:%Y-%m-%d %H:%M}"


class InterviewBooking(models.Model):
    """One person's seat in a slot. It covers the invitations that point at it: several roles of one
    application when their rounds share a panel, interviewed once.

    A cancelled booking keeps its row (``cancelled_at``) for the history; the seat is freed. A move
    changes the slot of the same row (``moved_at``, ``sequence`` + 1), so its calendar event (``uid``)
    is updated rather than doubled in the applicant's calendar.
    """

    slot = models.ForeignKey(InterviewSlot, on_delete=models.PROTECT, related_name="bookings")
    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="interview_bookings")
    accommodation = models.TextField(
        "配慮の希望 Accommodation",
        blank=True,
        help_text="Extra time, captions, sign language...: shown to the panel.",
    )
    booked_at = models.DateTimeField(default=timezone.now)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    #: The calendar event's UID: the same for the booking's whole life, moves included.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    #: The calendar event's SEQUENCE: 0 when booked, + 1 at each move (and at the cancellation).
    sequence = models.PositiveSmallIntegerField(default=0)
    moved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["slot__starts_at"]

    def __str__(self) -> str:
        return f"{self.application.reference} @ {self.slot}"


class InterviewInvitation(models.Model):
    """One shortlisted candidacy invited to one round; ``booking`` is the seat it holds now, if any."""

    round = models.ForeignKey(InterviewRound, on_delete=models.CASCADE, related_name="invitations")
    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="interview_invitations")
    invited_at = models.DateTimeField(default=timezone.now)
    booking = models.ForeignKey(
        InterviewBooking, null=True, blank=True, on_delete=models.SET_NULL, related_name="invitations"
    )

    class Meta:
        ordering = ["invited_at"]
        constraints = [
            models.UniqueConstraint(fields=["round", "candidacy"], name="interviews_one_invitation_per_round"),
        ]

    def __str__(self) -> str:
        return f"{self.candidacy.reference} → {self.round}"
