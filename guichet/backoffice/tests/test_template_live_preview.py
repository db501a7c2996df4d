"""The notification templates' live preview (designer_templates.template_preview): one row
rendered on the sample case as it is typed, its SMS length, its error in the row's live
region; administrators of the procedure's organization only, and nothing saved."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from guichet.backoffice.notification_editor import VARIABLE_DESCRIPTIONS
from guichet.catalog import actions
from guichet.catalog.validation import NOTIFICATION_TEMPLATE_VARIABLES
from guichet.conftest import make_member
from guichet.organization.models import Role

pytestmark = pytest.mark.django_db

SAVED = {"ask": {"subject": "Question", "body": "Bonjour {{ name }}"}}


@pytest.fixture
def draft(org, service_a):
    procedure = actions.create_procedure(
        organization=org, service=service_a, title="Badge de parking"
    )
    actions.update_procedure_templates(procedure=procedure, templates=SAVED)
    return procedure


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def address(procedure):
    return reverse("backoffice:procedure_template_preview", args=[procedure.pk])


def row(number=0, code="ask", subject="", body=""):
    return {
        "row": str(number),
        f"code_{number}": code,
        f"subject_{number}": subject,
        f"body_{number}": body,
    }


def test_it_renders_the_row_on_the_sample_case(admin_client, draft):
    response = admin_client.post(
        address(draft), row(1, subject="Demande {{ reference }}", body="Bonjour {{ name }}")
    )
    assert response.status_code == 200
    text = response.text
    year = text.split("Demande DV-")[1][:4]
    assert year.isdigit()
    assert f"Demande DV-{year}-000123" in text
    assert "Bonjour Camille Dupont" in text
    assert "En SMS : 22 caractères, 1 SMS." in text
    # The row's live region is emptied out of band (a former error goes away).
    assert '<div id="tpl-status-1" hx-swap-oob="innerHTML"></div>' in text


def test_it_counts_a_long_body_as_two_sms(admin_client, draft):
    response = admin_client.post(address(draft), row(subject="Objet", body="a" * 161))
    assert response.status_code == 200
    assert "En SMS : 161 caractères, 2 SMS." in response.text
    response = admin_client.post(address(draft), row(subject="Objet", body="a" * 160))
    assert "En SMS : 160 caractères, 1 SMS." in response.text


def test_an_unknown_variable_is_reported_in_the_rows_live_region(admin_client, draft):
    response = admin_client.post(
        address(draft), row(2, subject="Demande {{ reference }}", body="Bonjour {{ demandeur }}")
    )
    assert response.status_code == 400
    status = response.text.split('<div id="tpl-status-2" hx-swap-oob="innerHTML">')[1]
    assert "variable inconnue {{ demandeur }}" in status.split("</div>")[0]
    assert "Aperçu indisponible" in response.text
    assert "Bonjour " not in response.text  # no preview with an empty place


def test_a_syntax_error_is_reported(admin_client, draft):
    response = admin_client.post(address(draft), row(subject="Objet", body="Bonjour {% if %}"))
    assert response.status_code == 400
    assert "est mal écrit" in response.text


def test_a_part_still_empty_is_no_error_while_typing(admin_client, draft):
    response = admin_client.post(address(draft), row(code="", subject="", body="Bonjour"))
    assert response.status_code == 200
    assert "Bonjour" in response.text
    assert "errorlist" not in response.text


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"row": "x"},
        {"row": "-1"},
        {"row": "1000"},
        row(subject="a" * 301, body="b"),
        row(subject="a", body="b" * 10_001),
    ],
    ids=["no-row", "not-a-number", "negative", "too-far", "long-subject", "long-body"],
)
def test_bad_input_is_a_400_fragment(admin_client, draft, data):
    response = admin_client.post(address(draft), data)
    assert response.status_code == 400
    assert 'class="errorlist"' in response.text


def test_an_oversized_request_is_refused_before_it_is_read(admin_client, draft):
    response = admin_client.post(
        address(draft), {**row(subject="a", body="b"), "padding": "x" * 70_000}
    )
    assert response.status_code == 400
    assert "trop long" in response.text


def test_it_saves_nothing(admin_client, draft):
    for body in ("Autre texte {{ reference }}", "Bonjour {{ demandeur }}"):
        admin_client.post(address(draft), row(subject="Nouveau", body=body))
    draft.refresh_from_db()
    assert draft.templates == SAVED


def test_only_post(admin_client, draft):
    assert admin_client.get(address(draft)).status_code == 405


def test_it_is_for_the_organizations_administrators_only(
    client, draft, agent_a, other_org, other_org_agent, other_procedure
):
    data = row(subject="Objet", body="Bonjour {{ name }}")
    anonymous = client.post(address(draft), data)
    assert anonymous.status_code == 302
    client.force_login(agent_a)  # a member, not an administrator
    assert client.post(address(draft), data).status_code == 403
    for outsider in (
        other_org_agent,
        make_member("admin@villeneuve.test", other_org, Role.ADMINISTRATOR, []),
    ):
        client.force_login(outsider)
        assert client.post(address(draft), data).status_code == 404
    draft.refresh_from_db()
    assert draft.templates == SAVED


def test_another_organizations_procedure_is_hidden(admin_client, other_procedure):
    data = row(subject="Objet", body="Bonjour {{ name }}")
    assert admin_client.post(address(other_procedure), data).status_code == 404


def test_the_page_offers_the_live_preview_and_the_insert_buttons(admin_client, draft):
    page = admin_client.get(reverse("backoffice:procedure_templates", args=[draft.pk])).text
    assert f'hx-post="{address(draft)}"' in page
    assert 'id="tpl-status-0" class="template-status" role="status" aria-live="polite"' in page
    assert 'id="tpl-preview-1"' in page  # the new row has one too
    for name in NOTIFICATION_TEMPLATE_VARIABLES:
        # Hidden without JavaScript (template_editor.js shows them); the plain list stays.
        assert f'data-insert-variable="{name}" hidden>' in page
        assert f"<code data-variable-text>{{{{ {name} }}}}</code>" in page
        assert escape(str(VARIABLE_DESCRIPTIONS[name])) in page
    assert "guichet/template_editor.js" in page
