"""Replies started from a template: the agent's draft is kept, and a variable the template
engine does not know is never sent as an empty string."""

import pytest

from guichet.catalog.models import ReplyTemplate

pytestmark = pytest.mark.django_db

TEMPLATES = "/backoffice/modeles-de-reponse/nouveau/"


def _message_url(case):
    return f"/backoffice/demandes/{case.reference}/message/"


@pytest.fixture
def template(org):
    return ReplyTemplate.objects.create(
        organization=org, title="Pièce manquante", body="Bonjour {{ name }}, il manque une pièce."
    )


def test_using_a_template_keeps_what_the_agent_typed(client, agent_a, case_a, template):
    client.force_login(agent_a)
    response = client.post(
        _message_url(case_a),
        {"body": "Mon brouillon.", "modele": template.pk, "use_template": "1"},
    )
    assert response.status_code == 200
    assert "Mon brouillon.\n\nBonjour Alice Martin, il manque une pièce.</textarea>" in (
        response.text
    )
    assert case_a.messages.count() == 0  # nothing sent


def test_with_htmx_only_the_text_area_comes_back(client, agent_a, case_a, template):
    client.force_login(agent_a)
    response = client.post(
        _message_url(case_a),
        {"body": "", "modele": template.pk, "use_template": "1"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text and 'id="message_body"' in response.text
    assert ">\nBonjour Alice Martin, il manque une pièce.</textarea>" in response.text
    assert "« Pièce manquante »" in response.text  # announced to screen readers
    assert case_a.messages.count() == 0


def test_another_services_template_cannot_be_used(
    client, org, agent_a, case_a, procedure_b, template
):
    other = ReplyTemplate.objects.create(
        organization=org, title="État civil", body="Secret", procedure=procedure_b
    )
    client.force_login(agent_a)
    response = client.post(
        _message_url(case_a), {"body": "Brouillon", "modele": other.pk, "use_template": "1"}
    )
    assert response.status_code == 400
    assert "Secret" not in response.text and "Brouillon</textarea>" in response.text
    assert "Choisissez un modèle de réponse." in response.text


def test_an_unknown_variable_is_shown_and_refused(client, org, agent_a, case_a):
    # Saved before the editor checked the variables.
    old = ReplyTemplate.objects.create(organization=org, title="Ancien", body="Bonjour {{ nom }},")
    client.force_login(agent_a)
    used = client.post(_message_url(case_a), {"body": "", "modele": old.pk, "use_template": "1"})
    assert ">\nBonjour {{ nom }},</textarea>" in used.text  # never "Bonjour ,"
    assert "{{ nom }}" in used.text.split('id="message_body_error"')[1].split("</ul>")[0]
    sent = client.post(_message_url(case_a), {"body": "Bonjour {{ nom }},"})
    assert sent.status_code == 400 and case_a.messages.count() == 0
    assert "Le message contient une variable inconnue : {{ nom }}" in sent.text
    assert "Bonjour {{ nom }},</textarea>" in sent.text  # what was typed stays
    fixed = client.post(_message_url(case_a), {"body": "Bonjour Madame,"})
    assert fixed.status_code == 303 and case_a.messages.count() == 1


def test_the_editor_refuses_an_unknown_variable(client, administrator):
    client.force_login(administrator)
    refused = client.post(TEMPLATES, {"title": "Faute", "body": "Bonjour {{ nom }} {{ name }},"})
    assert refused.status_code == 400
    assert "Variable inconnue : {{ nom }}" in refused.text
    assert "Bonjour {{ nom }} {{ name }},</textarea>" in refused.text
    assert not ReplyTemplate.objects.filter(title="Faute").exists()
    accepted = client.post(
        TEMPLATES,
        {
            "title": "Bon",
            "body": "Bonjour {{ name|upper }}{% if due_date %}, {{ due_date }}{% endif %}",
        },
    )
    assert accepted.status_code == 303
