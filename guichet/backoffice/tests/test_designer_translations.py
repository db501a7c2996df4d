"""The designer's "Traductions" page: each French text beside its English, what is left to
translate, saving through the catalog action; administrators only."""

import pytest
from django.urls import reverse

from guichet.catalog import actions

pytestmark = pytest.mark.django_db

FIELDS = [
    {
        "id": "kind",
        "type": "choice",
        "label": "Type de problème",
        "choices": ["Nid-de-poule", "Éclairage"],
    },
]


@pytest.fixture
def procedure(org, service_a):
    procedure = actions.create_procedure(
        organization=org, service=service_a, title="Signaler un problème"
    )
    actions.update_procedure_fields(procedure=procedure, fields=FIELDS)
    procedure.refresh_from_db()
    return procedure


def url(procedure):
    return reverse("backoffice:procedure_translations", args=[procedure.pk])


def test_it_shows_the_french_beside_an_english_input_and_counts_what_is_missing(
    client, administrator, procedure
):
    client.force_login(administrator)
    page = client.get(url(procedure))
    assert page.status_code == 200
    text = page.content.decode()
    assert "4 textes sans traduction anglaise sur 11." in text
    assert "Nid-de-poule" in text and 'lang="en"' in text
    # The default workflow's states come with the software's English.
    assert "celle du logiciel : « Submitted »" in text


def test_it_saves_the_english_and_keeps_the_french_check(client, administrator, procedure):
    client.force_login(administrator)
    page = client.get(url(procedure))
    groups = page.context["groups"]
    entries = {entry.french: entry for group in groups for entry in group.entries}
    title, choice = entries["Signaler un problème"], entries["Nid-de-poule"]
    label = entries["Type de problème"]
    response = client.post(
        url(procedure),
        {
            title.name: "Report a problem",
            title.french_name: title.french,
            choice.name: "Pothole",
            choice.french_name: choice.french,
            # Written for a French text that changed meanwhile: not taken.
            label.name: "Sort",
            label.french_name: "Ancien libellé",
        },
    )
    assert response.status_code == 303
    procedure.refresh_from_db()
    assert procedure.translations == {
        "en": {
            "title": "Report a problem",
            "fields": {"kind": {"choices": {"Nid-de-poule": "Pothole"}}},
        }
    }
    page = client.get(url(procedure))
    assert "2 textes sans traduction anglaise sur 11." in page.content.decode()


def test_the_quality_check_links_to_it(client, administrator, procedure):
    client.force_login(administrator)
    page = client.get(reverse("backoffice:procedure_quality", args=[procedure.pk]))
    assert url(procedure) in page.content.decode()


def test_agents_get_403_and_other_organizations_404(client, agent_a, other_org_agent, procedure):
    """As every administrator's page of an object (test_role_matrix.ADMIN_OBJECT)."""
    client.force_login(agent_a)
    assert client.get(url(procedure)).status_code == 403
    assert client.post(url(procedure), {}).status_code == 403
    client.force_login(other_org_agent)
    assert client.get(url(procedure)).status_code == 404
    assert client.post(url(procedure), {}).status_code == 404
    procedure.refresh_from_db()
    assert procedure.translations == {}


def test_the_preview_shows_the_form_in_english(client, administrator, procedure):
    procedure.translations = {
        "en": {"fields": {"kind": {"label": "Kind of problem", "choices": {"Éclairage": "Light"}}}}
    }
    procedure.save(update_fields=["translations"])
    client.force_login(administrator)
    preview = reverse("backoffice:procedure_preview", args=[procedure.pk])
    french = client.get(preview).content.decode()
    assert "Type de problème" in french and "?langue=en" in french
    english = client.get(preview + "?langue=en").content.decode()
    assert "Kind of problem" in english and "Light" in english
    assert "Type de problème" not in english
