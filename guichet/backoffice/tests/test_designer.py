"""The procedure designer: administrators build, preview, publish and share procedures."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.catalog import actions
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.conftest import make_member, submit
from guichet.organization.models import Role, Service

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"backoffice:{name}", args=args)


def procedure_urls(procedure):
    """Every page of one procedure, GET and POST."""
    pk = procedure.pk
    field_id = procedure.fields[0]["id"]
    return [
        url("procedure", pk),
        url("procedure_fields", pk),
        url("procedure_field_add", pk),
        url("procedure_field", pk, field_id),
        url("procedure_field_remove", pk, field_id),
        url("procedure_preview", pk),
        url("procedure_workflow", pk),
        url("procedure_deadline", pk),
        url("procedure_routing", pk),
        url("procedure_templates", pk),
        url("procedure_retention", pk),
        url("procedure_publication", pk),
        url("procedure_unpublish", pk),
        url("procedure_export", pk),
    ]


def post_urls(procedure):
    pk = procedure.pk
    field_id = procedure.fields[0]["id"]
    return [
        url("procedure", pk),
        url("procedure_field_add", pk),
        url("procedure_field", pk, field_id),
        url("procedure_field_move", pk, field_id),
        url("procedure_field_remove", pk, field_id),
        url("procedure_workflow", pk),
        url("procedure_deadline", pk),
        url("procedure_routing", pk),
        url("procedure_templates", pk),
        url("procedure_retention", pk),
        url("procedure_publish", pk),
        url("procedure_unpublish", pk),
    ]


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


@pytest.fixture
def draft(org, service_a):
    """A procedure being designed: never published, two fields."""
    procedure = actions.create_procedure(
        organization=org, service=service_a, title="Demander un badge de parking"
    )
    actions.update_procedure_fields(
        procedure=procedure,
        fields=[
            {"id": "plate", "type": "text", "label": "Immatriculation", "required": True},
            {"id": "address", "type": "textarea", "label": "Adresse"},
            {"id": "vehicles", "type": "number", "label": "Véhicules", "integer": True},
        ],
    )
    procedure.refresh_from_db()
    return procedure


def fields_of(procedure):
    procedure.refresh_from_db()
    return procedure.fields


# --- Access ----------------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login_page(client, procedure_a):
    for address in [url("procedures"), url("procedure_create"), *procedure_urls(procedure_a)]:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response.url.startswith(url("login")), address
    for address in post_urls(procedure_a):
        assert client.post(address).status_code == 302, address


@pytest.mark.parametrize("member", ["agent_a", "supervisor"])
def test_it_refuses_the_designer_to_agents_and_supervisors(client, request, member, procedure_a):
    client.force_login(request.getfixturevalue(member))
    for address in [url("procedures"), url("procedure_create"), *procedure_urls(procedure_a)]:
        assert client.get(address).status_code == 403, address
    for address in post_urls(procedure_a):
        assert client.post(address, {"direction": "down"}).status_code == 403, address
    procedure_a.refresh_from_db()
    assert procedure_a.versions.count() == 1 and procedure_a.is_published
    assert [field["id"] for field in procedure_a.fields] == ["kind", "description", "photo"]


def test_it_hides_another_organizations_procedures(admin_client, other_procedure):
    for address in procedure_urls(other_procedure):
        assert admin_client.get(address).status_code == 404, address
    for address in post_urls(other_procedure):
        assert admin_client.post(address, {"direction": "down"}).status_code == 404, address
    other_procedure.refresh_from_db()
    assert other_procedure.is_published and other_procedure.versions.count() == 1


def test_it_hides_procedures_from_outsiders(client, citizen, other_org_agent, procedure_a):
    for user in (citizen, other_org_agent):
        client.force_login(user)
        assert client.get(url("procedures")).status_code == 403
        for address in procedure_urls(procedure_a):
            assert client.get(address).status_code == 404, address


def test_it_lists_the_procedures_for_an_administrator(
    admin_client, procedure_a, procedure_b, other_procedure
):
    actions.update_procedure_fields(procedure=procedure_b, fields=procedure_b.fields[:1])
    response = admin_client.get(url("procedures"))
    assert response.status_code == 200
    rows = {procedure.pk: procedure for procedure in response.context["procedures"]}
    assert set(rows) == {procedure_a.pk, procedure_b.pk}
    assert rows[procedure_a.pk].draft_changed is False
    assert rows[procedure_b.pk].draft_changed is True
    assert "Modifié depuis la publication" in response.text
    assert "Version 1" in response.text
    assert f"{other_procedure.title}</a>" not in response.text


def test_only_administrators_see_the_designer_in_the_menu(client, administrator, agent_a, org):
    client.force_login(administrator)
    assert f'href="{url("procedures")}"' in client.get(url("inbox")).text
    client.force_login(agent_a)
    assert f'href="{url("procedures")}"' not in client.get(url("inbox")).text


def test_the_list_query_count_does_not_grow_with_the_procedures(
    admin_client, org, service_a, procedure_a, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        admin_client.get(url("procedures"))
    baseline = len(few.captured_queries)
    for number in range(15):
        procedure = actions.create_procedure(
            organization=org, service=service_a, title=f"Démarche {number}"
        )
        if number % 2:
            actions.publish_procedure(procedure=procedure)
    with django_assert_max_num_queries(baseline):
        response = admin_client.get(url("procedures"))
    assert len(response.context["procedures"]) == 16


# --- Creation and description ----------------------------------------------------------------


def test_it_creates_a_procedure_with_the_default_workflow(admin_client, org, service_a):
    response = admin_client.post(
        url("procedure_create"),
        {
            "title": "Réserver une salle communale",
            "slug": "",
            "service": service_a.pk,
            "theme": "associations",
            "summary": "Pour une fête ou une réunion.",
            "description": "",
            "asks_location": "on",
        },
    )
    procedure = Procedure.objects.get(title="Réserver une salle communale")
    assert response.status_code == 303
    assert response.url == url("procedure_fields", procedure.pk)
    assert procedure.organization == org and procedure.service == service_a
    assert procedure.slug == "reserver-une-salle-communale"
    assert procedure.workflow == default_workflow()
    assert procedure.fields == [] and procedure.asks_location
    assert not procedure.is_published and procedure.current_version is None


def test_it_keeps_what_was_typed_when_a_slug_is_taken(admin_client, service_a, procedure_a):
    response = admin_client.post(
        url("procedure_create"),
        {
            "title": "Un autre signalement",
            "slug": "signaler-voirie",
            "service": service_a.pk,
            "theme": "voirie",
        },
    )
    assert response.status_code == 400
    assert "Une autre démarche porte déjà ce nom court." in response.text
    assert 'value="Un autre signalement"' in response.text
    assert Procedure.objects.count() == 1


def test_a_slug_made_from_a_taken_title_gets_a_suffix(org, service_a, procedure_a):
    procedure = actions.create_procedure(
        organization=org, service=service_a, title="Signaler voirie"
    )
    assert procedure.slug == "signaler-voirie-2"


def test_it_refuses_a_service_of_another_organization(admin_client, other_service):
    response = admin_client.post(
        url("procedure_create"),
        {"title": "Démarche", "service": other_service.pk, "theme": "general"},
    )
    assert response.status_code == 400
    assert not Procedure.objects.filter(title="Démarche").exists()


def test_it_updates_the_description(admin_client, draft, service_b):
    response = admin_client.post(
        url("procedure", draft.pk),
        {
            "title": "Badge de stationnement résident",
            "service": service_b.pk,
            "theme": "voirie",
            "summary": "Un badge par foyer.",
            "description": "Pièces : carte grise.",
            "to_prepare": "La carte grise\nUn justificatif de domicile",
            "processing_days": "10",
        },
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.title == "Badge de stationnement résident" and draft.service == service_b
    assert draft.preparation_items() == ["La carte grise", "Un justificatif de domicile"]
    assert draft.processing_days == 10 and not draft.asks_location
    response = admin_client.post(url("procedure", draft.pk), {"title": "", "theme": "voirie"})
    assert response.status_code == 400
    assert "Ce champ est obligatoire." in response.text


# --- The form's items ------------------------------------------------------------------------


def test_it_offers_every_type_of_formschema(admin_client, draft):
    from guichet.catalog.formschema import FIELD_TYPES

    response = admin_client.get(url("procedure_fields", draft.pk))
    assert response.status_code == 200
    for kind in FIELD_TYPES:
        assert f'<option value="{kind}"' in response.text


def test_it_adds_fields(admin_client, draft):
    response = admin_client.get(url("procedure_field_add", draft.pk), {"type": "choice"})
    assert response.status_code == 200
    assert "Choix proposés" in response.text
    response = admin_client.post(
        url("procedure_field_add", draft.pk) + "?type=choice",
        {
            "type": "choice",
            "label": "Zone de stationnement",
            "id": "",
            "help": "Voir le plan.",
            "choices": "Zone A\n\n  Zone B \nZone C",
            "widget": "radio",
            "required": "on",
        },
    )
    assert response.status_code == 303
    assert response.url.endswith("#item-zone_de_stationnement")
    assert fields_of(draft)[-1] == {
        "id": "zone_de_stationnement",
        "type": "choice",
        "label": "Zone de stationnement",
        "help": "Voir le plan.",
        "choices": ["Zone A", "Zone B", "Zone C"],
        "widget": "radio",
        "required": True,
    }
    response = admin_client.post(
        url("procedure_field_add", draft.pk),
        {
            "type": "file",
            "label": "Carte grise",
            "id": "registration",
            "extensions": ["pdf", "jpg"],
            "max_size": "2",
            "max_count": "2",
        },
    )
    assert response.status_code == 303
    assert fields_of(draft)[-1] == {
        "id": "registration",
        "type": "file",
        "label": "Carte grise",
        "extensions": ["pdf", "jpg"],
        "max_size": 2 * 1024 * 1024,
        "max_count": 2,
    }


def test_it_edits_a_field_and_keeps_keys_it_does_not_show(admin_client, draft):
    fields = fields_of(draft)
    fields[2]["future_key"] = "kept"
    actions.update_procedure_fields(procedure=draft, fields=fields)
    page = admin_client.get(url("procedure_field", draft.pk, "vehicles"))
    assert page.status_code == 200
    assert 'value="Véhicules"' in page.text
    response = admin_client.post(
        url("procedure_field", draft.pk, "vehicles"),
        {"label": "Nombre de véhicules", "id": "vehicle_count", "min": "1", "max": "3"},
    )
    assert response.status_code == 303
    assert fields_of(draft)[2] == {
        "id": "vehicle_count",
        "type": "number",
        "label": "Nombre de véhicules",
        "integer": False,
        "future_key": "kept",
        "min": 1,
        "max": 3,
    }


def test_it_moves_fields_up_and_down(admin_client, draft):
    move = url("procedure_field_move", draft.pk, "vehicles")
    assert admin_client.post(move, {"direction": "up"}).status_code == 303
    assert [f["id"] for f in fields_of(draft)] == ["plate", "vehicles", "address"]
    admin_client.post(move, {"direction": "up"})
    admin_client.post(move, {"direction": "up"})  # already first: stays there
    assert [f["id"] for f in fields_of(draft)] == ["vehicles", "plate", "address"]
    admin_client.post(move, {"direction": "down"})
    assert [f["id"] for f in fields_of(draft)] == ["plate", "vehicles", "address"]
    response = admin_client.post(move, {"direction": "sideways"})
    assert response.status_code == 400
    assert "Choisissez de monter ou de descendre." in response.text


def test_it_asks_before_removing_a_field(admin_client, draft):
    remove = url("procedure_field_remove", draft.pk, "address")
    page = admin_client.get(remove)
    assert page.status_code == 200
    assert "Supprimer « Adresse » ?" in page.text
    assert len(fields_of(draft)) == 3
    response = admin_client.post(remove)
    assert response.status_code == 303
    assert [f["id"] for f in fields_of(draft)] == ["plate", "vehicles"]
    assert admin_client.get(url("procedure_field", draft.pk, "address")).status_code == 404


def test_a_published_id_no_longer_changes(admin_client, procedure_a):
    page = admin_client.get(url("procedure_field", procedure_a.pk, "kind"))
    assert "disabled" in page.text and "Publié : il ne change plus" in page.text
    response = admin_client.post(
        url("procedure_field", procedure_a.pk, "kind"),
        {"label": "Nature du problème", "id": "nature", "choices": "Nid-de-poule\nAutre"},
    )
    assert response.status_code == 303
    field = fields_of(procedure_a)[0]
    assert field["id"] == "kind" and field["label"] == "Nature du problème"
    with pytest.raises(ValidationError) as error:
        actions.change_procedure_field(
            procedure=procedure_a, field_id="kind", field={**field, "id": "nature"}
        )
    assert "ne peut plus changer" in error.value.message_dict["id"][0]


def test_an_id_removed_then_published_stays_locked(admin_client, draft):
    actions.publish_procedure(procedure=draft)
    actions.remove_procedure_field(procedure=draft, field_id="address")
    actions.publish_procedure(procedure=draft)
    actions.add_procedure_field(
        procedure=draft, field={"id": "address", "type": "text", "label": "Adresse"}
    )
    page = admin_client.get(url("procedure_field", draft.pk, "address"))
    assert page.context["form"].locked


def test_an_unpublished_id_may_change(admin_client, procedure_a):
    actions.add_procedure_field(
        procedure=procedure_a, field={"id": "notes", "type": "textarea", "label": "Notes"}
    )
    response = admin_client.post(
        url("procedure_field", procedure_a.pk, "notes"), {"label": "Notes", "id": "remarks"}
    )
    assert response.status_code == 303
    assert fields_of(procedure_a)[-1]["id"] == "remarks"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"label": "Zone", "id": "zone", "choices": " \n "}, "Proposez au moins un choix."),
        ({"label": "Zone", "id": "plate", "choices": "A"}, "a déjà cet identifiant"),
        ({"label": "Zone", "id": "Zone A", "choices": "A"}, "L'identifiant ne peut contenir"),
        ({"label": "Zone", "choices": "A\nA"}, "Ce choix est proposé deux fois : A."),
    ],
)
def test_bad_input_is_refused_and_kept(admin_client, draft, data, message):
    response = admin_client.post(url("procedure_field_add", draft.pk), {"type": "choice", **data})
    assert response.status_code == 400
    assert message.replace("'", "&#x27;") in response.text
    assert 'value="Zone"' in response.text
    assert len(fields_of(draft)) == 3


def test_bad_numbers_and_patterns_are_refused(admin_client, draft):
    response = admin_client.post(
        url("procedure_field", draft.pk, "vehicles"),
        {"label": "Véhicules", "min": "5", "max": "2"},
    )
    assert response.status_code == 400
    assert "La valeur maximale doit être supérieure à la minimale." in response.text
    response = admin_client.post(
        url("procedure_field", draft.pk, "plate"),
        {"label": "Immatriculation", "pattern": "[A-Z"},
    )
    assert response.status_code == 400
    assert "pas une expression régulière valide" in response.text
    assert fields_of(draft)[0] == {
        "id": "plate",
        "type": "text",
        "label": "Immatriculation",
        "required": True,
    }


def test_a_new_item_is_told_where_its_condition_is_set(admin_client, draft):
    page = admin_client.get(url("procedure_field_add", draft.pk), {"type": "text"})
    assert "Une fois l'élément enregistré" in page.text
    assert 'name="condition"' not in page.text
    # A condition posted anyway is not taken: conditions come from their editor only.
    posted = {"type": "text", "label": "Zone", "condition": '{"field": "plate", "op": "empty"}'}
    assert admin_client.post(url("procedure_field_add", draft.pk), posted).status_code == 303
    assert "condition" not in fields_of(draft)[-1]


def test_an_unknown_type_is_refused(admin_client, draft):
    response = admin_client.get(url("procedure_field_add", draft.pk), {"type": "hologram"})
    assert response.status_code == 400
    response = admin_client.post(url("procedure_field_add", draft.pk), {"type": "hologram"})
    assert response.status_code == 400
    assert len(fields_of(draft)) == 3


def test_the_actions_refuse_what_formschema_refuses(draft):
    with pytest.raises(ValidationError):
        actions.add_procedure_field(procedure=draft, field={"id": "plate", "type": "text"})
    with pytest.raises(ValidationError):
        actions.add_procedure_field(procedure=draft, field={"id": "x", "type": "hologram"})
    with pytest.raises(ValidationError):
        actions.update_procedure_fields(procedure=draft, fields="plate")
    assert len(fields_of(draft)) == 3


def test_every_type_of_formschema_can_be_added(admin_client, draft):
    from guichet.appointments.models import Agenda, MeetingType
    from guichet.catalog.formschema import FIELD_TYPES
    from guichet.organization.models import Place

    place = Place.objects.create(organization=draft.organization, name="Mairie", slug="mairie")
    agenda = Agenda.objects.create(
        organization=draft.organization, service=draft.service, place=place, name="Titres"
    )
    meeting_type = MeetingType.objects.create(agenda=agenda, name="Passeport")

    for kind in FIELD_TYPES:
        page = admin_client.get(url("procedure_field_add", draft.pk), {"type": kind})
        assert page.status_code == 200, kind
        data = {"type": kind, "label": f"Élément {kind}", "help": "Un texte d'aide."}
        if kind in ("choice", "multichoice"):
            data["choices"] = "Oui\nNon"
        if kind in ("page", "section"):
            data["before"] = "address"
        if kind == "slot":
            data["meeting_type"] = str(meeting_type.pk)
        response = admin_client.post(url("procedure_field_add", draft.pk), data)
        assert response.status_code == 303, (kind, response.context["form"].errors)
    ids = [field["id"] for field in fields_of(draft)]
    assert len(ids) == 3 + len(FIELD_TYPES)
    assert ids.index("element_page") < ids.index("address")


def test_a_deactivated_meeting_type_is_offered_last_and_marked(admin_client, draft):
    from guichet.appointments.models import Agenda, MeetingType
    from guichet.organization.models import Place

    place = Place.objects.create(organization=draft.organization, name="Mairie", slug="mairie")
    agenda = Agenda.objects.create(
        organization=draft.organization, service=draft.service, place=place, name="Titres"
    )
    MeetingType.objects.create(agenda=agenda, name="Carte", is_active=False)
    MeetingType.objects.create(agenda=agenda, name="Passeport")
    page = admin_client.get(url("procedure_field_add", draft.pk), {"type": "slot"})
    labels = [label for _value, label in page.context["form"].fields["meeting_type"].choices]
    assert labels[1:] == ["Titres – Passeport", "Titres – Carte (désactivé : aucun créneau)"]
    agenda.is_active = False
    agenda.save()
    page = admin_client.get(url("procedure_field_add", draft.pk), {"type": "slot"})
    labels = [label for _value, label in page.context["form"].fields["meeting_type"].choices]
    assert all(label.endswith("(désactivé : aucun créneau)") for label in labels[1:])


def test_a_step_goes_before_its_items(admin_client, draft):
    response = admin_client.post(
        url("procedure_field_add", draft.pk), {"type": "page", "label": "Votre adresse"}
    )
    assert response.status_code == 400
    assert "L&#x27;étape « Votre adresse » ne contient aucun élément." in response.text
    response = admin_client.post(
        url("procedure_field_add", draft.pk),
        {"type": "page", "label": "Votre adresse", "id": "step_address", "before": "address"},
    )
    assert response.status_code == 303
    assert [f["id"] for f in fields_of(draft)] == ["plate", "step_address", "address", "vehicles"]
    preview = admin_client.get(url("procedure_preview", draft.pk))
    assert "Étape 1 sur 2" in preview.text
    assert "Étape 2 sur 2 : Votre adresse" in preview.text
    # Emptying a step is refused, with the reason.
    assert admin_client.post(url("procedure_field_remove", draft.pk, "address")).status_code == 303
    response = admin_client.post(url("procedure_field_remove", draft.pk, "vehicles"))
    assert response.status_code == 400
    assert "ne contient aucun élément" in response.text
    assert [f["id"] for f in fields_of(draft)] == ["plate", "step_address", "vehicles"]


def test_every_page_of_a_procedure_opens(admin_client, procedure_a):
    for address in procedure_urls(procedure_a):
        assert admin_client.get(address).status_code == 200, address
    for address in (url("procedures"), url("procedure_create"), url("procedure_import")):
        assert admin_client.get(address).status_code == 200, address


# --- Preview ---------------------------------------------------------------------------------


def test_the_preview_shows_the_draft_as_a_citizen_sees_it(admin_client, procedure_a):
    actions.add_procedure_field(
        procedure=procedure_a,
        field={"id": "count", "type": "number", "label": "Nombre de trous", "required": True},
    )
    response = admin_client.get(url("procedure_preview", procedure_a.pk))
    assert response.status_code == 200
    text = response.text
    assert 'for="preview_kind"' in text and "Nid-de-poule" in text
    assert 'name="description"' in text and 'type="file"' in text
    assert "Nombre de trous" in text  # the draft, not the published version
    assert "Le brouillon diffère de la version publiée" in text
    assert 'type="submit"' not in text.split('class="designer-preview"')[1]


# --- Workflow, deadline, routing, templates --------------------------------------------------


def test_the_workflow_page_shows_states_and_transitions(admin_client, draft):
    response = admin_client.get(url("procedure_workflow", draft.pk))
    assert response.status_code == 200
    assert ">États et transitions, en texte</h3>" in response.text
    assert "Demander un complément" in response.text
    assert "suspendre le délai" in response.text


def test_an_unreadable_workflow_is_refused(admin_client, draft):
    address = url("procedure_workflow", draft.pk)
    response = admin_client.post(address, {"document": '{"initial": "submitted",'})
    assert response.status_code == 400
    assert "Ce n&#x27;est pas du JSON valide" in response.text
    assert "{&quot;initial&quot;: &quot;submitted&quot;," in response.text
    response = admin_client.post(address, {"document": '{"initial": "submitted"}'})
    assert response.status_code == 400
    assert "la clé « states » manque" in response.text
    response = admin_client.post(address, {"document": "[]"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.workflow == default_workflow()


def test_an_invalid_workflow_gets_its_reasons(admin_client, draft):
    workflow = default_workflow()
    workflow["states"].append(
        {"code": "lost", "label": "Perdue", "agent_label": "Perdue", "category": "open"}
    )
    response = admin_client.post(
        url("procedure_workflow", draft.pk), {"document": json.dumps(workflow)}
    )
    assert response.status_code == 400
    assert "ne peut pas être atteint depuis l&#x27;état initial" in response.text
    workflow["transitions"].append(
        {"code": "lose", "from": ["received"], "to": "lost", "label": "Perdre"}
    )
    workflow["transitions"].append(
        {"code": "find", "from": ["lost"], "to": "closed", "label": "Classer"}
    )
    response = admin_client.post(
        url("procedure_workflow", draft.pk), {"document": json.dumps(workflow)}
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.workflow == workflow


def test_the_deadline_form(admin_client, draft):
    address = url("procedure_deadline", draft.pk)
    response = admin_client.post(
        address,
        {"days": "15", "unit": "business", "at_risk_days": "3", "tacit_decision": "accept"},
    )
    assert response.status_code == 400
    assert "Choisissez l&#x27;état où passe la demande." in response.text
    response = admin_client.post(
        address,
        {
            "days": "15",
            "unit": "business",
            "at_risk_days": "3",
            "alsace_moselle": "on",
            "tacit_decision": "accept",
            "tacit_state": "accepted",
        },
    )
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.deadline == {
        "days": 15,
        "unit": "business",
        "alsace_moselle": True,
        "at_risk_days": 3,
        "tacit": {"decision": "accept", "state": "accepted"},
    }
    admin_client.post(address, {"days": "", "unit": "calendar", "at_risk_days": "3"})
    draft.refresh_from_db()
    assert draft.deadline == {}


def test_the_retention_form(admin_client, draft):
    address = url("procedure_retention", draft.pk)
    page = admin_client.get(address).text
    assert "Durée de conservation après la clôture" in page and "Anonymiser" in page
    response = admin_client.post(address, {"retention_months": "0", "retention_action": "delete"})
    assert response.status_code == 400 and 'value="0"' in response.text
    response = admin_client.post(address, {"retention_months": "36", "retention_action": "burn"})
    assert response.status_code == 400
    draft.refresh_from_db()
    assert draft.retention_months is None
    response = admin_client.post(address, {"retention_months": "36", "retention_action": "delete"})
    assert response.status_code == 303
    draft.refresh_from_db()
    assert (draft.retention_months, draft.retention_action) == (36, "delete")
    admin_client.post(address, {"retention_months": "", "retention_action": "anonymize"})
    draft.refresh_from_db()
    assert (draft.retention_months, draft.retention_action) == (None, "anonymize")


def test_the_tacit_decision_can_come_with_a_document(admin_client, draft):
    draft.templates = {"attestation": {"subject": "Attestation", "body": "Acceptée."}}
    draft.save()
    address = url("procedure_deadline", draft.pk)
    fields = {"days": "10", "unit": "business", "at_risk_days": "3"}
    fields |= {"tacit_decision": "accept", "tacit_state": "accepted"}
    assert 'value="attestation"' in admin_client.get(address).text  # offered by name
    response = admin_client.post(address, {**fields, "tacit_document": "missing"})
    assert response.status_code == 400  # not one of the templates
    response = admin_client.post(address, {**fields, "tacit_document": "attestation"})
    assert response.status_code == 303
    draft.refresh_from_db()
    assert draft.deadline["tacit"] == {
        "decision": "accept",
        "state": "accepted",
        "document": "attestation",
    }


def test_routing_rules_are_checked(admin_client, draft, service_b):
    address = url("procedure_routing", draft.pk)
    rules = [{"service": "nowhere"}]
    response = admin_client.post(address, {"document": json.dumps(rules)})
    assert response.status_code == 400
    assert "le service « nowhere » n&#x27;existe pas" in response.text
    response = admin_client.post(address, {"document": '{"service": "etat-civil"}'})
    assert response.status_code == 400
    assert "une liste JSON" in response.text
    rules = [{"service": "etat-civil", "when": {"field": "vehicles", "op": "gt", "value": 2}}]
    assert admin_client.post(address, {"document": json.dumps(rules)}).status_code == 303
    draft.refresh_from_db()
    assert draft.routing == rules


def test_notification_templates_are_checked(admin_client, draft):
    address = url("procedure_templates", draft.pk)
    bad = {"ask": {"subject": "Demande {{ reference|nofilter }}", "body": "Bonjour"}}
    response = admin_client.post(address, {"document": json.dumps(bad)})
    assert response.status_code == 400
    assert "est mal écrit" in response.text
    debug = {"ask": {"subject": "Demande", "body": "{% debug %}"}}
    assert admin_client.post(address, {"document": json.dumps(debug)}).status_code == 400
    good = {"ask": {"subject": "Demande {{ reference }}", "body": "Bonjour {{ name }}"}}
    assert admin_client.post(address, {"document": json.dumps(good)}).status_code == 303
    draft.refresh_from_db()
    assert draft.templates == good


def test_one_part_cannot_break_another(admin_client, draft):
    """The draft stays publishable: what a part refers to cannot vanish from another."""
    rules = [{"service": "voirie", "when": {"field": "vehicles", "op": "gt", "value": 2}}]
    actions.update_procedure_routing(procedure=draft, routing=rules)
    response = admin_client.post(url("procedure_field_remove", draft.pk, "vehicles"))
    assert response.status_code == 400
    assert "sert à la règle d&#x27;orientation n° 1" in response.text

    templates = {"ask": {"subject": "Question", "body": "Bonjour"}}
    actions.update_procedure_templates(procedure=draft, templates=templates)
    workflow = default_workflow()
    workflow["transitions"][3]["actions"].append({"type": "notify", "template": "ask"})
    actions.update_procedure_workflow(procedure=draft, workflow=workflow)
    response = admin_client.post(url("procedure_templates", draft.pk), {"document": "{}"})
    assert response.status_code == 400
    assert "sert à la transition ask du circuit" in response.text

    deadline = {"days": 10, "tacit": {"decision": "reject", "state": "rejected"}}
    actions.update_procedure_deadline(procedure=draft, deadline=deadline)
    workflow["states"] = [state for state in workflow["states"] if state["code"] != "rejected"]
    workflow["transitions"] = [t for t in workflow["transitions"] if t["to"] != "rejected"]
    response = admin_client.post(
        url("procedure_workflow", draft.pk), {"document": json.dumps(workflow)}
    )
    assert response.status_code == 400
    assert "La décision implicite mène à un état inconnu : rejected." in response.text
    draft.refresh_from_db()
    assert [f["id"] for f in draft.fields] == ["plate", "address", "vehicles"]
    assert draft.templates == templates
    assert any(state["code"] == "rejected" for state in draft.workflow["states"])


# --- Publication -----------------------------------------------------------------------------


def test_publishing_creates_a_version_and_filed_cases_keep_theirs(
    admin_client, administrator, procedure_a
):
    filed = submit(procedure_a)
    version_1 = procedure_a.current_version
    admin_client.post(
        url("procedure_field", procedure_a.pk, "description"),
        {"label": "Décrivez le problème", "required": "on"},
    )
    page = admin_client.get(url("procedure_publication", procedure_a.pk))
    assert "Les demandes déjà déposées gardent leur version." in page.text
    assert "Publier la version 2" in page.text
    response = admin_client.post(url("procedure_publish", procedure_a.pk))
    assert response.status_code == 303
    procedure_a.refresh_from_db()
    version_2 = procedure_a.current_version
    assert version_2.number == 2 and version_2.published_by == administrator
    assert version_2.fields[1]["label"] == "Décrivez le problème"
    filed.refresh_from_db()
    assert filed.version == version_1
    assert version_1.fields[1]["label"] == "Description"
    assert submit(procedure_a).version == version_2
    page = admin_client.get(url("procedure_publication", procedure_a.pk))
    assert str(administrator) in page.text and "Version 2" in page.text


def test_publication_errors_are_shown(admin_client, draft, service_b):
    actions.update_procedure_routing(procedure=draft, routing=[{"service": "etat-civil"}])
    service_b.procedures.update(service=draft.service)
    Service.objects.filter(pk=service_b.pk).delete()
    response = admin_client.post(url("procedure_publish", draft.pk))
    assert response.status_code == 400
    assert "La démarche n'a pas été publiée" in response.text
    assert "le service « etat-civil » n&#x27;existe pas" in response.text
    assert f'href="{url("procedure_routing", draft.pk)}"' in response.text
    draft.refresh_from_db()
    assert draft.current_version is None and not draft.is_published


def test_closing_a_procedure_asks_first(admin_client, procedure_a):
    address = url("procedure_unpublish", procedure_a.pk)
    page = admin_client.get(address)
    assert "continuent d'être traitées" in page.text
    procedure_a.refresh_from_db()
    assert procedure_a.is_published
    assert admin_client.post(address).status_code == 303
    procedure_a.refresh_from_db()
    assert not procedure_a.is_published
    assert procedure_a.current_version.number == 1


# --- Export and import -----------------------------------------------------------------------


def test_export_then_import_into_another_organization(admin_client, client, procedure_a, other_org):
    actions.update_procedure_templates(
        procedure=procedure_a, templates={"ask": {"subject": "Question", "body": "Bonjour"}}
    )
    response = admin_client.get(url("procedure_export", procedure_a.pk))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="signaler-voirie.json"' in response["Content-Disposition"]
    document = json.loads(response.content)
    assert document["format"] == "guichet.procedure"

    other_admin = make_member("admin@villeneuve.test", other_org, Role.ADMINISTRATOR, [])
    client.force_login(other_admin)
    upload = SimpleUploadedFile("demarche.json", response.content, "application/json")
    imported = client.post(
        url("procedure_import"), {"file": upload, "publish": "on"}, HTTP_HOST="villeneuve.test"
    )
    assert imported.status_code == 303
    procedure = Procedure.objects.get(organization=other_org)
    assert procedure.is_published and procedure.current_version.number == 1
    again = client.get(url("procedure_export", procedure.pk), HTTP_HOST="villeneuve.test")
    assert json.loads(again.content) == document


def test_a_bad_import_is_refused_with_its_reasons(admin_client, org):
    upload = SimpleUploadedFile("demarche.json", b'{"format": "autre"}', "application/json")
    response = admin_client.post(url("procedure_import"), {"file": upload})
    assert response.status_code == 400
    assert "pas une démarche exportée par Guichet" in response.text
    upload = SimpleUploadedFile("demarche.json", b"{oops", "application/json")
    response = admin_client.post(url("procedure_import"), {"file": upload})
    assert response.status_code == 400
    assert "JSON valide" in response.text
    assert not Procedure.objects.exists()


def test_date_bounds_are_set_without_json(admin_client, draft):
    add = url("procedure_field_add", draft.pk)
    start = {"type": "date", "label": "Date de début", "id": "debut"}
    start |= {"after_ref": "today", "after_days": "0"}
    assert admin_client.post(add, start).status_code == 303
    assert fields_of(draft)[-1]["after"] == {"days_from_today": 0}
    page = admin_client.get(add, {"type": "date"})
    assert "La date « Date de début »" in page.text
    end = {"type": "date", "label": "Date de fin", "id": "fin", "after_ref": "field:debut"}
    end |= {"after_strict": "on", "after_message": "La fin suit le début."}
    end |= {"before_ref": "today", "before_days": "365"}
    assert admin_client.post(add, end).status_code == 303
    field = fields_of(draft)[-1]
    assert field["after"] == {"field": "debut", "strict": True, "message": "La fin suit le début."}
    assert field["before"] == {"days_from_today": 365}
    edit = admin_client.get(url("procedure_field", draft.pk, "fin"))
    assert '<option value="field:debut" selected>' in edit.text
    assert 'value="La fin suit le début."' in edit.text
    # No limit any more: the key goes.
    response = admin_client.post(
        url("procedure_field", draft.pk, "fin"),
        {"label": "Date de fin", "id": "fin", "after_ref": "field:debut"},
    )
    assert response.status_code == 303
    assert fields_of(draft)[-1]["after"] == {"field": "debut"}
    assert "before" not in fields_of(draft)[-1]


def test_a_number_between_two_others_is_set_without_json(admin_client, draft):
    add = url("procedure_field_add", draft.pk)
    for label, field_id in (("Places minimum", "pmin"), ("Places maximum", "pmax")):
        posted = {"type": "number", "label": label, "id": field_id, "integer": "on"}
        assert admin_client.post(add, posted).status_code == 303
    page = admin_client.get(add, {"type": "number"})
    assert "Le nombre « Places maximum »" in page.text
    assert "Aujourd&#x27;hui" not in page.text  # days from today are for dates only
    places = {"type": "number", "label": "Places", "id": "places", "at_least_ref": "field:pmin"}
    places |= {"at_most_ref": "field:pmax", "at_most_strict": "on"}
    places |= {"at_most_message": "Moins que le maximum."}
    assert admin_client.post(add, places).status_code == 303
    field = fields_of(draft)[-1]
    assert field["at_least"] == {"field": "pmin"}
    assert field["at_most"] == {"field": "pmax", "strict": True, "message": "Moins que le maximum."}
    edit = admin_client.get(url("procedure_field", draft.pk, "places"))
    assert '<option value="field:pmax" selected>' in edit.text
    # A number asked later cannot bound it: said next to the input, nothing saved.
    response = admin_client.post(
        add,
        {"type": "number", "label": "Avant", "before": "pmin", "at_least_ref": "field:pmax"},
    )
    assert response.status_code == 400
    assert "un nombre ne se compare qu&#x27;aux nombres demandés avant" in response.text
    assert [item["id"] for item in fields_of(draft)][-3:] == ["pmin", "pmax", "places"]


def test_bad_date_bounds_are_refused_next_to_the_input(admin_client, draft):
    add = url("procedure_field_add", draft.pk)
    response = admin_client.post(add, {"type": "date", "label": "Départ", "after_ref": "today"})
    assert response.status_code == 400
    assert "Indiquez un nombre de jours (0 pour aujourd&#x27;hui)." in response.text
    back = {"type": "date", "label": "Retour", "id": "retour"}
    assert admin_client.post(add, back).status_code == 303
    # A new date placed before "Retour" cannot read it.
    response = admin_client.post(
        add,
        {"type": "date", "label": "Aller", "after_ref": "field:retour", "before": "retour"},
    )
    assert response.status_code == 400
    assert "placé après cet élément" in response.text
    assert [field["id"] for field in fields_of(draft)][-1] == "retour"
