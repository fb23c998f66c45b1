"""What the statistics keep of their own: running tallies per call, how each application was sent, the survey.

- :class:`CallTally`: one counter per call and figure (total, day, prefecture, language, device, role ×
  status, survey answer), written in the transaction of the change by ``applications.statistics.tallies``,
  so the statistics page reads a hundred small rows instead of every application;
- :class:`SubmissionContext`: the device class an application was sent from (counted, never shown per
  application);
- :class:`SurveyAnswer`: the optional attribute survey an applicant may answer after submitting. It is kept
  apart from screening: no staff page, CSV or PDF of a candidacy reads it (the relations back from the
  application are hidden, ``related_name="+"``), and it feeds only the counts, small cells suppressed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from applications.intake.models import Application
from recruitment.models import CallPage


class Device(models.TextChoices):
    """The class of device an application was sent from (``applications.statistics.devices``)."""

    PHONE = "phone", _("Smartphone")
    TABLET = "tablet", _("Tablet")
    DESKTOP = "desktop", _("Computer")
    UNKNOWN = "unknown", _("Not known")


class CallTally(models.Model):
    """One running count of one call: ``dimension`` names the figure, ``key`` its value.

    ``count`` counts applications (for ``role``: candidacies, keyed ``<role id>:<status>``; for the
    survey's dimensions: answers); ``people`` counts people new to the call (``total``) or new to the
    call from that prefecture (``prefecture``). Written only by ``applications.statistics.tallies``.
    """

    call = models.ForeignKey(CallPage, on_delete=models.CASCADE, related_name="+")
    dimension = models.CharField(max_length=20)
    key = models.CharField(max_length=40, blank=True)
    count = models.IntegerField(default=0)
    people = models.IntegerField(default=0)

    class Meta:
        verbose_name = "集計 Tally"
        constraints = [models.UniqueConstraint(fields=["call", "dimension", "key"], name="one_tally_per_figure")]

    def __str__(self) -> str:
        return f"{self.call_id} {self.dimension}:{self.key} = {self.count}"


class SubmissionContext(models.Model):
    """How one application was sent (the device class), recorded by ``application_submit``; counted only."""

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="+")
    device = models.CharField(max_length=10, choices=Device.choices, default=Device.UNKNOWN)

    class Meta:
        verbose_name = "送信環境 Submission context"

    def __str__(self) -> str:
        return f"{self.application_id}: {self.device}"


class AgeBand(models.TextChoices):
    UNDER_20 = "under20", _("Under 20")
    TWENTIES = "20s", _("20s")
    THIRTIES = "30s", _("30s")
    FORTIES = "40s", _("40s")
    FIFTIES = "50s", _("50s")
    SIXTIES = "60s", _("60s")
    SEVENTY_PLUS = "70plus", _("70 or over")


class Occupation(models.TextChoices):
    EMPLOYEE = "employee", _("Company employee")
    PUBLIC = "public", _("Public servant")
    EXECUTIVE = "executive", _("Company director or owner")
    FREELANCE = "freelance", _("Self-employed or freelance")
    STUDENT = "student", _("Student")
    OTHER = "other", _("Other")


class HeardVia(models.TextChoices):
    CITY_WEBSITE = "city_site", _("The city's website")
    CITY_SNS = "city_sns", _("The city's social media")
    JOB_SITE = "job_site", _("A job or side-job website")
    NEWS = "news", _("News (paper, TV, online)")
    ACQUAINTANCE = "acquaintance", _("A friend or colleague")
    OTHER = "other", _("Other")


class SurveyAnswer(models.Model):
    """The optional survey of one application; a blank field means "not answered".

    Changed only through ``applications.statistics.services.survey_answer``, which keeps the tallies.
    """

    application = models.OneToOneField(Application, on_delete=models.CASCADE, related_name="+")
    call = models.ForeignKey(CallPage, on_delete=models.CASCADE, related_name="+")
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    occupation = models.CharField(max_length=12, choices=Occupation.choices, blank=True)
    heard_via = models.CharField(max_length=12, choices=HeardVia.choices, blank=True)
    answered_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "任意アンケート Optional survey"

    def __str__(self) -> str:
        return f"survey of application {self.application_id}"


#: The survey's questions, in order: (field name, its choices).
SURVEY_FIELDS: tuple[tuple[str, type[models.TextChoices]], ...] = (
    ("age_band", AgeBand),
    ("occupation", Occupation),
    ("heard_via", HeardVia),
)
#: Each question as the form and the figures title it.
SURVEY_TITLES = {
    "age_band": _("Age band"),
    "occupation": _("Occupation type"),
    "heard_via": _("How you heard of this call"),
}
