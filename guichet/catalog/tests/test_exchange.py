"""Procedures exported as JSON and imported elsewhere behave as they did at home."""

import copy
import datetime
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from guichet.cases.actions import submit_case, transition_case
from guichet.cases.models import EventKind
from guichet.catalog.exchange import FORMAT, dumps, export_procedure, import_procedure
from guichet.catalog.models import Procedure, ProcedureVersion, Theme
from guichet.catalog.workflow import default_workflow
from guichet.conftest import make_member, published
from guichet.organization.models import Organization, Role, Service

pytestmark = pytest.mark.django_db


def square(west, south, east, north):
    return {
        "type": "Polygon",
        "coordinates": [
            [[west, south], [east, south], [east, north], [west, north], [west, south]]
        ],
    }


FIELDS = [
    {
        "id": "kind",
        "type": "choice",
        "label": "Type de problème",
        "required": True,
        "choices": ["Nid-de-poule", "Éclairage", "Dépôt sauvage"],
    },
    {
        "id": "district",
        "type": "choice",
        "label": "Quartier",
        "choices": ["Nord", "Centre", "Sud"],
    },
    {"id": "count", "type": "number", "label": "Nombre d'objets", "min": 1, "max": 50},
    {"id": "description", "type": "textarea", "label": "Description", "required": True},
    {"id": "photo", "type": "file", "label": "Photo"},
]
ROUTING = [
    {"service": "voirie-nord", "when": {"field": "district", "op": "equals", "value": "Nord"}},
    {
        "service": "encombrants",
        "when": {
            "all": [
                {"field": "kind", "op": "equals", "value": "Dépôt sauvage"},
                {"field": "count", "op": "gt", "value": 3},
            ]
        },
    },
    {"location": True},
]
TEMPLATES = {
    "ask": {
        "subject": "Votre demande {{ reference }} : un complément est nécessaire",
        "body": "Bonjour {{ name }},\n\nPouvez-vous préciser l'emplacement ?",
    }
}
DEADLINE = {"days": 15, "unit": "business", "alsace_moselle": False, "at_risk_days": 3}
EAST, WEST = square(2.32, 48.84, 2.36, 48.88), square(2.28, 48.84, 2.32, 48.88)


def workflow():
    document = default_workflow()
    document["transitions"].append(
        {
            "code": "to_bulky",
            "from": ["received"],
            "to": "in_progress",
            "label": "Confier aux encombrants",
            "roles": ["agent", "supervisor", "admin"],
            "actions": [{"type": "assign_service", "service": "encombrants"}],
        }
    )
    return document


@pytest.fixture
def procedure(org):
    make = Service.objects.create
    voirie = make(
        organization=org,
        name="Voirie",
        slug="voirie",
        email="voirie@demoville.test",
        phone="+33123456789",
        address="1 place de la Mairie",
        opening_hours="Du lundi au vendredi, 9 h – 17 h",
    )
    make(organization=org, name="Voirie nord", slug="voirie-nord")
    make(organization=org, name="Encombrants", slug="encombrants", email="dechets@demoville.test")
    make(organization=org, name="Secteur est", slug="secteur-est", area=EAST)
    make(organization=org, name="Secteur ouest", slug="secteur-ouest", area=WEST)
    make(organization=org, name="État civil", slug="etat-civil")  # named by nothing
    return published(
        Procedure.objects.create(
            organization=org,
            service=voirie,
            title="Signaler un problème sur la voirie",
            slug="signaler-voirie",
            summary="Un trou, un lampadaire éteint, un dépôt sauvage ?",
            description="Nous intervenons sous quinze jours ouvrés.",
            theme=Theme.ROADS,
            asks_location=True,
            processing_days=15,
            fields=FIELDS,
            workflow=workflow(),
            deadline=DEADLINE,
            routing=ROUTING,
            templates=TEMPLATES,
        )
    )


@pytest.fixture
def fresh_org(db):
    organization = Organization.objects.create(
        name="Commune nouvelle", slug="nouvelle", reference_prefix="CN"
    )
    assert not organization.services.exists() and not organization.procedures.exists()
    return organization


def without_slug(document):
    document = copy.deepcopy(document)
    document.pop("slug")
    return document


