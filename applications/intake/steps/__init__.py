"""The application wizard's steps: one ordered declaration, each step a form that declares the rest.

A step is its form (fields, checks, the answers it keeps and the rows it shows back: see
``base.StepForm``) and its entry in ``STEPS``: its name (its URL: /apply/<call>/<name>/), its
template, and when it is shown. The wizard, the review step and the screeners' pages only walk
``STEPS``; adding a step is a form and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from applications.intake.steps.about import AboutYouForm, VerifyEmailForm
from applications.intake.steps.base import MAX_ROLES, NormalisedEmailField, StepForm
from applications.intake.steps.check import SelfCheckForm
from applications.intake.steps.consent import ConsentForm, ReviewStepForm
from applications.intake.steps.experience import ExperienceForm
from applications.intake.steps.portfolio import PortfolioForm
from applications.intake.steps.roles import RankForm, RolesForm, role_label, role_title
from applications.intake.steps.sidework import SideWorkForm

__all__ = [
    "MAX_ROLES",
    "STEPS",
    "STEP_BY_NAME",
    "AboutYouForm",
    "ConsentForm",
    "ExperienceForm",
    "NormalisedEmailField",
    "PortfolioForm",
    "RankForm",
    "ReviewStepForm",
    "RolesForm",
    "SelfCheckForm",
    "SideWorkForm",
    "Step",
    "StepForm",
    "VerifyEmailForm",
    "role_label",
    "role_title",
    "step_position",
]


@dataclass(frozen=True)
class Step:
    """One step of the wizard: its name (and URL), its form, its template and when it is shown."""

    name: str
    form: type[StepForm]
    template: str
    #: Shown only when this says so (given the wizard); always when None.
    when: Callable[[Any], bool] | None = None


def more_than_one_role(wizard: Any) -> bool:
    """The order of preference is asked only of those who chose more than one role."""
    return len(wizard.selected_role_ids()) > 1


#: The order of the wizard; the last step is the review, whose POST submits.
STEPS: list[Step] = [
    Step("roles", RolesForm, "applications/steps/roles.html"),
    Step("rank", RankForm, "applications/steps/fields.html", when=more_than_one_role),
    Step("check", SelfCheckForm, "applications/steps/check.html"),
    Step("about", AboutYouForm, "applications/steps/fields.html"),
    Step("verify", VerifyEmailForm, "applications/steps/verify.html"),
    Step("experience", ExperienceForm, "applications/steps/fields.html"),
    Step("portfolio", PortfolioForm, "applications/steps/portfolio.html"),
    Step("sidework", SideWorkForm, "applications/steps/fields.html"),
    Step("consent", ConsentForm, "applications/steps/consent.html"),
    Step("review", ReviewStepForm, "applications/steps/review.html"),
]
STEP_BY_NAME = {step.name: step for step in STEPS}


def step_position(steps: list[Step], name: str) -> tuple[int, int]:
    """The step's number and the number of steps, the same whatever is chosen on the way ("Step 2 of 9").

    A step shown only sometimes (``when``) is part of the step before it and has its number, so the
    count never changes under the person's feet (the order of preference belongs to choosing roles).
    """
    number = 0
    for step in steps:
        if step.when is None:
            number += 1
        if step.name == name:
            break
    return max(number, 1), sum(1 for step in steps if step.when is None)
