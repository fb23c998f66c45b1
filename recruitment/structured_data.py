"""Machine-readable descriptions of roles: schema.org ``JobPosting`` for search engines' job listings.

Follows Google's job-posting guidelines
(https://developers.google.com/search/docs/appearance/structured-data/job-posting).
The dictionary is turned into a ``<script type="application/ld+json">`` by
``{% job_posting_json_ld role call %}`` (``recruitment/templatetags/structured_data_tags.py``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import escape
from wagtail.rich_text import expand_db_html

if TYPE_CHECKING:
    from wagtail.models import Page

    from .models import CallPage, RolePage

JAPAN = ZoneInfo("Asia/Tokyo")

#: ``RolePage.pay_basis`` values that have a schema.org/Google ``unitText``. Google accepts only
#: HOUR, DAY, WEEK, MONTH and YEAR, so per-piece and per-project pay cannot be expressed.
SALARY_UNITS = {"month": "MONTH"}


def canonical_url(page: Page, request: HttpRequest | None = None) -> str:
    """The page's absolute URL in the active language, on the Wagtail ``Site`` it belongs to.

    The host comes from the ``Site`` record (as in ``/sitemap.xml``), not from the
    request's ``Host`` header, so every page has one canonical address however it was reached.
    """
    return page.get_full_url(request) or ""


def _localized(obj: Any, field: str) -> str:
    from cms.templatetags.kobo import localized_value

    return str(localized_value(obj, field).value or "")


def _description(role: RolePage) -> str:
    """The role's summary (escaped, as a paragraph) followed by its duties as HTML."""
    summary = _localized(role, "summary").strip()
    duties = expand_db_html(_localized(role, "duties"))
    return (f"<p>{escape(summary)}</p>" if summary else "") + duties


def _base_salary(role: RolePage) -> dict[str, Any] | None:
    """``baseSalary`` for roles paid per month with a ``pay_min``; ``None`` otherwise.

    Roles paid per piece or per project are left without ``baseSalary``: Google
    accepts only HOUR, DAY, WEEK, MONTH or YEAR as ``unitText``, and a per-piece
    amount labelled as any of those would be wrong. Their pay stays in the page text.
    """
    unit = SALARY_UNITS.get(role.pay_basis)
    if role.pay_min is None or unit is None:
        return None
    value: dict[str, Any] = {"@type": "QuantitativeValue", "unitText": unit}
    if role.pay_max and role.pay_max != role.pay_min:
        value |= {"minValue": role.pay_min, "maxValue": role.pay_max}
    else:
        value["value"] = role.pay_min
    return {"@type": "MonetaryAmount", "currency": "JPY", "value": value}


def job_posting(role: RolePage, call: CallPage, request: HttpRequest | None) -> dict[str, Any]:
    """schema.org ``JobPosting`` for ``role`` (a child of ``call``), ready for ``json.dumps``.

    - ``description``: the summary and the duties as HTML (Google allows ``<p>``, ``<ul>``, ``<li>``...).
    - ``datePosted``: the Japan-time date of first publication (today for an unpublished preview).
    - ``validThrough``: the deadline in Japan time with its ``+09:00`` offset.
    - ``employmentType``: always ``CONTRACTOR`` (calls are 業務委託, not employment).
    - Online roles are ``TELECOMMUTE``; partly-on-site roles get a ``jobLocation`` in the
      organisation's municipality (``addressLocality`` = the organisation's name, country JP).
      Either way applicants must be in Japan (``applicantLocationRequirements``).
    - ``baseSalary``: only for monthly pay with ``pay_min`` (see :func:`_base_salary`).
    - ``directApply`` is false: the page links on to a separate application form.
    """
    organisation = call.organisation
    hiring_organisation: dict[str, Any] = {"@type": "Organization", "name": organisation.name}
    if organisation.url:
        hiring_organisation["sameAs"] = organisation.url

    posted = role.first_published_at or timezone.now()
    data: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "JobPosting",
        "title": _localized(role, "title"),
        "description": _description(role),
        "identifier": {"@type": "PropertyValue", "name": organisation.name, "value": str(role.pk)},
        "datePosted": timezone.localtime(posted, JAPAN).date().isoformat(),
        "validThrough": timezone.localtime(role.closes_at, JAPAN).isoformat(timespec="seconds"),
        "employmentType": "CONTRACTOR",
        "hiringOrganization": hiring_organisation,
        "applicantLocationRequirements": {"@type": "Country", "name": "JP"},
        "directApply": False,
        "totalJobOpenings": role.headcount,
        "url": canonical_url(role, request),
    }
    if role.work_style == role.WorkStyle.ONLINE:
        data["jobLocationType"] = "TELECOMMUTE"
    else:
        data["jobLocation"] = {
            "@type": "Place",
            "address": {"@type": "PostalAddress", "addressLocality": organisation.name, "addressCountry": "JP"},
        }
    salary = _base_salary(role)
    if salary:
        data["baseSalary"] = salary
    return data
