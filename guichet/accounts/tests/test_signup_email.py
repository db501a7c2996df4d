"""The sign-up confirmation e-mail speaks in the organization's name, and the confirmation
page says plainly what the citizen confirms."""

import re

import pytest
from django.utils import translation

from guichet.accounts.models import User

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "Un mot de passe solide 42"
LINK = re.compile(r"https?://[^/\s]+(/compte/confirm-email/[^\s]+)")


def sign_up(client, email="zoe@example.test", **extra):
    response = client.post(
        "/compte/signup/",
        {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        **extra,
    )
    assert response.status_code == 302, response.content.decode()


def test_the_confirmation_e_mail_names_the_organization(client, org, smtp_server, run_worker):
    sign_up(client)
    run_worker()
    [mail] = smtp_server.messages
    assert mail["to"] == ["zoe@example.test"]
    assert "c'est  !" not in mail["body"]
    assert "Bonjour, c'est Ville de Démoville !" in mail["body"]
    assert "Ville de Démoville" in mail["from_header"]
    assert "Guichet" not in mail["from_header"]


def test_another_organization_signs_its_own_e_mail(client, org, other_org, smtp_server, run_worker):
    sign_up(client, HTTP_HOST="villeneuve.test")
    run_worker()
    [mail] = smtp_server.messages
    assert "Bonjour, c'est Villeneuve-sur-Démo !" in mail["body"]
    assert mail["from_header"].startswith("Villeneuve-sur-Démo <")


def test_the_confirmation_page_reads_sensibly(client, org, smtp_server, run_worker):
    sign_up(client)
    run_worker()
    [mail] = smtp_server.messages
    link = LINK.search(mail["body"]).group(1)
    html = client.get(link).content.decode()
    assert "est l&#x27;adresse e-mail de" not in html and "est l'adresse e-mail de" not in html
    assert "Confirmez que zoe@example.test est bien votre adresse e-mail" in re.sub(
        r"<[^>]+>", "", html
    )
    assert "Ville de Démoville" in html
    response = client.post(link)
    assert response.status_code == 302
    assert User.objects.get(email="zoe@example.test").emailaddress_set.get().verified


def test_the_confirmation_page_in_english(client, org, smtp_server, run_worker):
    sign_up(client)
    run_worker()
    link = LINK.search(smtp_server.messages[0]["body"]).group(1)
    with translation.override("fr"):  # the page activates English: not for the next tests
        html = client.get(link, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Confirm that zoe@example.test is your e-mail address" in re.sub(r"<[^>]+>", "", html)
