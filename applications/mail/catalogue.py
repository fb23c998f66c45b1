"""Every kind of email: who receives it, when it is sent, its wording and its placeholders.

One entry per kind in :data:`KINDS`, declared by stage in :mod:`applications.mail.kinds` (``receipt``,
``drafts``, ``results``, ``interviews``, ``decisions``, ``messages``) and assembled here: the label editors
see, the recipients (the applicant, or staff of the call: its contractors, its city's approvers), the trigger
that writes it (a function of :mod:`applications.mail.triggers`, named relative to that package), the beat
entry that runs it when it is scheduled (``CELERY_BEAT_SCHEDULE`` in ``portal/settings``), when it goes
out, and its default subject and body (translated through ``locale/``). The timings of the scheduled kinds
are the constants of their stage, re-exported here. City editors may override the wording of applicant
messages per language with a ``MessageTemplate`` snippet, checked on save against the placeholders of its
kind. Rendering (wording, links, HTML) is :mod:`applications.mail.rendering`.
"""

from __future__ import annotations

from applications.mail.kinds import decisions, drafts, interviews, messages, receipt, results
from applications.mail.kinds.base import APPLICANT, APPROVERS, CONTRACTORS, STAFF, Kind
from applications.mail.kinds.decisions import DECLINE_HINT, SHARED_REASON
from applications.mail.kinds.drafts import REMINDER_WINDOWS
from applications.mail.kinds.interviews import INTERVIEW_REMINDER_BEFORE
from applications.mail.kinds.receipt import DUPLICATE_NOTICE_INTERVAL
from applications.mail.kinds.results import CORRECTED_RESULTS, DIGEST_LOOKBACK

__all__ = [
    "APPLICANT",
    "APPLICANT_KINDS",
    "APPROVERS",
    "CONTRACTORS",
    "CORRECTED_RESULTS",
    "DECLINE_HINT",
    "DIGEST_LOOKBACK",
    "DUPLICATE_NOTICE_INTERVAL",
    "INTERVIEW_REMINDER_BEFORE",
    "KINDS",
    "REMINDER_WINDOWS",
    "SAMPLE",
    "SHARED_REASON",
    "STAFF",
    "Kind",
    "applicant_kind_choices",
]

#: Every kind by name, stage by stage.
KINDS: dict[str, Kind] = {
    **receipt.KINDS,
    **drafts.KINDS,
    **results.KINDS,
    **interviews.KINDS,
    **decisions.KINDS,
    **messages.KINDS,
}

#: The kinds sent to applicants, whose wording editors may change (``MessageTemplate``).
APPLICANT_KINDS = [name for name, kind in KINDS.items() if kind.to_applicant]


def applicant_kind_choices() -> list[tuple[str, str]]:
    """The choices of ``MessageTemplate.kind``: a callable, so that a new kind needs no migration."""
    return [(name, KINDS[name].label) for name in APPLICANT_KINDS]


#: Values used by the admin preview of a message template.
SAMPLE = {
    "name": "神戸 太郎",
    "reference": "KOBE-7K3M9Q",
    "call": "広報分野の副業人材",
    "role": "Instagram記事の作成",
    "roles": "  1. Instagram記事の作成",
    "deadline": "2026年12月24日 17:00",
    "hours": "23",
    "time_left": "23時間以上",
    "days": "21",
    "count": "42",
    "actor": "approver",
    "scope": "Instagram記事の作成",
    "comment": "",
    "result": "選考をやり直した結果、書類選考は通過となりました。",
    "code": "428193",
    "minutes": "15",
    "length": "30",
    "cutoff_hours": "24",
    "when": "2026年12月21日(月) 10:00",
    "where": "https://meet.example.jp/kobo-interview",
    "times": "・2026年12月22日(火) 14:00\n・2026年12月23日(水) 10:00",
    "reason": "",
    "decline": "",
}