# Answers and points that take every path of the routing rules, and a refused one.
SCENARIOS = [
    ({"kind": "Nid-de-poule", "district": "Nord", "description": "Un trou."}, {}),
    ({"kind": "Dépôt sauvage", "count": 5, "description": "Des meubles."}, {}),
    ({"kind": "Dépôt sauvage", "count": 2, "description": "Deux sacs."}, {}),
    (
        {"kind": "Éclairage", "description": "Éteint."},
        {"latitude": 48.86, "longitude": 2.34, "address": "3 rue de l'Est"},
    ),
    ({"kind": "Éclairage", "description": "Éteint."}, {"latitude": 48.86, "longitude": 2.30}),
    ({"kind": "Éclairage", "description": "Éteint."}, {"latitude": 45.76, "longitude": 4.83}),
    ({"kind": "Nid-de-poule", "district": "Sud", "description": "Un trou."}, {}),
]


def file(procedure, answers, point, at):
    return submit_case(
        procedure=procedure,
        data=answers,
        channel="web",
        contact_name="Alice Martin",
        contact_email="alice@example.test",
        submitted_at=at,
        **point,
    )


def behaviour(case):
    """What a case became, in terms that do not depend on the organization's identifiers."""
    workflow = case.get_workflow()
    submitted = case.events.get(kind=EventKind.SUBMITTED).payload
    return {
        "service": case.service.slug,
        "state": case.state,
        "category": case.category,
        "answers": case.data,
        "due_at": case.due_at,
        "routing": submitted["routing"],
        "transitions": [(t.code, t.target, t.label) for t in workflow.transitions_from(case.state)],
    }


def test_a_procedure_exported_then_imported_elsewhere_behaves_identically(procedure, fresh_org):
    text = dumps(export_procedure(procedure))
    imported = import_procedure(organization=fresh_org, document=json.loads(text), publish=True)

    assert imported.organization == fresh_org and imported.is_published
    assert imported.service.slug == "voirie" and imported.service.organization == fresh_org
    assert sorted(fresh_org.services.values_list("slug", flat=True)) == [
        "encombrants",
        "secteur-est",
        "secteur-ouest",
        "voirie",
        "voirie-nord",
    ]
    # The same form, workflow, deadline, rules and templates, frozen in the first version.
    home, away = procedure.current_version, imported.current_version
    for part in ("fields", "workflow", "deadline", "routing", "templates"):
        assert getattr(away, part) == getattr(home, part), part
    assert away.number == 1

    at = timezone.make_aware(datetime.datetime(2025, 3, 14, 10, 30))
    services = set()
    for answers, point in SCENARIOS:
        here, there = file(procedure, answers, point, at), file(imported, answers, point, at)
        assert there.organization == fresh_org and there.service.organization == fresh_org
        assert behaviour(there) == behaviour(here)
        services.add(here.service.slug)
    assert services == {"voirie-nord", "encombrants", "secteur-est", "secteur-ouest", "voirie"}

    # The same answers are refused with the same messages.
    bad = {"kind": "Inondation", "count": 99}
    with pytest.raises(ValidationError) as at_home:
        file(procedure, bad, {}, at)
    with pytest.raises(ValidationError) as elsewhere:
        file(imported, bad, {}, at)
    assert elsewhere.value.message_dict == at_home.value.message_dict

    # And the cases move along the same workflow, with its service-assigning transition.
    home_agent = make_member("chef@demoville.test", procedure.organization, Role.ADMINISTRATOR, [])
    away_agent = make_member("chef@nouvelle.test", fresh_org, Role.ADMINISTRATOR, [])
    answers, point = SCENARIOS[0]
    here, there = file(procedure, answers, point, at), file(imported, answers, point, at)
    for step in ("receive", "to_bulky", "ask", "resume", "accept"):
        here = transition_case(case=here, transition=step, actor=home_agent, comment="Vu.")
        there = transition_case(case=there, transition=step, actor=away_agent, comment="Vu.")
        assert behaviour(there) == behaviour(here), step


def test_export_then_import_then_export_gives_the_same_document(procedure, fresh_org):
    exported = export_procedure(procedure)
    elsewhere = import_procedure(organization=fresh_org, document=exported)
    assert export_procedure(elsewhere) == exported
    # At home, the slug is taken: the copy gets another; it reuses the services.
    services = Service.objects.count()
    copy_at_home = import_procedure(organization=procedure.organization, document=exported)
    assert copy_at_home.slug == "signaler-voirie-2"
    assert Service.objects.count() == services
    assert without_slug(export_procedure(copy_at_home)) == without_slug(exported)


