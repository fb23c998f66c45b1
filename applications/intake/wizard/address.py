"""The "verify" step's work in the wizard: the address given on "about you", proven by an emailed code."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from applications.intake.verification import CodeCheck, email_code_check, email_code_issue
from applications.intake.views.common import mail_to_limited
from cms.web.limits import over_limit

#: The steps the wizard itself reads by name: where the address is given, and where it is proven.
ADDRESS_STEP, VERIFY_STEP = "about", "verify"


class AddressProof:
    """Reads the address of the "about you" step; checks and sends the codes that prove it."""

    request: Any
    storage: Any

    def applicant_email(self) -> str:
        """The address given on the "about you" step (as typed), or ''."""
        data = self.storage.get_step_data(ADDRESS_STEP)
        return unicodedata.normalize("NFKC", data.get(f"{ADDRESS_STEP}-email") or "").strip() if data else ""

    def check_code(self, code: str) -> str | None:
        """Check the typed code (counts a try); the message to show, or None when the address is proven."""
        outcome = email_code_check(draft=self.storage.draft, email=self.applicant_email(), code=code)
        if outcome is CodeCheck.VERIFIED:
            return None
        if outcome is CodeCheck.WRONG:
            return _("That code is not the one we sent. Check the latest email and type its 6 digits again.")
        return _("This code no longer works (it expired or was typed wrongly too often). Ask for a new code below.")

    def send_code(self) -> str:
        """Send a new code to the address given, within the limits; says what happened, for the step."""
        email = self.applicant_email()
        draft = self.storage.draft
        if not email or draft is None:
            return "no_email"
        if over_limit(self.request, "code", visitor=f"draft:{draft.pk}") or mail_to_limited(self.request, email):
            return "limited"
        email_code_issue(draft=draft, email=email, language=get_language() or "ja")
        return "sent"
