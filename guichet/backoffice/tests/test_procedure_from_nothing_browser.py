"""Issue 18's acceptance: a procedure built from nothing with the editors only — two steps, a
condition, a date constraint, a workflow with a correction loop, a routing rule by a zone
drawn on the map, a template with a variable — checked, published, filed by a citizen and
moved along by an agent; no JSON typed anywhere, axe-core on every editor page and dialog.
Then its export, imported back through the import page, shows the same in the editors and
exports the same document.

The whole journey runs at 375 and 1280 px (the `page` fixture)."""

import difflib
import json

import pytest

from guichet.cases.models import Case
from guichet.catalog.models import Procedure
from guichet.conftest import PASSWORD, check_accessibility
from guichet.notify.models import OutgoingEmail
from guichet.organization.models import Service

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Déclarer une fête de quartier"


@pytest.fixture
def map_settings(settings):
    settings.GUICHET_MAP_TILES_URL = ""  # no tile server to reach from the test
    settings.GUICHET_MAP_CENTER = "46.99,2.12"
    settings.GUICHET_MAP_ZOOM = 14


@pytest.fixture
def quarter_service(org):
    return Service.objects.create(organization=org, name="Mairie de quartier", slug="quartier")


@pytest.fixture
def quarter_agent(org, quarter_service):
    from guichet.conftest import make_member

    return make_member("agent.q@demoville.test", org, "agent", [quarter_service])


class NoJson:
    """Watches every fill and check of the page: none may go to a JSON text area (the
    documents' "document" inputs, the field form's condition; the zone's GeoJSON is drawn)."""

    FORBIDDEN = ("document", "condition")

    def __init__(self, page):
        self.filled = []
        self.posts = 0
        page.on("request", self._look)

    def _look(self, request):
        if request.method != "POST" or not request.post_data:
            return
        self.posts += 1
        from urllib.parse import parse_qs

        try:
            data = parse_qs(request.post_data)
        except (TypeError, ValueError):  # a multipart upload: the import's file
            return
        for name, values in data.items():
            if name in self.FORBIDDEN and any(value.strip() for value in values):
                self.filled.append((request.url, name))


def log_in(page, user, path="/backoffice/"):
    page.goto(f"/backoffice/connexion/?next={path}")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{path}")


def add_item(page, kind, label, *, before="", extra=None):
    page.get_by_label("Type d'élément").select_option(kind)
    page.get_by_role("button", name="Ajouter", exact=True).click()
    name = {"page": "Titre de l'étape"}.get(kind, "Libellé de la question")
    page.get_by_label(name).fill(label)
    if before:
        page.get_by_label("Position").select_option(label=f"Avant « {before} »")
    if extra:
        extra(page)
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text(f"L'élément « {label} » est ajouté au formulaire.").wait_for()


SECTION_TEXT = """() => {
    const parts = [];
    for (let n = document.querySelector('nav.designer-nav').nextElementSibling; n;
         n = n.nextElementSibling) parts.push(n.innerText);
    return parts.join('\\n');
}"""


def section_text(page) -> str:
    """The text of a designer's section, without the procedure's title and status above."""
    return page.evaluate(SECTION_TEXT)


def editors_content(page, procedure) -> dict:
    """What the editors show of a procedure, page by page."""
    base = f"/backoffice/demarches/{procedure.pk}"
    shown = {}
    page.goto(f"{base}/formulaire/")
    shown["fields"] = section_text(page)
    page.goto(f"{base}/formulaire/chapiteaux/condition/")
    shown["condition"] = page.locator(".designer-info").inner_text()
    page.goto(f"{base}/formulaire/date_de_fin/")
    shown["bound"] = [
        page.get_by_label("Pas avant", exact=True).input_value(),
        page.get_by_label("Pas avant : message d'erreur").input_value(),
    ]
    page.goto(f"{base}/circuit/")
    shown["states"] = page.locator(".workflow-states").inner_text()
    shown["transitions"] = page.locator("#transitions-caption").locator("xpath=..").inner_text()
    page.goto(f"{base}/orientation/")
    shown["routing"] = section_text(page)
    page.goto(f"{base}/notifications/")
    shown["templates"] = [
        page.locator("#code_0").input_value(),
        page.locator("#subject_0").input_value(),
        page.locator("#body_0").input_value(),
    ]
    return shown


