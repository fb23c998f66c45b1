"""What the person has done and likes doing."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.intake.steps.base import StepForm, required


class ExperienceForm(StepForm):
    """Step 4: occupation, experience, strengths and interests."""

    title = _("Experience and interests")
    hint = _(
        "Strengths and interests help match people to work: a football fan may be the right person "
        "to write about the city's football club."
    )
    answers_key = "experience"
    shown_to_staff = True
    OCCUPATIONS = [
        ("employee", _("Company employee (会社員)")),
        ("public_servant", _("Public servant (公務員)")),
        ("freelance", _("Freelance (フリーランス)")),
        ("student", _("Student (学生)")),
        ("other", _("Other (その他)")),
    ]
    occupation = forms.ChoiceField(
        label=_("Current occupation"),
        choices=OCCUPATIONS,
        widget=forms.RadioSelect,
        error_messages=required(_("Choose your current occupation.")),
    )
    experience = forms.CharField(
        label=_("Relevant experience"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Work you have done that relates to the roles, with years. Up to 2,000 characters."),
        error_messages=required(_("Describe your relevant experience.")),
    )
    strengths = forms.CharField(
        label=_("Strengths (強み)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages=required(_("Enter your strengths.")),
    )
    hobbies = forms.CharField(
        label=_("Hobbies and interests (趣味)"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
