"""Labels, links, merges of duplicates and corrections of answers, through the domain
actions: what they write, what they refuse, what the journal keeps."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from guichet.cases import actions
from guichet.cases.models import Case, EventKind, Label
from guichet.catalog.workflow import MERGED_STATE, Category
from guichet.conftest import submit

pytestmark = pytest.mark.django_db


def last_event(case):
    return case.events.order_by("-pk").first()


def test_labels_are_the_organizations_found_whatever_the_case(procedure_a, agent_a):
    case = submit(procedure_a)
    actions.label_case(case=case, actor=agent_a, add=["  Élu   saisi ", "voirie"])
    other = submit(procedure_a)
    actions.label_case(case=other, actor=agent_a, add=["élu saisi"])  # the same label
    assert Label.objects.count() == 2
    assert sorted(case.labels.values_list("name", flat=True)) == ["voirie", "Élu saisi"]
    assert list(other.labels.values_list("name", flat=True)) == ["Élu saisi"]
    event = last_event(case)
    assert event.kind == EventKind.LABELED and not event.is_public
    assert event.payload == {"added": ["Élu saisi", "voirie"], "removed": []}

    actions.label_case(case=case, actor=agent_a, remove=["voirie"])
    assert list(case.labels.values_list("name", flat=True)) == ["Élu saisi"]
    assert last_event(case).payload == {"added": [], "removed": ["voirie"]}
    count = case.events.count()
    actions.label_case(case=case, actor=agent_a, add=["ÉLU SAISI"])  # already there
    assert case.events.count() == count


def test_labels_refuse_empty_long_names_and_outsiders(procedure_a, agent_a, agent_b):
    case = submit(procedure_a)
    with pytest.raises(ValidationError):
        actions.label_case(case=case, actor=agent_a, add=["   "])
    with pytest.raises(ValidationError):
        actions.label_case(case=case, actor=agent_a, add=["x" * 51])
    with pytest.raises(PermissionDenied):
        actions.label_case(case=case, actor=agent_b, add=["voirie"])
    assert not Label.objects.exists()


def test_labels_of_two_organizations_stay_apart(procedure_a, other_procedure, agent_a):
    from guichet.conftest import make_member

    case = submit(procedure_a)
    actions.label_case(case=case, actor=agent_a, add=["voirie"])
    elsewhere = submit(other_procedure)
    other_agent = make_member(
        "x@ailleurs.test", elsewhere.organization, "agent", [elsewhere.service]
    )
    actions.label_case(case=elsewhere, actor=other_agent, add=["voirie"])
    assert Label.objects.filter(name="voirie").count() == 2
    assert case.labels.get().organization_id != elsewhere.labels.get().organization_id


def test_linking_is_both_ways_and_journaled_on_both(procedure_a, agent_a):
    one, two = submit(procedure_a), submit(procedure_a)
    actions.link_cases(case=one, other=two, actor=agent_a)
    assert list(two.related.all()) == [one]
    assert last_event(one).payload["reference"] == two.reference
    assert last_event(two).payload == {"case": one.pk, "reference": one.reference, "linked": True}
    actions.link_cases(case=two, other=one, actor=agent_a, link=False)
    assert not one.related.exists()
    assert last_event(one).payload["linked"] is False
    with pytest.raises(ValidationError):
        actions.link_cases(case=one, other=one, actor=agent_a)


def test_linking_needs_both_cases_in_hand(procedure_a, procedure_b, agent_a):
    mine, theirs = submit(procedure_a), submit(procedure_b)
    with pytest.raises(PermissionDenied):
        actions.link_cases(case=mine, other=theirs, actor=agent_a)
    assert not mine.related.exists()


def test_merging_closes_the_duplicate_and_keeps_the_other(procedure_a, agent_a):
    kept, duplicate = submit(procedure_a), submit(procedure_a, contact_email="bob@example.test")
    duplicate = actions.merge_case(
        duplicate=duplicate, into=kept, actor=agent_a, reason="Même nid-de-poule"
    )
    duplicate.refresh_from_db()
    assert duplicate.state == MERGED_STATE and duplicate.category == Category.CLOSED
    assert duplicate.closed_at is not None and duplicate.merged_into == kept
    assert duplicate.state_info.is_closed
    assert str(duplicate.state_info.agent_label) == "Fusionnée (doublon)"
    # Nothing can be done any more from the merged state (not even "close", from any state).
    assert duplicate.get_workflow().transitions_for(duplicate.state, "admin") == []
    assert list(kept.merged_cases.all()) == [duplicate]
    assert list(kept.related.all()) == [duplicate]
    public = last_event(duplicate)
    assert public.kind == EventKind.MERGED and public.is_public
    assert public.payload["into"] == kept.pk and public.payload["reason"] == "Même nid-de-poule"
    internal = last_event(kept)
    assert internal.kind == EventKind.MERGED and not internal.is_public
    assert internal.payload["reference"] == duplicate.reference
    assert Case.objects.open().filter(pk=kept.pk).exists()


def test_merging_refuses_closed_cases_duplicates_and_outsiders(procedure_a, procedure_b, agent_a):
    kept, duplicate, third = (submit(procedure_a) for _ in range(3))
    actions.merge_case(duplicate=duplicate, into=kept, actor=agent_a)
    with pytest.raises(ValidationError):  # already closed
        actions.merge_case(duplicate=duplicate, into=third, actor=agent_a)
    with pytest.raises(ValidationError):  # into a merged (closed) case
        actions.merge_case(duplicate=third, into=duplicate, actor=agent_a)
    with pytest.raises(ValidationError):
        actions.merge_case(duplicate=third, into=third, actor=agent_a)
    with pytest.raises(PermissionDenied):
        actions.merge_case(duplicate=third, into=submit(procedure_b), actor=agent_a)
    third.refresh_from_db()
    assert not third.is_closed


def test_a_chain_of_merges_ends_on_the_case_kept(procedure_a, agent_a):
    first, second, third = (submit(procedure_a) for _ in range(3))
    actions.merge_case(duplicate=first, into=second, actor=agent_a)
    actions.merge_case(duplicate=second, into=third, actor=agent_a)
    first.refresh_from_db()
    assert first.merged_into == third
    assert sorted(third.merged_cases.values_list("pk", flat=True)) == sorted([first.pk, second.pk])


def test_answers_are_corrected_with_the_change_in_the_journal(procedure_a, agent_a):
    case = submit(procedure_a)
    case = actions.edit_answers(
        case=case,
        data={"kind": "Éclairage", "description": "Un trou devant le 12."},
        reason="Le demandeur a précisé au téléphone",
        actor=agent_a,
    )
    case.refresh_from_db()
    assert case.data == {"kind": "Éclairage", "description": "Un trou devant le 12."}
    event = last_event(case)
    assert event.kind == EventKind.ANSWERS_EDITED and event.is_public
    assert event.payload == {
        "changes": [
            {
                "field": "kind",
                "label": "Type de problème",
                "before": "Nid-de-poule",
                "after": "Éclairage",
            }
        ],
        "reason": "Le demandeur a précisé au téléphone",
    }
    assert "eclairage" in case.search_entry.text.split()  # found by its new answer


def test_bad_corrections_change_nothing(procedure_a, agent_a, agent_b):
    case = submit(procedure_a)
    before = dict(case.data)
    for data, reason, key in [
        ({"kind": "Volcan", "description": "x"}, "motif", "kind"),  # not a choice
        ({"kind": "Éclairage", "description": ""}, "motif", "description"),  # required
        ({"kind": "Éclairage", "description": "x"}, "  ", "reason"),
    ]:
        with pytest.raises(ValidationError) as error:
            actions.edit_answers(case=case, data=data, reason=reason, actor=agent_a)
        assert key in error.value.message_dict
    with pytest.raises(ValidationError):  # nothing changed
        actions.edit_answers(case=case, data=before, reason="motif", actor=agent_a)
    with pytest.raises(PermissionDenied):
        actions.edit_answers(
            case=case, data={**before, "kind": "Éclairage"}, reason="motif", actor=agent_b
        )
    actions.transition_case(case=case, transition="close", actor=agent_a)
    case.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.edit_answers(
            case=case, data={**before, "kind": "Éclairage"}, reason="motif", actor=agent_a
        )
    case.refresh_from_db()
    assert case.data == before
    assert not case.events.filter(kind=EventKind.ANSWERS_EDITED).exists()
