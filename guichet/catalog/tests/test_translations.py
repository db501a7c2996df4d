"""Procedures in English beside the French (catalog/translations.py): the overlay keeps
the French per text where the English is missing, answers stay French, a published version
keeps the English of its own French, and import/export carries the translations."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from guichet.catalog import actions
from guichet.catalog.exchange import export_procedure, import_procedure
from guichet.catalog.formschema import display_answers, form_field
from guichet.catalog.translations import (
    localized_fields,
    localized_template,
    localized_workflow,
    missing_count,
    translatable_groups,
    version_fields,
)
from guichet.catalog.workflow import Workflow, default_workflow
from guichet.organization.models import Organization, Service

FIELDS = [
    {"id": "step", "type": "page", "label": "Le problème"},
    {
        "id": "kind",
        "type": "choice",
        "label": "Type de problème",
        "help": "Choisissez le plus proche.",
        "choices": ["Nid-de-poule", "Éclairage"],
    },
    {
        "id": "day",
        "type": "date",
        "label": "Jour",
        "after": {"days_from_today": 0, "message": "Pas dans le passé."},
    },
]
ENGLISH = {
    "en": {
        "title": "Report a road problem",
        "fields": {
            "step": {"label": "The problem"},
            "kind": {"label": "Kind of problem", "choices": {"Nid-de-poule": "Pothole"}},
            "day": {"after_message": "Not in the past."},
        },
        "states": {"received": {"label": "Got it"}},
        "templates": {"done": {"subject": "Done ({{ reference }})"}},
    }
}


def test_french_readers_get_the_french():
    assert localized_fields(FIELDS, ENGLISH, "fr") is FIELDS


def test_english_overlays_each_text_and_keeps_the_french_where_missing():
    fields = localized_fields(FIELDS, ENGLISH, "en")
    assert fields[0]["label"] == "The problem"
    assert fields[1]["label"] == "Kind of problem"
    assert fields[1]["help"] == "Choisissez le plus proche."  # not translated: French
    assert fields[1]["choice_labels"] == {"Nid-de-poule": "Pothole"}
    assert fields[2]["after"]["message"] == "Not in the past."
    assert FIELDS[1]["label"] == "Type de problème"  # the document itself is untouched


def test_a_choice_shows_in_english_and_keeps_its_french_value():
    fields = localized_fields(FIELDS, ENGLISH, "en")
    field = form_field(fields[1])
    assert ("Nid-de-poule", "Pothole") in list(field.choices)
    assert ("Éclairage", "Éclairage") in list(field.choices)
    assert display_answers(fields, {"kind": "Nid-de-poule"}) == [("Kind of problem", "Pothole")]


def test_state_labels_for_citizens_only():
    workflow = Workflow(localized_workflow(default_workflow(), ENGLISH, "en"))
    state = workflow.state("received")
    assert state.label == "Got it"
    assert state.agent_label == "Reçue"  # agents read French
    with translation.override("en"):
        # Untranslated here: the software's own English for its default labels.
        assert (
            Workflow(localized_workflow(default_workflow(), ENGLISH)).state("submitted").label
            == "Submitted"
        )


def test_templates_per_text():
    template = {"subject": "Traitée ({{ reference }})", "body": "Bonjour"}
    english = localized_template(template, ENGLISH, "done", "en")
    assert english == {"subject": "Done ({{ reference }})", "body": "Bonjour"}
    assert localized_template(template, ENGLISH, "done", "fr") == template


@pytest.fixture
def procedure(org, service_a):
    procedure = actions.create_procedure(
        organization=org, service=service_a, title="Signaler un problème"
    )
    actions.update_procedure_fields(procedure=procedure, fields=FIELDS)
    procedure.refresh_from_db()
    return procedure


def save(procedure, **english):
    values = [
        (entry.path, english.get(entry.french, ""))
        for group in translatable_groups(procedure)
        for entry in group.entries
    ]
    return actions.update_procedure_translations(procedure=procedure, language="en", values=values)


def test_the_groups_list_every_text_and_count_what_is_missing(procedure):
    groups = translatable_groups(procedure)
    keys = [group.key for group in groups]
    assert keys == ["description", "field-step", "field-kind", "field-day", "states"]
    kind = groups[2]
    assert [entry.path for entry in kind.entries] == [
        ("fields", "kind", "label"),
        ("fields", "kind", "help"),
        ("fields", "kind", "choices", "Nid-de-poule"),
        ("fields", "kind", "choices", "Éclairage"),
    ]
    before = missing_count(procedure)
    save(procedure, **{"Type de problème": "Kind of problem", "Nid-de-poule": "Pothole"})
    procedure.refresh_from_db()
    assert missing_count(procedure) == before - 2
    assert procedure.translations["en"]["fields"]["kind"] == {
        "label": "Kind of problem",
        "choices": {"Nid-de-poule": "Pothole"},
    }


def test_a_published_version_keeps_the_english_of_its_french(procedure):
    save(procedure, **{"Type de problème": "Kind of problem"})
    actions.publish_procedure(procedure=procedure)
    procedure.refresh_from_db()
    version = procedure.current_version
    save(procedure, **{"Type de problème": "Type of issue"})
    version.refresh_from_db()
    assert version_fields(version, "en")[1]["label"] == "Kind of problem"
    # The title is not versioned: it reads the procedure's translations at once.
    save(procedure, **{"Signaler un problème": "Report a problem"})
    procedure.refresh_from_db()
    with translation.override("en"):
        assert procedure.display_title == "Report a problem"
    with translation.override("fr"):
        assert procedure.display_title == "Signaler un problème"


def test_an_unknown_language_is_refused(procedure):
    with pytest.raises(ValidationError):
        actions.update_procedure_translations(procedure=procedure, language="xx", values=[])


def test_export_and_import_carry_the_translations(procedure):
    save(procedure, **{"Type de problème": "Kind of problem", "Le problème": "The problem"})
    procedure.refresh_from_db()
    service = procedure.service
    service.translations = {"en": {"name": "Roads"}}
    service.save(update_fields=["translations"])
    exported = export_procedure(procedure)
    assert exported["translations"] == procedure.translations
    elsewhere = Organization.objects.create(name="Ailleurs", slug="ailleurs", reference_prefix="AI")
    imported = import_procedure(organization=elsewhere, document=exported, publish=True)
    assert imported.translations == procedure.translations
    assert imported.current_version.translations == procedure.translations
    assert Service.objects.get(organization=elsewhere).translations == {"en": {"name": "Roads"}}
    assert export_procedure(imported) == exported


def test_an_import_refuses_translations_of_the_wrong_shape(procedure, org):
    exported = export_procedure(procedure)
    for wrong in ([], {"en": "texte"}, {"xx": {}}, {"en": {"fields": {"kind": ["a"]}}}):
        with pytest.raises(ValidationError, match="translations"):
            import_procedure(organization=org, document={**exported, "translations": wrong})


def test_older_documents_without_translations_import(procedure, org):
    exported = export_procedure(procedure)
    del exported["translations"]
    assert import_procedure(organization=org, document=exported).translations == {}
