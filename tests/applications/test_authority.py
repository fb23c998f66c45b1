"""Authority per city (issue 18, finding 1): powers on a call come from that call's city and assignment.

City X plays Kobe and city Y plays Miki. Y's approver who is also an official of X, and
Y's contractor whom X made an approver, once approved, decided and read the audit log
wherever their site-wide group allowed it; now each may do on a call only what their
standing on that call gives (``applications.teams.authority``).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from applications.interviews.decisions import final_decision
from applications.mail.catalogue import APPROVERS
from applications.models import Assignment, Candidacy, OrganisationMember, OutboxEmail, Shortlist
from applications.screening.services import (
    ScreeningError,
    candidacy_transition,
    shortlist_decide,
    shortlist_reopen,
    shortlist_submit,
)
from applications.teams.authority import Power, decide, mail_recipients
from tests.applications.factories import candidacy
from tests.applications.teams_world import RUBRIC
from tests.recruitment import factories as f

pytestmark = pytest.mark.django_db
S = Candidacy.Status


def _closed_role(call):
    return f.role(call, rubric=RUBRIC, closes_at=timezone.now() - timedelta(hours=1), headcount=2)


def _submitted(call, contractor):
    """A closed role of ``call`` with one shortlisted candidacy, its shortlist submitted by ``contractor``."""
    role = _closed_role(call)
    person = candidacy(role)
    person = candidacy_transition(candidacy=person, to=S.IN_REVIEW, by=contractor, reason="書類確認")
    person = candidacy_transition(candidacy=person, to=S.SHORTLISTED, by=contractor, reason="上位")
    return person, shortlist_submit(role=role, by=contractor)


def _fresh(person: Candidacy) -> Candidacy:
    return Candidacy.objects.select_related("application__call", "role").get(pk=person.pk)


def test_y_approver_who_is_an_official_of_x_cannot_approve_decide_or_read_xs_audit(client, cities):
    both = cities.users["approver_y_official_x"]
    person, shortlist = _submitted(cities.call_x, cities.users["contractor_x"])

    with pytest.raises(ScreeningError):
        shortlist_decide(shortlist=shortlist, by=both, approve=True)
    assert Shortlist.objects.get(pk=shortlist.pk).status == Shortlist.Status.SUBMITTED

    shortlist_decide(shortlist=shortlist, by=cities.users["approver_x"], approve=True)
    with pytest.raises(ScreeningError):
        final_decision(candidacy=_fresh(person), by=both, outcome=S.NOT_SELECTED, reason="skills")
    with pytest.raises(ScreeningError):
        shortlist_reopen(shortlist=Shortlist.objects.get(pk=shortlist.pk), by=both, reason="見直し")
    assert _fresh(person).status == S.SHORTLISTED
    assert not OutboxEmail.objects.filter(kind__startswith="decision", to=person.applicant.email).exists()

    client.force_login(both)
    assert client.get(reverse("screening_dashboard", args=[cities.call_x.pk])).status_code == 200  # an official reads
    assert client.get(reverse("screening_audit", args=[cities.call_x.pk])).status_code == 403
    assert client.get(reverse("screening_audit", args=[cities.call_y.pk])).status_code == 200  # their own city


def test_y_contractor_made_an_approver_of_x_cannot_approve_its_own_y_shortlist_nor_decide_on_y(cities):
    both = cities.users["contractor_y_member_x"]
    person, shortlist = _submitted(cities.call_y, both)  # Y's contractor screens Y's call

    with pytest.raises(ScreeningError):
        shortlist_decide(shortlist=shortlist, by=both, approve=True)
    shortlist_decide(shortlist=shortlist, by=cities.users["approver_y"], approve=True)
    with pytest.raises(ScreeningError):
        final_decision(candidacy=_fresh(person), by=both, outcome=S.SELECTED, reason="strong_fit")
    assert _fresh(person).status == S.SHORTLISTED

    # On X, where they are a member and not a contractor, they are an approver like any other.
    x_person, x_shortlist = _submitted(cities.call_x, cities.users["contractor_x"])
    shortlist_decide(shortlist=x_shortlist, by=both, approve=True)
    final_decision(candidacy=_fresh(x_person), by=both, outcome=S.SELECTED, reason="strong_fit")
    assert _fresh(x_person).status == S.SELECTED


def test_who_submits_a_shortlist_does_not_approve_it(cities):
    # A superuser holds every power, but a second person approves what they submitted.
    admin = cities.users["superuser"]
    _person, shortlist = _submitted(cities.call_x, admin)
    with pytest.raises(ScreeningError) as refused:
        shortlist_decide(shortlist=shortlist, by=admin, approve=True)
    assert refused.value.message == gettext("You submitted this shortlist; another approver of the city decides on it.")
    assert Shortlist.objects.get(pk=shortlist.pk).status == Shortlist.Status.SUBMITTED
    shortlist_decide(shortlist=shortlist, by=cities.users["approver_x"], approve=True)
    assert Shortlist.objects.get(pk=shortlist.pk).decided_by == cities.users["approver_x"]


def test_a_contractor_of_a_call_holds_no_approver_power_on_it_even_as_the_citys_approver(cities):
    contractor = cities.users["contractor_x"]
    f.member(contractor, cities.org_x, "approver")
    person, shortlist = _submitted(cities.call_x, contractor)
    refused = decide(contractor, cities.call_x, Power.APPROVE)
    assert not refused
    assert refused.reason == gettext("You are a screening contractor of this call; its approval is someone else's.")
    with pytest.raises(ScreeningError):
        shortlist_decide(shortlist=shortlist, by=contractor, approve=False, comment="やり直し")
    shortlist_decide(shortlist=shortlist, by=cities.users["approver_x"], approve=True)
    with pytest.raises(ScreeningError):
        final_decision(candidacy=_fresh(person), by=contractor, outcome=S.SELECTED, reason="strong_fit")
    assert mail_recipients(cities.call_x, APPROVERS).filter(pk=contractor.pk).exists() is False


def test_an_assignment_gives_powers_only_between_its_dates(cities):
    contractor = cities.users["contractor_none"]
    today = timezone.localdate()
    assignment = Assignment.objects.create(user=contractor, call=cities.call_x, ends_on=today - timedelta(days=1))
    assert not decide(contractor, cities.call_x, Power.VIEW)
    assignment.ends_on = today
    assignment.save()
    contractor.__dict__.pop("_kobo_standing", None)  # a new request
    assert decide(contractor, cities.call_x, Power.REVIEW)
    assert not decide(contractor, cities.call_y, Power.VIEW)


def test_approvers_are_told_only_about_their_own_citys_calls(cities, django_capture_on_commit_callbacks):
    assert set(mail_recipients(cities.call_x, APPROVERS).values_list("username", flat=True)) == {
        "approver_x",
        "contractor_y_member_x",
    }
    assert set(mail_recipients(cities.call_y, APPROVERS).values_list("username", flat=True)) == {
        "approver_y",
        "approver_y_official_x",
    }
    with django_capture_on_commit_callbacks(execute=True):
        _submitted(cities.call_x, cities.users["contractor_x"])
    told = set(OutboxEmail.objects.filter(kind="shortlist_submitted").values_list("to", flat=True))
    assert told == {"approver_x@example.jp", "contractor_y_member_x@example.jp"}


def test_the_member_form_lists_only_the_citys_people_and_adds_others_by_email(client, cities):
    client.force_login(cities.users["approver_x"])
    form = client.get(reverse("organisationmember:add")).context["form"]
    offered = set(form.fields["user"].queryset.values_list("username", flat=True))
    assert offered == {
        "editor_x",
        "approver_x",
        "official_x",
        "contractor_x",
        "approver_y_official_x",
        "contractor_y_member_x",
    }
    assert not offered & {"approver_y", "contractor_none"}

    stranger = cities.users["approver_y"]
    picked = client.post(
        reverse("organisationmember:add"), {"organisation": cities.org_x.pk, "user": stranger.pk, "role": "approver"}
    )
    assert picked.status_code == 200
    assert [e.code for e in picked.context["form"].errors.as_data()["user"]] == ["invalid_choice"]  # by email instead
    unknown = client.post(
        reverse("organisationmember:add"),
        {"organisation": cities.org_x.pk, "email": "nobody@example.jp", "role": "official"},
    )
    assert "email" in unknown.context["form"].errors
    assert not OrganisationMember.objects.filter(user=stranger, organisation=cities.org_x).exists()

    by_email = client.post(
        reverse("organisationmember:add"),
        {"organisation": cities.org_x.pk, "email": "APPROVER_Y@example.jp", "role": "official"},
    )
    assert by_email.status_code == 302
    assert OrganisationMember.objects.get(user=stranger, organisation=cities.org_x).role == "official"
    # Made an official of X, Y's approver reads X's screening and approves nothing there.
    assert decide(stranger, cities.call_x, Power.VIEW)
    assert not decide(stranger, cities.call_x, Power.APPROVE)
    assert decide(stranger, cities.call_y, Power.APPROVE)


def test_the_assignment_form_lists_only_contractors_already_working_for_the_city(client, cities):
    client.force_login(cities.users["approver_x"])
    form = client.get(reverse("assignment:add")).context["form"]
    assert set(form.fields["user"].queryset.values_list("username", flat=True)) == {"contractor_x"}
    newcomer = cities.users["contractor_none"]
    response = client.post(reverse("assignment:add"), {"call": cities.call_x.pk, "email": newcomer.email})
    assert response.status_code == 302, response.context["form"].errors
    assert decide(newcomer, cities.call_x, Power.REVIEW)
    not_a_contractor = client.post(
        reverse("assignment:add"), {"call": cities.call_x.pk, "email": cities.users["official_x"].email}
    )
    assert "email" in not_a_contractor.context["form"].errors
