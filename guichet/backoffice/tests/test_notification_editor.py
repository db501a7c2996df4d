"""The notification templates' editor: each template's subject and body in inputs of their
own (no JSON), the variables listed, an unknown variable refused, a preview on a sample case
(a "Prévisualiser" submit without JavaScript) with the SMS length counted."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from guichet.catalog import actions

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(org, service_a):
    return actions.create_procedure(organization=org, service=service_a, title="Badge de parking")


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def address(draft):
    return reverse("backoffice:procedure_templates", args=[draft.pk])


def test_an_unknown_variable_is_refused_by_the_action(draft):
    templates = {"ask": {"subject": "Demande {{ reference }}", "body": "Bonjour {{ demandeur }}"}}
    with pytest.raises(ValidationError) as error:
        actions.update_procedure_templates(procedure=draft, templates=templates)
    assert "demandeur" in " ".join(error.value.messages)
    draft.refresh_from_db()
    assert draft.templates in ({}, None)


def test_a_variable_bound_by_a_loop_is_not_unknown(draft):
    templates = {
        "ask": {
            "subject": "Demande {{ reference }}",
            "body": "{% with who=name %}Bonjour {{ who }}, le {{ answer_date }}{% endwith %}",
        }
    }
    actions.update_procedure_templates(procedure=draft, templates=templates)
    draft.refresh_from_db()
    assert draft.templates == templates


def rows(*templates, delete=()):
    data = {"count": str(len(templates) - 1)}
    for index, (code, subject, body) in enumerate(templates):
        data.update({f"code_{index}": code, f"subject_{index}": subject, f"body_{index}": body})
    for index in delete:
        data[f"delete_{index}"] = "1"
    return data


def test_the_page_lists_the_variables_and_each_template(admin_client, draft):
    actions.update_procedure_templates(
        procedure=draft, templates={"ask": {"subject": "Question", "body": "Bonjour {{ name }}"}}
    )
    page = admin_client.get(address(draft)).text
    assert "{{ answer_date }}" in page and "{{ tracking_url }}" in page
    assert 'name="subject_0" value="Question"' in page
    assert 'name="code_1" value=""' in page  # a new one can be added


def test_templates_are_saved_from_the_inputs(admin_client, draft):
    data = rows(("", "", ""))
    data.update(code_0="ask", subject_0="Demande {{ reference }}", body_0="Bonjour {{ name }}")
    response = admin_client.post(address(draft), {**data, "do": "save"})
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.templates == {
        "ask": {"subject": "Demande {{ reference }}", "body": "Bonjour {{ name }}"}
    }


def test_a_template_is_deleted_from_its_checkbox(admin_client, draft):
    actions.update_procedure_templates(
        procedure=draft,
        templates={"a": {"subject": "A", "body": "A"}, "b": {"subject": "B", "body": "B"}},
    )
    data = rows(("a", "A", "A"), ("b", "B", "B"), ("", "", ""), delete=[0])
    assert admin_client.post(address(draft), {**data, "do": "save"}).status_code == 303
    draft.refresh_from_db()
    assert list(draft.templates) == ["b"]


def test_an_unknown_variable_is_shown_and_what_was_typed_kept(admin_client, draft):
    data = rows(
        ("ask", "Demande {{ reference }}", "Bonjour {{ demandeur }}, à bientôt"), ("", "", "")
    )
    response = admin_client.post(address(draft), {**data, "do": "save"})
    assert response.status_code == 400
    assert "variable inconnue {{ demandeur }}" in response.text
    assert "Bonjour {{ demandeur }}, à bientôt" in response.text
    draft.refresh_from_db()
    assert not draft.templates
    # The preview refuses it too, rather than showing an empty place.
    response = admin_client.post(address(draft), {**data, "do": "preview"})
    assert response.status_code == 400
    assert "Aperçu sur une demande" not in response.text


def test_the_preview_renders_a_sample_case_and_counts_the_sms(admin_client, draft, org):
    body = "Bonjour {{ name }}, votre demande {{ reference }} : {{ comment }} " + "x" * 120
    data = rows(("ask", "Demande {{ reference }}", body), ("", "", ""))
    response = admin_client.post(address(draft), {**data, "do": "preview"})
    assert response.status_code == 200
    text = response.text
    assert "Aperçu sur une demande d" in text
    assert "Bonjour Camille Dupont, votre demande DV-" in text
    assert "justificatif de domicile" in text
    assert "2 SMS" in text
    draft.refresh_from_db()
    assert not draft.templates  # a preview saves nothing


def test_two_templates_with_one_code_are_refused(admin_client, draft):
    data = rows(("ask", "A", "A"), ("ask", "B", "B"), ("", "", ""))
    response = admin_client.post(address(draft), {**data, "do": "save"})
    assert response.status_code == 400
    assert "Deux modèles ont le code" in response.text


def test_the_json_form_still_works(admin_client, draft):
    response = admin_client.post(
        address(draft), {"document": '{"ask": {"subject": "Q", "body": "{{ nom }}"}}'}
    )
    assert response.status_code == 400
    assert "{{ nom }}" in response.text


def test_sms_length():
    from guichet.backoffice.notification_editor import sms_length

    assert sms_length("a" * 160) == {"characters": 160, "parts": 1}
    assert sms_length("a" * 161) == {"characters": 161, "parts": 2}
    assert sms_length("a  b\n c") == {"characters": 5, "parts": 1}


DECISION = {
    "subject": "Décision sur votre demande {{ reference }}",
    "body": "Votre demande est acceptée.",
    "legal_basis": "Code général des collectivités territoriales\nArrêté du 3 mars 2026",
    "signatory": "Camille Martin, maire adjointe",
    "appeal": True,
}


def test_a_documents_parts_are_edited_beside_its_text_and_kept(admin_client, draft):
    """Visas, signatory and appeal (catalog.validation.DOCUMENT_PARTS) have inputs of their
    own: saving the page keeps them, changes them, and a notification stays two keys."""
    actions.update_procedure_templates(
        procedure=draft,
        templates={"decision": DECISION, "ask": {"subject": "Question", "body": "Bonjour"}},
    )
    page = admin_client.get(address(draft)).text
    assert "Arrêté du 3 mars 2026</textarea>" in page
    # The templates by code, whatever order the database keeps them in: "ask", "decision".
    assert 'name="code_0" value="ask"' in page and 'name="code_1" value="decision"' in page
    assert 'name="signatory_1" value="Camille Martin, maire adjointe"' in page
    assert 'name="appeal_1" value="1" checked' in page
    assert 'name="appeal_0" value="1">' in page  # the notification's box unticked
    # The page posted back as it was shown, the signatory changed.
    data = rows(
        ("ask", "Question", "Bonjour"),
        ("decision", DECISION["subject"], DECISION["body"]),
        ("", "", ""),
    )
    data |= {"legal_basis_1": DECISION["legal_basis"], "signatory_1": "Alex Durand, maire"}
    data |= {"appeal_1": "1"}
    assert admin_client.post(address(draft), {**data, "do": "save"}).status_code == 303
    draft.refresh_from_db()
    assert draft.templates["decision"] == {**DECISION, "signatory": "Alex Durand, maire"}
    assert draft.templates["ask"] == {"subject": "Question", "body": "Bonjour"}
    # Emptied and unticked: the parts go.
    data |= {"legal_basis_1": " ", "signatory_1": "", "appeal_1": ""}
    assert admin_client.post(address(draft), {**data, "do": "save"}).status_code == 303
    draft.refresh_from_db()
    assert set(draft.templates["decision"]) == {"subject", "body"}