def test_a_procedure_survives_the_loss_of_its_organization(procedure):
    """Exported to a file, the organization wiped out, imported into an empty database."""
    text = dumps(export_procedure(procedure))
    Procedure.objects.filter(organization=procedure.organization).delete()
    procedure.organization.delete()
    assert not Organization.objects.exists() and not Service.objects.exists()
    assert not ProcedureVersion.objects.exists()

    reborn = Organization.objects.create(name="Ville de Démoville", slug="demoville")
    imported = import_procedure(organization=reborn, document=text, publish=True)
    assert imported.slug == "signaler-voirie"
    assert dumps(export_procedure(imported)) == text
    case = file(imported, *SCENARIOS[3], at=None)
    assert case.service.slug == "secteur-est"


def test_the_retention_travels_and_older_documents_without_it_are_read(procedure, fresh_org):
    from guichet.catalog.actions import update_procedure_retention

    procedure = update_procedure_retention(procedure=procedure, months=60, action="delete")
    document = export_procedure(procedure)
    assert (document["retention_months"], document["retention_action"]) == (60, "delete")
    elsewhere = import_procedure(organization=fresh_org, document=document)
    assert (elsewhere.retention_months, elsewhere.retention_action) == (60, "delete")
    del document["retention_months"], document["retention_action"]
    older = import_procedure(organization=fresh_org, document=document)
    assert (older.retention_months, older.retention_action) == (None, "anonymize")


def test_the_export_names_the_services_it_needs(procedure):
    document = export_procedure(procedure)
    assert document["format"] == FORMAT and document["format_version"] == 1
    assert document["service"] == "voirie"
    assert [service["slug"] for service in document["services"]] == [
        "voirie",
        "voirie-nord",
        "encombrants",
        "secteur-est",
        "secteur-ouest",
    ]
    voirie = document["services"][0]
    assert voirie == {
        "slug": "voirie",
        "name": "Voirie",
        "email": "voirie@demoville.test",
        "phone": "+33123456789",
        "address": "1 place de la Mairie",
        "opening_hours": "Du lundi au vendredi, 9 h – 17 h",
        "area": None,
        "translations": {},
    }
    assert document["services"][3]["area"] == EAST
    # Without a rule that routes to any area, the area services stay at home.
    procedure.routing = ROUTING[:2]
    procedure.save()
    slugs = [service["slug"] for service in export_procedure(procedure)["services"]]
    assert slugs == ["voirie", "voirie-nord", "encombrants"]
    assert json.loads(dumps(document)) == document


def test_import_uses_the_services_already_there_and_creates_the_others(procedure, fresh_org):
    mine = Service.objects.create(organization=fresh_org, name="Ma voirie", slug="voirie")
    imported = import_procedure(organization=fresh_org, document=export_procedure(procedure))
    assert imported.service == mine
    mine.refresh_from_db()
    assert mine.name == "Ma voirie" and mine.email == ""  # left as it was
    assert Service.objects.get(organization=fresh_org, slug="secteur-est").area == EAST
    assert not imported.is_published and imported.current_version is None


def test_import_picks_a_free_slug(procedure):
    document = export_procedure(procedure)
    slugs = [
        import_procedure(organization=procedure.organization, document=document).slug
        for _ in range(3)
    ]
    assert slugs == ["signaler-voirie-2", "signaler-voirie-3", "signaler-voirie-4"]


def test_import_publishes_on_request_with_the_actor(procedure, fresh_org):
    actor = make_member("admin@nouvelle.test", fresh_org, Role.ADMINISTRATOR, [])
    imported = import_procedure(
        organization=fresh_org, document=export_procedure(procedure), actor=actor, publish=True
    )
    assert imported.is_published and imported.current_version.published_by == actor


# --- Bad documents --------------------------------------------------------------------------


def document_with(procedure, **changes):
    document = export_procedure(procedure)
    for key, value in changes.items():
        if value is ...:
            document.pop(key)
        else:
            document[key] = value
    return document


