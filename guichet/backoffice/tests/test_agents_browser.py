"""Services and agents administered in a real browser, axe-core on every page: a service
created, an agent invited who sets a password and reaches the inbox, another deactivated
with their open cases listed."""

import re

import pytest
from playwright.sync_api import expect

from guichet.cases import actions
from guichet.conftest import PASSWORD, check_accessibility, submit
from guichet.notify.models import OutgoingEmail

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, email, password=PASSWORD):
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")


def test_an_administrator_runs_services_and_agents_accessibly(
    page, administrator, agent_a, supervisor, procedure_a
):
    case = submit(procedure_a, contact_email="zoe@example.test")
    actions.assign_case(case=case, assignee=agent_a, actor=supervisor)
    log_in(page, administrator.email)
    page.get_by_role("link", name="Organisation").click()
    page.get_by_role("link", name="Services", exact=True).first.click()
    page.wait_for_url("**/organisation/services/")
    check_accessibility(page)
    page.get_by_role("link", name="Nouveau service").click()
    page.get_by_role("button", name="Enregistrer le service").click()
    page.get_by_role("alert").get_by_text("Le service n'a pas été enregistré").wait_for()
    check_accessibility(page)
    page.locator("#service_name").fill("Espaces verts")
    page.get_by_label("Horaires d'ouverture", exact=True).fill("Du lundi au vendredi")
    page.get_by_role("button", name="Enregistrer le service").click()
    page.get_by_text("Le service « Espaces verts » est créé.").wait_for()
    check_accessibility(page)

    page.goto("/backoffice/organisation/agents/")
    check_accessibility(page)
    page.get_by_role("link", name="Inviter un agent").click()
    page.get_by_label("Adresse e-mail professionnelle").fill("nina@demoville.test")
    page.get_by_label("Espaces verts").check()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.get_by_text("L'invitation est envoyée").wait_for()
    check_accessibility(page)

    # Agent A leaves: deactivated, their case listed for reassignment.
    page.goto("/backoffice/organisation/agents/")
    page.get_by_role("link", name="Anne").click()
    page.get_by_role("button", name="Désactiver l'agent").click()
    page.get_by_role("dialog").get_by_role("button", name="Désactiver").click()
    # The dialog itself says "ne peut plus se connecter": wait for the
    # message of the page that follows, not for the dialog's warning.
    page.get_by_text("ne peut plus se connecter à l'espace agents").wait_for()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    check_accessibility(page)
    page.goto("/backoffice/organisation/journal/")
    page.get_by_text("Agent désactivé").wait_for()
    check_accessibility(page)

    # The invited agent follows the link.
    body = OutgoingEmail.objects.get(to="nina@demoville.test").body
    link = re.search(r"https?://\S+(/backoffice/invitation/\S+/)", body).group(1)
    page.context.clear_cookies()
    page.goto(link)
    check_accessibility(page)
    page.locator("#id_new_password1").fill("Un mot de passe bien long 42")
    page.locator("#id_new_password2").fill("Un mot de passe bien long 42")
    page.get_by_role("button", name="Enregistrer et entrer").click()
    page.wait_for_url("**/backoffice/")
    page.get_by_text("Votre mot de passe est enregistré").wait_for()
