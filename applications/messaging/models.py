"""The messages of a candidacy's thread: staff ask, the applicant answers (optionally with a checked file)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from applications.intake.models import Candidacy, private_storage

#: The longest message either side may write.
MAX_MESSAGE_LENGTH = 4000


class CandidacyMessage(models.Model):
    """One message about one candidacy, from the city's side (``staff``) or from the applicant.

    Written only by ``applications.messaging.services``. No address of either side is kept
    here: the applicant is reached through the outbox at the address of their application, and
    staff through their accounts. A file of the applicant's is stored in private storage under a
    generated name (``file``); its original name is kept for display only.
    """

    class Sender(models.TextChoices):
        STAFF = "staff", pgettext_lazy("messages", "The selection team")
        APPLICANT = "applicant", pgettext_lazy("messages", "Applicant")

    candidacy = models.ForeignKey(Candidacy, on_delete=models.CASCADE, related_name="messages")
    sender = models.CharField(max_length=10, choices=Sender.choices)
    #: The staff member who wrote it (None for the applicant's answers).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField("本文 Message", max_length=MAX_MESSAGE_LENGTH)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    #: When the other side first opened it (the applicant for a staff message; staff for an answer).
    read_at = models.DateTimeField(null=True, blank=True)
    file = models.FileField(storage=private_storage, upload_to="messages/%Y/%m/", max_length=200, blank=True)
    file_name = models.CharField(max_length=255, blank=True)
    file_type = models.CharField(max_length=50, blank=True)
    file_size = models.PositiveIntegerField(default=0)
    file_sha256 = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = "メッセージ Message"
        verbose_name_plural = "メッセージ Messages"
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["candidacy", "created_at"], name="message_thread")]

    def __str__(self) -> str:
        return f"{self.sender} message on {self.candidacy_id}"