def refused(organization, document) -> list[str]:
    procedures, services = Procedure.objects.count(), Service.objects.count()
    with pytest.raises(ValidationError) as error:
        import_procedure(organization=organization, document=document, publish=True)
    assert Procedure.objects.count() == procedures and Service.objects.count() == services
    assert error.value.messages
    return error.value.messages


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"format": ...}, "n'est pas une démarche exportée par Guichet"),
        ({"format": "wcs.formdef"}, "n'est pas une démarche exportée par Guichet"),
        ({"format_version": 2}, "Version de format « 2 » non prise en charge"),
        ({"format_version": "1"}, "Version de format « 1 » non prise en charge"),
        ({"format_version": True}, "non prise en charge"),
        ({"format_version": ...}, "Version de format « None »"),
        ({"fields": ..., "routing": ...}, "Clés manquantes dans le document : fields, routing."),
        ({"fields": {"kind": "choice"}}, "« fields » doit être de type liste."),
        ({"workflow": []}, "« workflow » doit être de type objet."),
        ({"asks_location": "oui"}, "« asks_location » doit être de type booléen."),
        ({"processing_days": "15"}, "« processing_days » doit être de type nombre entier"),
        ({"processing_days": True}, "« processing_days » doit être de type nombre entier"),
        ({"processing_days": -1}, "« processing_days » ne peut pas être négatif."),
        ({"processing_days": 10**30}, "processing_days"),
        ({"retention_months": 0}, "« retention_months » est un nombre de mois de 1 à 120"),
        ({"retention_months": "24"}, "« retention_months » doit être de type nombre entier"),
        ({"retention_action": "burn"}, "« retention_action » vaut « anonymize » ou « delete »."),
        ({"title": "  "}, "« title » est vide."),
        ({"title": "x" * 300}, "title"),
        ({"slug": "signaler voirie !"}, "« slug » ne doit contenir que"),
        ({"theme": "sport"}, "Thème inconnu « sport »"),
        ({"templates": {"ask": "Bonjour"}}, "Le modèle de notification « ask »"),
        ({"services": [{"name": "Sans nom court"}]}, "Service n° 1 : « slug » invalide."),
        ({"services": ["voirie"]}, "Service n° 1 : un service doit être un objet."),
        (
            {"services": [{"slug": "voirie", "name": "A"}, {"slug": "voirie", "name": "B"}]},
            "Le service « voirie » est décrit deux fois.",
        ),
        ({"services": [{"slug": "voirie", "name": ""}]}, "« name » doit être un texte non vide"),
        ({"services": [{"slug": "voirie", "name": "V", "email": 3}]}, "« email » doit être"),
        (
            {"services": [{"slug": "voirie", "name": "V", "email": "pas-un-email"}]},
            "Service « voirie », email : Saisissez une adresse de courriel valide.",
        ),
        (
            {"services": [{"slug": "voirie", "name": "V", "area": {"type": "Point"}}]},
            "Service « voirie », area : Le type de géométrie « Point » n'est pas accepté",
        ),
        ({"services": [], "service": "voirie"}, "Le service destinataire « voirie » n'est ni"),
        (
            {"routing": [{"service": "inconnu"}]},
            "routing : Règle d'orientation n° 1 : le service « inconnu » n'existe pas",
        ),
        ({"workflow": {"initial": "x", "states": [], "transitions": []}}, "workflow : "),
        ({"workflow": {"states": "x"}}, "workflow"),
        ({"fields": [{"id": "Kind!", "type": "text"}]}, "fields : "),
    ],
)
def test_bad_documents_are_refused_with_a_message(procedure, fresh_org, changes, expected):
    messages = refused(fresh_org, document_with(procedure, **changes))
    assert any(expected in message for message in messages), messages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("{", "n'est pas du JSON valide : Expecting property name"),
        ('{"format": NaN}', "NaN ou Infinity"),
        (b"\xff\xfe\x00", "Le fichier n'est pas un texte UTF-8."),
        ("[]", "Le document doit être un objet JSON."),
        ("null", "Le document doit être un objet JSON."),
        ("[" * 100_000 + "]" * 100_000, "Le fichier est trop profondément imbriqué."),
    ],
)
def test_unreadable_text_is_refused_with_a_message(fresh_org, text, expected):
    messages = refused(fresh_org, text)
    assert any(expected in message for message in messages), messages


JUNK = [None, True, 0, -1, 1.5, "", "x", [], {}, [None], [1, "a"], {"a": None}, [{}], {"": {}}]


def test_no_junk_in_any_key_escapes_as_anything_but_a_validation_error(procedure, fresh_org):
    """Every value of the wrong shape, in every key and in the parts' items, is either
    accepted or refused with a ValidationError: never another exception."""
    exported = export_procedure(procedure)
    paths = [(key,) for key in exported]
    paths += [("fields", 1), ("fields", 1, "choices"), ("fields", 2, "min"), ("services", 0)]
    paths += [
        ("services", 0, "area"),
        ("services", 0, "slug"),
        ("services", 3, "area", "coordinates"),
    ]
    paths += [("workflow", "states"), ("workflow", "states", 0), ("workflow", "transitions", 0)]
    paths += [("workflow", "transitions", 0, "from"), ("workflow", "initial")]
    paths += [("routing", 0), ("routing", 0, "when"), ("routing", 1, "when", "all")]
    paths += [("deadline", "days"), ("templates", "ask"), ("templates", "ask", "body")]
    for path in paths:
        for junk in JUNK:
            document = copy.deepcopy(exported)
            target = document
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = junk
            try:
                imported = import_procedure(organization=fresh_org, document=document, publish=True)
            except ValidationError as error:
                assert error.messages, (path, junk)
            else:
                imported.delete()
            Service.objects.filter(organization=fresh_org).delete()


