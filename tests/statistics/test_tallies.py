"""The running tallies stay equal to what the rows give, through every service that changes a figure."""

from __future__ import annotations

import pytest

from applications.models import Application, CallTally, Candidacy
from applications.privacy.retention import application_erase
from applications.statistics.aggregates import call_statistics
from applications.statistics.services import survey_answer
from applications.statistics.tallies import call_tallies, tallies_rebuild
from tests.statistics.helpers import (
    expected_figures,
    first_candidacy,
    start_of_day,
    submit,
    tallies_equal_rows,
    withdraw,
)

pytestmark = pytest.mark.django_db
S = Candidacy.Status


@pytest.fixture
def kobe(kobe_world):
    return kobe_world


def test_submissions_moves_withdrawals_and_survey_answers_keep_the_tallies_equal_to_the_rows(kobe):
    call, (newsletter, instagram, quiet) = kobe
    assert tallies_equal_rows(call)  # after the fixture's submissions, shortlisting, hire and withdrawal
    late = submit(call, [quiet, instagram], email="late@example.jp", prefecture="北海道", when=start_of_day(5),
                  language="en", device="tablet")  # fmt: skip
    again = submit(call, [newsletter], email="LATE@example.jp", prefecture="北海道", when=start_of_day(4))
    assert tallies_equal_rows(call)
    withdraw(first_candidacy(late))
    survey_answer(application=late, answers={"age_band": "30s", "occupation": "freelance", "heard_via": "news"})
    survey_answer(application=again, answers={"age_band": "30s", "occupation": "", "heard_via": "bogus"})
    survey_answer(application=late, answers={"age_band": "40s", "occupation": "freelance", "heard_via": ""})
    assert tallies_equal_rows(call)

    stats = call_statistics(call=call)
    want = expected_figures(call)
    assert (stats.applications, stats.people) == (want["applications"], want["people"]) == (16, 12)
    assert {p.code: p.people for p in stats.prefectures} == want["prefectures"]
    assert stats.devices == dict(want["devices"])
    assert stats.survey_responses == want["survey_responses"] == 2
    assert (stats.survey["age_band"]["30s"], stats.survey["age_band"]["40s"]) == (1, 1)
    assert stats.survey["heard_via"] == dict.fromkeys(stats.survey["heard_via"], 0)  # "bogus" is no answer
    assert {r.role.pk: r.withdrawn for r in stats.roles}[quiet.pk] == want["by_role"][quiet.pk]["withdrawn"] == 1

    # A rebuild from the rows (for data loaded without the services) gives the same tallies.
    def nonzero(tallies):
        return {(d, k): v for d, keys in tallies.items() for k, v in keys.items() if any(v)}

    before = nonzero(call_tallies(call.pk))
    tallies_rebuild(call_id=call.pk)
    assert nonzero(call_tallies(call.pk)) == before


def test_an_erasure_keeps_the_counts_and_its_person(kobe):
    call, _roles = kobe
    before = call_statistics(call=call)
    # p4 applied twice; erasing the later application anonymises its address, not the count of people.
    second = Application.objects.filter(call=call, applicant__email_key="p4@example.jp").order_by("submitted_at")[1]
    application_erase(application=second)
    after = call_statistics(call=call)
    assert (after.applications, after.people) == (before.applications, before.people) == (14, 11)
    assert [r.candidacies for r in after.roles] == [r.candidacies for r in before.roles]
    assert sum(r.withdrawn for r in after.roles) == sum(r.withdrawn for r in before.roles) + 1  # erasing withdraws


def test_tallies_are_one_row_per_figure_whatever_the_number_of_applications(kobe):
    call, _roles = kobe
    rows = CallTally.objects.filter(call=call).count()
    for n in range(5):
        submit(call, [_roles[2]], email=f"more{n}@example.jp", when=start_of_day(8))
    # Same day, prefecture, language and device: the same rows, counted up (one more status of the quiet role).
    assert CallTally.objects.filter(call=call).count() <= rows + 1
    assert tallies_equal_rows(call)
