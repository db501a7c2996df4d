"""Acting for someone else: a mandate lets a helper file and follow a citizen's requests,
within its scope, until it expires or is revoked; the journal names both people."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from guichet.backoffice.journal import journal
from guichet.cases import actions
from guichet.cases.access import cases_for_helper, get_case_for_helper
from guichet.cases.models import EventKind, Mandate
from guichet.conftest import submit


@pytest.fixture
def mandate(org, citizen, other_citizen, procedure_a):
    """Alice lets Bob act for her on the road procedure only."""
    return actions.grant_mandate(
        organization=org,
        citizen=citizen,
        helper_email=other_citizen.email,
        all_procedures=False,
        procedures=[procedure_a],
        expires_on=timezone.localdate() + datetime.timedelta(days=30),
    )


def file_for_alice(procedure, helper, citizen):
    return submit(
        procedure,
        citizen=citizen,
        actor=helper,
        contact_name=citizen.get_full_name(),
        contact_email=citizen.email,
    )


def test_a_helper_files_within_the_mandate_and_the_journal_names_both(
    mandate, procedure_a, citizen, other_citizen
):
    case = file_for_alice(procedure_a, other_citizen, citizen)
    assert case.citizen == citizen
    event = case.events.get(kind=EventKind.SUBMITTED)
    assert event.actor == other_citizen
    assert event.payload["on_behalf_of"] == {
        "name": "Alice Martin",
        "citizen": citizen.pk,
        "as": "helper",
    }
    (entry,) = journal(case, [event], [])
    assert "Bob Durand" in entry.text
    assert "Alice Martin" in entry.text
    assert get_case_for_helper(other_citizen, case.organization, case.reference) == case


def test_a_helper_cannot_file_outside_the_scope(mandate, procedure_b, citizen, other_citizen):
    with pytest.raises(PermissionDenied):
        file_for_alice(procedure_b, other_citizen, citizen)


def test_a_helper_does_not_see_cases_outside_the_scope(
    mandate, org, procedure_a, procedure_b, citizen, other_citizen
):
    inside = submit(procedure_a, citizen=citizen)
    outside = submit(procedure_b, citizen=citizen)
    someone_else = submit(procedure_a)  # no account: not Alice's
    assert list(cases_for_helper(other_citizen, org)) == [inside]
    for case in (outside, someone_else):
        with pytest.raises(Http404):
            get_case_for_helper(other_citizen, org, case.reference)


def test_nobody_can_file_for_a_citizen_without_a_mandate(procedure_a, citizen, other_citizen):
    with pytest.raises(PermissionDenied):
        file_for_alice(procedure_a, other_citizen, citizen)


def test_revocation_takes_effect_at_once(mandate, org, procedure_a, citizen, other_citizen):
    case = submit(procedure_a, citizen=citizen)
    assert get_case_for_helper(other_citizen, org, case.reference) == case
    actions.revoke_mandate(mandate=mandate)
    with pytest.raises(Http404):
        get_case_for_helper(other_citizen, org, case.reference)
    with pytest.raises(PermissionDenied):
        file_for_alice(procedure_a, other_citizen, citizen)
    with pytest.raises(PermissionDenied):
        actions.post_message(case=case, body="Bonjour", from_citizen=True, author=other_citizen)


def test_expiry_takes_effect_at_once(mandate, org, procedure_a, citizen, other_citizen):
    case = submit(procedure_a, citizen=citizen)
    # The mandate ran until yesterday.
    Mandate.objects.filter(pk=mandate.pk).update(
        expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    with pytest.raises(Http404):
        get_case_for_helper(other_citizen, org, case.reference)
    with pytest.raises(PermissionDenied):
        file_for_alice(procedure_a, other_citizen, citizen)


def test_a_mandate_lasts_through_its_last_day(mandate, org, procedure_a, citizen, other_citizen):
    case = submit(procedure_a, citizen=citizen)
    Mandate.objects.filter(pk=mandate.pk).update(expires_on=timezone.localdate())
    assert get_case_for_helper(other_citizen, org, case.reference) == case


def test_a_helper_message_is_journaled_for_the_citizen(
    mandate, procedure_a, citizen, other_citizen
):
    case = submit(procedure_a, citizen=citizen)
    message = actions.post_message(
        case=case, body="Je complète pour Alice.", from_citizen=True, author=other_citizen
    )
    event = case.events.get(kind=EventKind.MESSAGE)
    assert event.actor == other_citizen
    assert event.payload["on_behalf_of"]["name"] == "Alice Martin"
    (entry,) = journal(case, [event], [message])
    assert "Bob Durand" in entry.text and "Alice Martin" in entry.text


def test_an_agent_filing_for_a_citizen_is_journaled_the_same_way(procedure_a, agent_a):
    case = submit(
        procedure_a,
        channel="phone",
        actor=agent_a,
        contact_name="Chantal Petit",
        contact_email="",
        contact_phone="06 12 34 56 78",
    )
    event = case.events.get(kind=EventKind.SUBMITTED)
    assert event.actor == agent_a
    assert event.payload["on_behalf_of"]["as"] == "agent"
    assert event.payload["on_behalf_of"]["name"] == "Chantal Petit"
    (entry,) = journal(case, [event], [])
    assert "Anne" in entry.text and "Chantal Petit" in entry.text


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"helper_email": "not-an-address"}, "helper_email"),
        ({"helper_email": "alice@example.test"}, "helper_email"),
        ({"all_procedures": False, "procedures": []}, "procedures"),
        ({"expires_on": datetime.date(2000, 1, 1)}, "expires_on"),
    ],
)
def test_a_bad_mandate_is_refused_with_a_reason(org, citizen, changes, field):
    kwargs = {"organization": org, "citizen": citizen, "helper_email": "bob@example.test"}
    with pytest.raises(ValidationError) as error:
        actions.grant_mandate(**kwargs | changes)
    assert field in error.value.message_dict


def test_a_mandate_cannot_name_another_organizations_procedure(org, citizen, other_procedure):
    with pytest.raises(ValidationError):
        actions.grant_mandate(
            organization=org,
            citizen=citizen,
            helper_email="bob@example.test",
            all_procedures=False,
            procedures=[other_procedure],
        )


def test_a_mandate_for_all_procedures_covers_them_all(
    org, citizen, other_citizen, procedure_a, procedure_b
):
    actions.grant_mandate(organization=org, citizen=citizen, helper_email=other_citizen.email)
    assert file_for_alice(procedure_b, other_citizen, citizen).citizen == citizen
