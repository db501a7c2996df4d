"""The quality check before publishing: a fixture procedure with one problem of each kind
is flagged for each, a clean one for none; warnings link to where to fix them and never
block publishing."""

import pytest
from django.urls import reverse

from guichet.catalog import actions
from guichet.catalog.models import Procedure
from guichet.catalog.quality import quality_report
from guichet.catalog.translations import translatable_groups

pytestmark = pytest.mark.django_db

CLEAN_FIELDS = [
    {"id": "address", "type": "text", "label": "Adresse du logement", "required": True},
    {
        "id": "photo",
        "type": "file",
        "label": "Photo du problème",
        "help": "Une photo JPEG ou PNG, 10 Mo au plus.",
    },
]


@pytest.fixture
def clean(org, service_a):
    procedure = actions.create_procedure(
        organization=org, service=service_a, title="Signaler un problème de voirie"
    )
    actions.update_procedure_fields(procedure=procedure, fields=CLEAN_FIELDS)
    procedure.refresh_from_db()
    translate(procedure)
    return procedure


def translate(procedure):
    """Gives every text of the draft an English version (a clean procedure has one)."""
    values = [
        (entry.path, f"EN {entry.french}")
        for group in translatable_groups(procedure)
        for entry in group.entries
    ]
    actions.update_procedure_translations(procedure=procedure, language="en", values=values)
    procedure.refresh_from_db()


@pytest.fixture
def faulty(org, service_a):
    """One problem of each kind. Written straight to the draft: the designer's own checks
    refuse a field without a label, an import from elsewhere may still bring one."""
    procedure = actions.create_procedure(
        organization=org, service=service_a, title="Demander un permis de construire"
    )
    procedure.fields = [
        {"id": "nolabel", "type": "text", "label": ""},
        {"id": "plan", "type": "file", "label": "Plan de masse"},
        {"id": "jargon", "type": "text", "label": "Nom du pétitionnaire", "help": "Obligatoire."},
        {
            "id": "long",
            "type": "text",
            "label": "Veuillez indiquer ici de la manière la plus précise possible le nombre "
            "exact de pièces que comporte votre futur logement",
        },
        {
            "id": "longhelp",
            "type": "text",
            "label": "Surface",
            "help": "La surface de plancher est la somme des surfaces de tous les niveaux clos "
            "et couverts calculée à partir du nu intérieur des façades après déduction des "
            "vides et trémies.",
        },
        {"id": "birth", "type": "date", "label": "Date de naissance"},
        {
            "id": "receipt",
            "type": "file",
            "label": "Accusé de réception de votre dépôt",
            "help": "Le PDF reçu.",
        },
    ]
    procedure.deadline = {}
    procedure.save(update_fields=["fields", "deadline"])
    return procedure


def codes(procedure):
    return [(warning.code, warning.field_id) for warning in quality_report(procedure)]


def test_a_clean_procedure_gets_no_warning(clean):
    assert quality_report(clean) == []


def test_each_problem_of_the_fixture_is_flagged(faulty):
    assert codes(faulty) == [
        ("no_label", "nolabel"),
        ("no_help", "plan"),
        ("jargon", "jargon"),
        ("long_label", "long"),
        ("long_sentence", "longhelp"),
        ("tell_us_once", "birth"),
        ("produced_document", "receipt"),
        ("no_deadline", None),
        ("missing_english", None),
    ]


def test_a_document_the_workflow_produces_is_not_to_be_uploaded(clean):
    templates = {"certif": {"subject": "Attestation de dépôt {{ reference }}", "body": "Fait."}}
    actions.update_procedure_templates(procedure=clean, templates=templates)
    workflow = clean.workflow
    workflow["transitions"][0].setdefault("actions", []).append(
        {"type": "document", "template": "certif"}
    )
    actions.update_procedure_workflow(procedure=clean, workflow=workflow)
    fields = [
        *CLEAN_FIELDS,
        {"id": "att", "type": "file", "label": "Attestation de dépôt", "help": "PDF."},
    ]
    actions.update_procedure_fields(procedure=clean, fields=fields)
    clean.refresh_from_db()
    # The new field has no English yet: that is flagged too.
    assert codes(clean) == [("produced_document", "att"), ("missing_english", None)]


def test_a_legal_deadline_set_clears_its_warning(faulty):
    Procedure.objects.filter(pk=faulty.pk).update(deadline={"days": 40})
    faulty.refresh_from_db()
    assert ("no_deadline", None) not in codes(faulty)


def test_the_page_links_each_warning_to_its_place(client, administrator, faulty, clean):
    client.force_login(administrator)
    page = client.get(reverse("backoffice:procedure_quality", args=[faulty.pk]))
    assert page.status_code == 200
    text = page.text
    assert "9 points à revoir" in text
    assert reverse("backoffice:procedure_translations", args=[faulty.pk]) in text
    assert reverse("backoffice:procedure_field", args=[faulty.pk, "birth"]) in text
    assert reverse("backoffice:procedure_deadline", args=[faulty.pk]) in text
    assert "écrivez plutôt « vous »" in text
    page = client.get(reverse("backoffice:procedure_quality", args=[clean.pk]))
    assert "Rien à signaler." in page.text


def test_warnings_do_not_block_publishing(clean):
    fields = [*CLEAN_FIELDS, {"id": "birth", "type": "date", "label": "Date de naissance"}]
    actions.update_procedure_fields(procedure=clean, fields=fields)
    clean.refresh_from_db()
    assert codes(clean) == [("tell_us_once", "birth"), ("missing_english", None)]
    actions.publish_procedure(procedure=clean)
    clean.refresh_from_db()
    assert clean.current_version is not None


def test_missing_english_counts_the_untranslated_texts(clean):
    assert ("missing_english", None) not in codes(clean)
    english = clean.translations["en"]
    del english["fields"]["photo"]["help"]
    del english["title"]
    Procedure.objects.filter(pk=clean.pk).update(translations=clean.translations)
    clean.refresh_from_db()
    [warning] = [w for w in quality_report(clean) if w.code == "missing_english"]
    assert warning.message.startswith("2 textes n'ont pas de version anglaise")
    assert warning.section == "procedure_translations"


def test_the_default_states_count_as_translated_by_the_software(clean):
    """The default workflow's labels come with their English (the message catalogue)."""
    english = clean.translations["en"]
    del english["states"]
    Procedure.objects.filter(pk=clean.pk).update(translations=clean.translations)
    clean.refresh_from_db()
    assert ("missing_english", None) not in codes(clean)