# --- Commands -------------------------------------------------------------------------------


def test_the_commands_round_trip_through_a_file(procedure, fresh_org, tmp_path, capsys):
    path = tmp_path / "signaler-voirie.json"
    call_command("export_procedure", "demoville", "signaler-voirie", "-o", str(path))
    assert json.loads(path.read_text(encoding="utf-8")) == export_procedure(procedure)
    assert "Exported 'Signaler un problème sur la voirie'" in capsys.readouterr().err

    call_command("import_procedure", "nouvelle", str(path), "--publish")
    out = capsys.readouterr().out
    assert "as 'signaler-voirie', published as version 1" in out
    assert (
        "Created the services: encombrants, secteur-est, secteur-ouest, voirie, voirie-nord" in out
    )
    imported = Procedure.objects.get(organization=fresh_org)
    assert export_procedure(imported) == export_procedure(procedure)

    call_command("import_procedure", "nouvelle", str(path))
    out = capsys.readouterr().out
    assert "as 'signaler-voirie-2', as a draft" in out and "Created" not in out


def test_export_writes_to_the_standard_output(procedure, capsys):
    call_command("export_procedure", "demoville", "signaler-voirie")
    assert json.loads(capsys.readouterr().out) == export_procedure(procedure)


def test_the_commands_explain_what_went_wrong(procedure, fresh_org, tmp_path):
    with pytest.raises(
        CommandError, match="No organization with the slug 'nulle'. Known: demoville, nouvelle."
    ):
        call_command("export_procedure", "nulle", "signaler-voirie")
    with pytest.raises(
        CommandError, match="No procedure 'x' in demoville. Known: signaler-voirie."
    ):
        call_command("export_procedure", "demoville", "x")
    with pytest.raises(CommandError, match="No procedure 'x' in nouvelle. Known: none yet."):
        call_command("export_procedure", "nouvelle", "x")
    with pytest.raises(CommandError, match="Cannot write"):
        call_command(
            "export_procedure",
            "demoville",
            "signaler-voirie",
            "-o",
            str(tmp_path / "no" / "f.json"),
        )
    with pytest.raises(CommandError, match="Cannot read .*missing.json: No such file"):
        call_command("import_procedure", "nouvelle", str(tmp_path / "missing.json"))
    broken = tmp_path / "broken.json"
    broken.write_text('{"format": "guichet.procedure",', encoding="utf-8")
    with pytest.raises(
        CommandError, match=r"was not imported:\n  - Le fichier n'est pas du JSON valide"
    ):
        call_command("import_procedure", "nouvelle", str(broken))
    wrong = tmp_path / "wrong.json"
    wrong.write_text(json.dumps({**export_procedure(procedure), "format_version": 9, "theme": 1}))
    with pytest.raises(CommandError, match="Version de format « 9 » non prise en charge"):
        call_command("import_procedure", "nouvelle", str(wrong))
    assert not fresh_org.procedures.exists() and not fresh_org.services.exists()


def test_the_purpose_and_legal_basis_travel_and_are_checked(procedure, fresh_org):
    from guichet.catalog.actions import update_procedure_retention

    procedure = update_procedure_retention(
        procedure=procedure,
        months=None,
        action="anonymize",
        purpose="Réparer la voirie.",
        legal_basis="legal_obligation",
        legal_basis_detail="CGCT, art. L2212-2",
    )
    document = export_procedure(procedure)
    elsewhere = import_procedure(organization=fresh_org, document=document)
    assert (elsewhere.purpose, elsewhere.legal_basis, elsewhere.legal_basis_detail) == (
        "Réparer la voirie.",
        "legal_obligation",
        "CGCT, art. L2212-2",
    )
    del document["purpose"], document["legal_basis"], document["legal_basis_detail"]
    older = import_procedure(organization=fresh_org, document=document)
    assert (older.purpose, older.legal_basis) == ("", "public_task")
    with pytest.raises(ValidationError, match="legal_basis"):
        import_procedure(organization=fresh_org, document={**document, "legal_basis": "x"})
