"""An administrator's settings of the organization: identity, colours with their contrast
checked, logo, accessibility statement."""

import html

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.organization.actions import update_organization
from guichet.organization.models import Organization

pytestmark = pytest.mark.django_db

URL = "/backoffice/organisation/"
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)


def form_data(org, **changes):
    data = {
        "name": org.name,
        "address": org.address,
        "email": org.email,
        "phone": org.phone,
        "website": org.website,
        "primary_color": "",
        "accent_color": "",
        "accessibility_status": "none",
        "accessibility_rate": "",
        "accessibility_audit_date": "",
        "accessibility_auditor": "",
        "open_cases_on_erasure": org.open_cases_on_erasure,
    }
    return {**data, **changes}


def text_of(response) -> str:
    return html.unescape(response.content.decode())


def test_only_administrators_reach_the_settings(client, agent_a, supervisor, administrator):
    assert client.get(URL).status_code == 302  # to the login page
    for person in (agent_a, supervisor):
        client.force_login(person)
        assert client.get(URL).status_code == 403
        assert client.post(URL, {"name": "Piratée"}).status_code == 403
    client.force_login(administrator)
    assert client.get(URL).status_code == 200


def test_the_action_refuses_other_people(org, agent_a, other_org_agent):
    for person in (agent_a, other_org_agent):
        with pytest.raises(PermissionDenied):
            update_organization(organization=org, actor=person, changes={"name": "X"})


def test_colours_are_saved_and_served_as_a_theme(client, org, administrator):
    client.force_login(administrator)
    response = client.post(
        URL, form_data(org, primary_color="#0B5394", accent_color="#8a3b00", name="Ville de D.")
    )
    assert response.status_code == 303
    org.refresh_from_db()
    assert (org.primary_color, org.accent_color, org.name) == ("#0b5394", "#8a3b00", "Ville de D.")
    page = client.get("/").content.decode()
    assert f'href="/theme.css?v={org.branding_version}"' in page
    css = client.get(f"/theme.css?v={org.branding_version}")
    assert css["Content-Type"].startswith("text/css")
    assert "--color-primary: #0b5394;" in css.content.decode()
    assert "--color-accent: #8a3b00;" in css.content.decode()
    assert "immutable" in css["Cache-Control"]
    assert "immutable" not in client.get("/theme.css?v=old")["Cache-Control"]


def test_colours_without_enough_contrast_are_refused_and_the_rest_is_kept(
    client, org, administrator
):
    client.force_login(administrator)
    response = client.post(
        URL, form_data(org, primary_color="#ffd700", accent_color="#777777", phone="01 02 03")
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "Contraste insuffisant : 1,28:1" in text  # gold on the pages' background (#f5f5f7)
    assert "il faut au moins 4,5:1" in text
    assert text.count("Contraste insuffisant") >= 2  # #777 is just under 4.5:1
    assert 'value="01 02 03"' in text and 'value="#ffd700"' in text  # nothing typed is lost
    org.refresh_from_db()
    assert org.primary_color == "" and org.phone != "01 02 03"


def test_bad_values_get_messages_next_to_their_field(client, org, administrator):
    client.force_login(administrator)
    response = client.post(
        URL, form_data(org, primary_color="blue", accessibility_rate="140", name="")
    )
    assert response.status_code == 400
    text = text_of(response)
    assert "Indiquez une couleur au format #rrggbb" in text
    assert "inférieure ou égale à 100" in text
    assert 'id="settings_name_error"' in text


def test_a_logo_must_be_a_real_small_image(client, org, administrator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(administrator)
    fake = SimpleUploadedFile("logo.png", b"<svg onload=alert(1)>", "image/png")
    response = client.post(URL, form_data(org, logo=fake))
    assert response.status_code == 400
    assert "Ce fichier n'est pas une image PNG valide." in text_of(response)
    svg = SimpleUploadedFile("logo.svg", b"<svg/>", "image/svg+xml")
    assert "PNG, JPEG ou WebP" in text_of(client.post(URL, form_data(org, logo=svg)))
    big = SimpleUploadedFile("logo.png", PNG_1PX + b"\0" * (1024 * 1024), "image/png")
    assert "Le logo dépasse 1 Mo." in text_of(client.post(URL, form_data(org, logo=big)))

    good = SimpleUploadedFile("logo.png", PNG_1PX, "image/png")
    assert client.post(URL, form_data(org, logo=good)).status_code == 303
    org.refresh_from_db()
    assert org.logo.name.startswith("logos/")
    with org.logo.open("rb") as stored:
        assert stored.read() == PNG_1PX
    assert f'src="{org.logo.url}"' in client.get("/").content.decode()
    assert client.post(URL, form_data(org, **{"logo-clear": "on"})).status_code == 303
    org.refresh_from_db()
    assert not org.logo


def test_the_accessibility_statement_follows_the_settings(client, org, administrator):
    page = text_of(client.get("/accessibilite/"))
    assert "<h1>Déclaration d'accessibilité</h1>" in page
    assert "<strong>non conforme</strong>" in page
    assert "Aucun audit de conformité n'a encore été réalisé" in page
    assert "Libre réponse 71120" in page
    assert "Accessibilité : non conforme" in text_of(client.get("/"))  # in every footer

    client.force_login(administrator)
    client.post(
        URL,
        form_data(
            org,
            accessibility_status="partial",
            accessibility_rate="78",
            accessibility_audit_date="2026-10-15",
            accessibility_auditor="Access42",
        ),
    )
    page = text_of(client.get("/accessibilite/"))
    assert "<strong>partiellement conforme</strong>" in page
    assert "réalisé le 15 octobre 2026 par Access42" in page
    assert "78 % des critères du RGAA" in page
    assert "Accessibilité : partiellement conforme" in page


def test_organizations_keep_their_own_theme(client, org, other_org, administrator):
    update_organization(organization=org, actor=administrator, changes={"primary_color": "#123456"})
    theirs = client.get("/theme.css", HTTP_HOST="villeneuve.test").content.decode()
    assert "#123456" not in theirs
    assert "#123456" in client.get("/theme.css").content.decode()
    assert Organization.objects.get(pk=other_org.pk).primary_color == ""


def test_an_administrator_requires_the_second_factor_of_agents(client, org, administrator):
    client.force_login(administrator)
    page = client.get(URL)
    assert "Double authentification obligatoire pour les agents" in text_of(page)
    response = client.post(URL, form_data(org, agents_mfa_required="on"))
    assert response.status_code == 303
    org.refresh_from_db()
    assert org.agents_mfa_required
    # The administrator's own session has no second factor yet: the back office says so.
    response = client.get(URL)
    assert response.status_code == 302 and "/compte/2fa/" in response.url
    org.agents_mfa_required = False
    org.save()
    client.post(URL, form_data(org))
    org.refresh_from_db()
    assert not org.agents_mfa_required


def test_an_administrator_sets_the_retention_of_open_requests(client, org, administrator):
    client.force_login(administrator)
    response = client.post(URL, form_data(org, open_cases_on_erasure="erase"))
    assert response.status_code == 303
    org.refresh_from_db()
    assert org.open_cases_on_erasure == "erase"
    response = client.post(URL, form_data(org, open_cases_on_erasure="forever"))
    assert response.status_code == 400
    org.refresh_from_db()
    assert org.open_cases_on_erasure == "erase"
