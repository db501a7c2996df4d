"""Screenshots of the main pages, on the demo data, for the README.

Every run takes them and checks that each page rendered; `make screenshots` (environment
variable GUICHET_SCREENSHOTS=1) also writes them to docs/screenshots/, where the README shows
them.
"""

import io
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings

from guichet.cases.models import Case
from guichet.catalog.models import Procedure

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
PNG = b"\x89PNG\r\n\x1a\n"


def shoot(page, name: str, folder: Path) -> Path:
    page.wait_for_load_state("networkidle")
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path


@override_settings(GUICHET_MAP_TILES_URL="")  # no tiles from the internet in a test
def test_screenshots_of_the_main_pages(browser, live_server, tmp_path):
    call_command("demo", force=True, stdout=io.StringIO())
    folder = DOCS if os.environ.get("GUICHET_SCREENSHOTS") else tmp_path
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(
        viewport={"width": 1280, "height": 860}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    shots = []
    try:
        page.goto("/")
        page.get_by_role("heading", level=1).wait_for()
        shots.append(shoot(page, "portal-home", folder))

        page.goto("/demarches/signaler-un-probleme/")
        page.get_by_role("button", name="Suivant").wait_for()
        shots.append(shoot(page, "form-step", folder))

        case = (
            Case.objects.filter(organization__slug="demoville", category="open")
            .exclude(messages=None)
            .order_by("-created_at")
            .first()
        )
        page.goto(f"/suivi/{case.tracking_code}/")
        page.get_by_text(case.reference).first.wait_for()
        shots.append(shoot(page, "tracking", folder))

        page.goto("/backoffice/connexion/")
        page.get_by_label("Adresse e-mail").fill("superviseur@demoville.test")
        page.get_by_label("Mot de passe").fill("demo-guichet")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/backoffice/")
        shots.append(shoot(page, "inbox", folder))

        page.goto(f"/backoffice/demandes/{case.reference}/")
        page.get_by_role("heading", name="Changer l'état").wait_for()
        shots.append(shoot(page, "case", folder))

        page.get_by_role("link", name="Se déconnecter").or_(
            page.get_by_role("button", name="Se déconnecter")
        ).first.click()
        page.goto("/backoffice/connexion/?next=/backoffice/demarches/")
        page.get_by_label("Adresse e-mail").fill("admin@demoville.test")
        page.get_by_label("Mot de passe").fill("demo-guichet")
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/backoffice/demarches/")
        procedure = Procedure.objects.get(organization__slug="demoville", slug="acte-etat-civil")
        page.goto(f"/backoffice/demarches/{procedure.pk}/formulaire/")
        page.get_by_role("heading", level=1).wait_for()
        shots.append(shoot(page, "designer", folder))
    finally:
        context.close()

    assert [path.name for path in shots] == [
        "portal-home.png",
        "form-step.png",
        "tracking.png",
        "inbox.png",
        "case.png",
        "designer.png",
    ]
    for path in shots:
        data = path.read_bytes()
        assert data.startswith(PNG) and len(data) > 20_000, path.name  # a page, not a blank