def comparable(document: dict) -> dict:
    """An export without what must differ between two procedures: the slug."""
    return {key: value for key, value in document.items() if key != "slug"}


def test_a_procedure_is_built_from_nothing_with_the_editors_only(
    page,
    map_settings,
    administrator,
    service_a,
    quarter_service,
    quarter_agent,
    run_worker,
    tmp_path,
):
    no_json = NoJson(page)
    log_in(page, administrator, "/backoffice/demarches/")
    check_accessibility(page)

    # --- A new procedure -------------------------------------------------------------------
    page.get_by_role("link", name="Nouvelle démarche").click()
    page.get_by_label("Titre", exact=False).first.fill(TITLE)
    page.get_by_label("Service destinataire").select_option(label="Voirie")
    page.get_by_label("Résumé").fill("Une fête dans la rue, déclarée à la mairie.")
    page.get_by_label("Demander une localisation").check()
    page.get_by_role("button", name="Créer la démarche").click()
    page.get_by_text(f"La démarche « {TITLE} » est créée.").wait_for()
    check_accessibility(page)
    procedure = Procedure.objects.get(title=TITLE)
    base = f"/backoffice/demarches/{procedure.pk}"
    sections = page.get_by_role("navigation", name="Sections de la démarche")

    # --- Two steps, their fields, a date constraint -----------------------------------------
    sections.get_by_role("link", name="Formulaire").click()
    check_accessibility(page)
    add_item(page, "yesno", "Plein air")
    add_item(page, "text", "Chapiteaux")
    add_item(page, "date", "Date de début")

    def end_after_start(page):
        check_accessibility(page)  # the field form of a date, with its bounds
        page.get_by_label("Pas avant", exact=True).select_option("today")
        page.get_by_role("button", name="Enregistrer").click()  # no number of days
        page.get_by_text("Indiquez un nombre de jours (0 pour aujourd'hui).").wait_for()
        check_accessibility(page)
        page.get_by_label("Pas avant", exact=True).select_option(label="La date « Date de début »")
        page.get_by_label("Pas avant : message d'erreur").fill("La fin suit le début.")

    add_item(page, "date", "Date de fin", extra=end_after_start)
    # A step opens before the items it holds.
    add_item(page, "page", "La fête", before="Plein air")
    add_item(page, "page", "Les dates", before="Date de début")
    check_accessibility(page)
    page.get_by_role("link", name="Supprimer « Chapiteaux »").click()  # asks first
    check_accessibility(page)
    page.get_by_role("link", name="Annuler").click()

    # --- A condition, from pickers -----------------------------------------------------------
    page.get_by_role("link", name="Condition d'affichage de « Chapiteaux »").click()
    page.get_by_label("Champ").select_option(label="Plein air")
    page.get_by_role("button", name="Actualiser les opérateurs et valeurs de la règle 1").click()
    page.get_by_label("Oui").wait_for()
    check_accessibility(page)
    page.get_by_label("Opérateur").select_option(label="vaut")
    page.get_by_label("Oui").check()
    page.get_by_role("button", name="Enregistrer la condition").click()
    page.get_by_text("La condition d'affichage de « Chapiteaux » est enregistrée.").wait_for()

    # --- A template with a variable ----------------------------------------------------------
    sections.get_by_role("link", name="Notifications").click()
    check_accessibility(page)
    page.locator("#code_0").fill("correction")
    page.locator("#subject_0").fill("Votre demande {{ reference }} est à compléter")
    page.locator("#body_0").fill("Bonjour {{ name }},\n\nIl nous manque : {{ comment }}")
    page.get_by_role("button", name="Prévisualiser").click()
    page.get_by_text("Bonjour Camille Dupont,").wait_for()
    check_accessibility(page)
    page.get_by_role("button", name="Enregistrer les modèles").click()
    page.get_by_text("Les modèles de notification sont enregistrés.").wait_for()

    # --- The workflow with a correction loop, the template sent when asking ------------------
    sections.get_by_role("link", name="Circuit").click()
    page.locator("svg.workflow-diagram").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Partir d'un circuit tout prêt").click()
    check_accessibility(page)
    page.get_by_label("Avec une boucle de correction").check()
    page.get_by_role("button", name="Remplacer le circuit").click()
    page.get_by_text("remplace le précédent").wait_for()
    page.get_by_role("link", name="Modifier la transition « Demander une correction »").click()
    check_accessibility(page)
    page.get_by_label("Envoyer au demandeur le modèle").select_option("correction")
    page.get_by_role("button", name="Enregistrer").click()
    page.get_by_text("La transition « Demander une correction » est enregistrée.").wait_for()
    check_accessibility(page)
    for link in (
        "Modifier l'état « Correction demandée »",
        "Changer la suite de la réponse en « Correction demandée »",
        "Retirer l'état « Correction demandée »",
    ):
        page.get_by_role("link", name=link).click()
        page.get_by_role("link", name="Annuler").wait_for()
        check_accessibility(page)
        sections.get_by_role("link", name="Circuit").click()

    # --- A routing rule by a zone drawn on the map --------------------------------------------
    sections.get_by_role("link", name="Orientation").click()
    check_accessibility(page)
    page.get_by_role("link", name="Ajouter une règle").click()
    canvas = page.locator(".zone-editor .map-canvas")
    canvas.wait_for()
    check_accessibility(page)
    page.locator(".zone-editor .leaflet-pm-icon-rectangle").click()
    box = canvas.bounding_box()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.click(x - 60, y - 60)
    page.mouse.click(x + 60, y + 20)
    assert page.get_by_label("Le point de la demande est dans la zone ci-dessous").is_checked()
    page.get_by_label("Service qui reçoit la demande").select_option(label="Mairie de quartier")
    page.get_by_role("button", name="Enregistrer la règle").click()
    page.get_by_text("La règle n° 1 est enregistrée.").wait_for()
    check_accessibility(page)
    procedure.refresh_from_db()
    ring = procedure.routing[0]["area"]["coordinates"][0]
    longitude = sum(p[0] for p in ring[:4]) / 4
    latitude = sum(p[1] for p in ring[:4]) / 4
    page.get_by_label("Latitude").fill(f"{latitude:.6f}")
    page.get_by_label("Longitude").fill(f"{longitude:.6f}")
    page.get_by_role("button", name="Tester").click()
    page.locator("#test-result").get_by_text("Mairie de quartier").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Supprimer la règle n° 1").click()
    page.get_by_role("heading", name="Supprimer la règle n° 1 ?").wait_for()
    check_accessibility(page)
    page.get_by_role("link", name="Annuler").click()

    # --- The quality check, the preview, publication -----------------------------------------
    sections.get_by_role("link", name="Qualité").click()
    page.wait_for_load_state()
    check_accessibility(page)
    sections.get_by_role("link", name="Aperçu").click()
    page.locator("main").get_by_text("Plein air").first.wait_for()
    check_accessibility(page)
    sections.get_by_role("link", name="Publication").click()
    check_accessibility(page)
    page.get_by_role("button", name="Publier la version 1").click()
    page.get_by_text("La version 1 est publiée").wait_for()
    check_accessibility(page)
    assert no_json.filled == [] and no_json.posts >= 15  # every form watched, none with JSON

    procedure.refresh_from_db()
    fields = {item["id"]: item for item in procedure.fields}
    assert [item["type"] for item in procedure.fields] == [
        "page",
        "yesno",
        "text",
        "page",
        "date",
        "date",
    ]
    assert fields["chapiteaux"]["condition"] == {
        "field": "plein_air",
        "op": "equals",
        "value": True,
    }
    assert fields["date_de_fin"]["after"] == {
        "field": "date_de_debut",
        "message": "La fin suit le début.",
    }

    # --- A citizen files it, from a point inside the zone -------------------------------------
    page.context.clear_cookies()
    page.goto(f"/demarches/{procedure.slug}/")
    page.get_by_label("Oui").check()
    page.get_by_role("button", name="Suivant").click()
    page.get_by_label("Chapiteaux").fill("Deux, de 3 m sur 3 m")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/2/")
    page.get_by_label("Date de début").fill("2027-06-21")
    page.get_by_label("Date de fin").fill("2027-06-20")
    page.get_by_role("button", name="Suivant").click()
    page.get_by_text("La fin suit le début.").first.wait_for()
    page.get_by_label("Date de fin").fill("2027-06-22")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/etape/3/")
    page.get_by_label("Nom et prénom").fill("Zoé Lefèvre")
    page.get_by_label("Adresse e-mail", exact=True).fill("zoe@example.test")
    page.get_by_label("Latitude").fill(f"{latitude:.6f}")
    page.get_by_label("Longitude").fill(f"{longitude:.6f}")
    page.get_by_role("button", name="Suivant").click()
    page.wait_for_url("**/recapitulatif/")
    page.get_by_role("button", name="Envoyer ma demande").click()
    page.wait_for_url("**/confirmation/")
    case = Case.objects.get(procedure=procedure)
    assert case.service == quarter_service  # routed by the zone
    assert case.data == {
        "plein_air": True,
        "chapiteaux": "Deux, de 3 m sur 3 m",
        "date_de_debut": "2027-06-21",
        "date_de_fin": "2027-06-22",
    }
    tracking = f"/suivi/{case.tracking_code}/"

    # --- The agent of that service moves it through the correction loop -----------------------
    log_in(page, quarter_agent, f"/backoffice/demandes/{case.reference}/")
    page.get_by_role("button", name="Vérifier").click()
    page.get_by_text("La demande est maintenant à l'état « À vérifier ».").wait_for()
    page.get_by_label("Commentaire", exact=True).fill("le plan des chapiteaux")
    page.get_by_role("button", name="Demander une correction").click()
    page.get_by_text("La demande est maintenant à l'état « Correction demandée ».").wait_for()
    case.refresh_from_db()
    assert case.state == "correction"
    run_worker()  # the template, with its variables, goes to the outbox
    email = OutgoingEmail.objects.get(to="zoe@example.test", event__payload__to="correction")
    assert email.subject == f"Votre demande {case.reference} est à compléter"
    assert "Bonjour Zoé Lefèvre," in email.body
    assert "Il nous manque : le plan des chapiteaux" in email.body

    page.context.clear_cookies()
    page.goto(tracking)
    page.get_by_label("Votre message").fill("Le plan est dans la boîte aux lettres.")
    page.get_by_role("button", name="Envoyer le message").click()
    page.get_by_text("Votre message a été envoyé au service.").wait_for()
    case.refresh_from_db()
    assert case.state == "checking"  # the answer sends it back

    log_in(page, quarter_agent, f"/backoffice/demandes/{case.reference}/")
    page.get_by_role("button", name="Déclarer complète").click()
    page.get_by_text("La demande est maintenant à l'état « En instruction ».").wait_for()
    page.get_by_role("button", name="Accepter").click()
    page.get_by_text("La demande est maintenant à l'état « Acceptée ».").wait_for()
    case.refresh_from_db()
    assert case.state == "accepted" and case.is_closed
    moves = [event.payload for event in case.events.filter(kind="transitioned").order_by("pk")]
    assert [move["to"] for move in moves] == [
        "checking",
        "correction",
        "checking",
        "examining",
        "accepted",
    ]
    assert moves[1]["notify"] == "correction"  # the template, sent with the request
    assert moves[2]["trigger"]["type"] == "citizen_reply"

    # --- Export, import through the import page, the same editors' content -------------------
    page.context.clear_cookies()
    log_in(page, administrator, f"{base}/")
    exported = page.request.get(f"{base}/exporter/")
    assert exported.ok
    document = json.loads(exported.body())
    file = tmp_path / "fete.json"
    file.write_bytes(exported.body())
    before = editors_content(page, procedure)
    page.goto("/backoffice/demarches/importer/")
    check_accessibility(page)
    page.get_by_label("Fichier JSON").set_input_files(str(file))
    # Published at once, as the first one is: its ids show as published too.
    page.get_by_label("Publier la démarche dès l'import").check()
    page.get_by_role("button", name="Importer").click()
    page.get_by_text("est importée et publiée.").wait_for()
    imported = Procedure.objects.exclude(pk=procedure.pk).get()
    assert imported.slug != procedure.slug
    after = editors_content(page, imported)
    for key, shown in before.items():
        assert after[key] == shown, (
            key
            + ":\n"
            + "\n".join(
                difflib.unified_diff(
                    str(shown).splitlines(), str(after[key]).splitlines(), lineterm=""
                )
            )
        )
    again = json.loads(page.request.get(f"/backoffice/demarches/{imported.pk}/exporter/").body())
    assert comparable(again) == comparable(document)
    assert no_json.filled == []
