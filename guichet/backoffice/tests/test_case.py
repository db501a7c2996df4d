"""A case's page and what agents do on it: change its state, take it, answer, note."""

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.cases import actions
from guichet.cases.models import EventKind, Message
from guichet.conftest import submit

pytestmark = pytest.mark.django_db


def page_url(case):
    return reverse("backoffice:case", args=[case.reference])


def url(name, case):
    return reverse(f"backoffice:{name}", args=[case.reference])


def text_of(response) -> str:
    """The page as a reader sees it (entities decoded)."""
    return html.unescape(response.content.decode())


@pytest.fixture
def signed_in(client, agent_a):
    client.force_login(agent_a)
    return client


def test_it_shows_the_answers_contact_and_location(signed_in, procedure_a):
    case = submit(
        procedure_a,
        contact_phone="06 12 34 56 78",
        address="12 rue de la Paix",
        latitude=48.8566,
        longitude=2.3522,
    )
    text = text_of(signed_in.get(page_url(case)))
    assert "Type de problème" in text and "Nid-de-poule" in text
    assert "Un trou devant le 12." in text
    assert "alice@example.test" in text and "06 12 34 56 78" in text
    assert "Site web" in text  # the channel
    assert "12 rue de la Paix" in text and "48.856600" in text and "2.352200" in text
    assert text.count("<h1") == 1


def test_it_offers_the_allowed_transitions_only(signed_in, case_a):
    text = text_of(signed_in.get(page_url(case_a)))
    assert 'value="receive"' in text and 'value="start_now"' in text and 'value="close"' in text
    assert 'value="accept"' not in text


def test_the_comment_says_which_transitions_need_it(signed_in, case_a):
    actions.transition_case(case=case_a, transition="receive", actor=None)
    actions.transition_case(case=case_a, transition="start", actor=None)
    text = text_of(signed_in.get(page_url(case_a)))
    # From "in progress": asking the citizen and refusing need a comment, accepting does not.
    assert "Obligatoire pour : « Demander un complément », « Refuser » ; facultatif sinon." in (
        text
    )
    assert "Commentaire (facultatif)" not in text
    response = signed_in.post(url("case_transition", case_a), {"transition": "reject"})
    assert response.status_code == 400
    assert "Obligatoire pour : « Demander un complément »" in text_of(response)


def test_a_transition_changes_the_state_and_shows_on_the_page(signed_in, case_a):
    response = signed_in.post(
        url("case_transition", case_a), {"transition": "receive", "comment": "Bien reçu."}
    )
    assert response.status_code == 303 and response.url == page_url(case_a)
    case_a.refresh_from_db()
    assert case_a.state == "received"
    signed_in.post(url("case_transition", case_a), {"transition": "start"})
    text = text_of(signed_in.get(page_url(case_a)))
    assert "Anne a changé l'état : Reçue → En cours." in text
    assert "Anne a changé l'état : Nouvelle → Reçue." in text
    assert "Bien reçu." in text
    assert "La demande est maintenant à l'état « En cours »." in text


def test_an_invalid_transition_is_refused_and_changes_nothing(signed_in, case_a):
    for code in ["accept", "does-not-exist", ""]:
        response = signed_in.post(
            url("case_transition", case_a), {"transition": code, "comment": "Mon commentaire"}
        )
        assert response.status_code == 400, code
        assert "Mon commentaire" in text_of(response), code  # what was typed is kept
        assert "La demande n'a pas été modifiée" in text_of(response), code
        if code:
            assert "n'est pas possible dans l'état actuel" in text_of(response)
    case_a.refresh_from_db()
    assert case_a.state == "submitted" and case_a.events.count() == 1


def test_it_assigns_the_case_to_me(signed_in, agent_a, case_a):
    response = signed_in.post(url("case_assign", case_a), {"assignee": agent_a.pk})
    assert response.status_code == 303
    case_a.refresh_from_db()
    assert case_a.assignee == agent_a
    text = text_of(signed_in.get(page_url(case_a)))
    assert "La demande vous est attribuée." in text
    assert "Anne s'est attribué la demande." in text
    assert "M'attribuer" not in text


def test_it_assigns_to_a_colleague_of_the_service_and_back_to_nobody(
    signed_in, case_a, supervisor, administrator
):
    form = signed_in.get(page_url(case_a)).context["assign_form"]
    assert set(form.fields["assignee"].queryset) >= {supervisor, administrator}
    signed_in.post(url("case_assign", case_a), {"assignee": supervisor.pk})
    case_a.refresh_from_db()
    assert case_a.assignee == supervisor
    text = text_of(signed_in.get(page_url(case_a)))
    assert f"Anne a attribué la demande à {supervisor}." in text
    signed_in.post(url("case_assign", case_a), {"assignee": ""})
    case_a.refresh_from_db()
    assert case_a.assignee is None


def test_it_refuses_to_assign_to_an_agent_of_another_service(signed_in, case_a, agent_b):
    response = signed_in.post(url("case_assign", case_a), {"assignee": agent_b.pk})
    assert response.status_code == 400
    for value in ["abc", "999999"]:
        assert signed_in.post(url("case_assign", case_a), {"assignee": value}).status_code == 400
    case_a.refresh_from_db()
    assert case_a.assignee is None


def test_a_reply_creates_a_message_to_the_citizen(signed_in, agent_a, case_a):
    upload = SimpleUploadedFile("arrete.pdf", b"%PDF-1.4 test", content_type="application/pdf")
    response = signed_in.post(
        url("case_message", case_a), {"body": "Nous passerons lundi.", "attachment": upload}
    )
    assert response.status_code == 303
    message = Message.objects.get(case=case_a)
    assert message.body == "Nous passerons lundi." and not message.from_citizen
    assert message.author == agent_a
    assert message.attachments.get().original_name == "arrete.pdf"
    text = text_of(signed_in.get(page_url(case_a)))
    assert "Nous passerons lundi." in text and "arrete.pdf" in text
    assert "Anne a écrit au demandeur." in text


def test_an_empty_or_bad_reply_keeps_what_was_typed(signed_in, case_a):
    assert signed_in.post(url("case_message", case_a), {"body": "   "}).status_code == 400
    upload = SimpleUploadedFile("script.exe", b"MZ", content_type="application/octet-stream")
    response = signed_in.post(
        url("case_message", case_a), {"body": "Voici le document.", "attachment": upload}
    )
    assert response.status_code == 400
    assert 'id="message_attachment_error"' in text_of(response)
    assert "Voici le document." in text_of(response)
    assert not Message.objects.exists()


def test_an_internal_note_goes_to_the_journal_only(signed_in, case_a):
    response = signed_in.post(url("case_note", case_a), {"body": "Voir avec la police municipale."})
    assert response.status_code == 303
    event = case_a.events.get(kind=EventKind.NOTE)
    assert not event.is_public and event.payload["body"] == "Voir avec la police municipale."
    assert not Message.objects.exists()
    text = text_of(signed_in.get(page_url(case_a)))
    assert "Anne a ajouté une note interne." in text
    assert "Voir avec la police municipale." in text and "Interne" in text


def test_an_empty_note_is_a_400(signed_in, case_a):
    assert signed_in.post(url("case_note", case_a), {"body": ""}).status_code == 400
    assert case_a.events.count() == 1


def test_a_refusal_by_the_domain_is_a_403_not_a_500(signed_in, case_a, monkeypatch):
    from django.core.exceptions import PermissionDenied

    def refuse(**kwargs):
        raise PermissionDenied("Vous ne traitez pas cette demande.")

    monkeypatch.setattr(actions, "add_internal_note", refuse)
    response = signed_in.post(url("case_note", case_a), {"body": "Ma note"})
    assert response.status_code == 403
    assert "Vous ne traitez pas cette demande." in text_of(response) and "Ma note" in text_of(
        response
    )


def test_the_journal_names_who_did_what(signed_in, agent_a, supervisor, procedure_a):
    case = submit(procedure_a, actor=agent_a, channel="phone")
    actions.assign_case(case=case, assignee=supervisor, actor=agent_a)
    actions.post_message(case=case, body="Merci", from_citizen=True)
    text = text_of(signed_in.get(page_url(case)))
    assert "Anne a enregistré la demande de Alice Martin (canal : Téléphone)." in text
    assert "Alice Martin a écrit un message." in text
    assert "Merci" in text


def test_an_agent_transfers_a_case_with_a_reason(client, agent_a, supervisor, case_a, service_b):
    from guichet.cases.models import Case, EventKind

    url = f"/backoffice/demandes/{case_a.reference}/transferer/"
    client.force_login(agent_a)
    page = client.get(f"/backoffice/demandes/{case_a.reference}/").text
    assert "Transférer à un autre service" in page
    refused = client.post(url, {"service": service_b.pk, "reason": "  "})
    assert refused.status_code == 400 and "Ce champ est obligatoire." in refused.text
    other = client.post(url, {"service": case_a.service_id, "reason": "Même service"})
    assert other.status_code == 400  # not offered: the current service is not a choice
    done = client.post(url, {"service": service_b.pk, "reason": "Concerne l'éclairage public."})
    assert done.status_code == 303 and done.url == "/backoffice/"  # no longer agent A's
    case = Case.objects.get(pk=case_a.pk)
    assert case.service == service_b and case.assignee is None
    event = case.events.get(kind=EventKind.ROUTED)
    assert event.payload["reason"] == "Concerne l'éclairage public." and not event.is_public
    assert client.get(f"/backoffice/demandes/{case_a.reference}/").status_code == 404
    client.force_login(supervisor)
    journal = client.get(f"/backoffice/demandes/{case_a.reference}/").text
    assert "a transféré la demande au service" in journal
    assert "Concerne l&#x27;éclairage public." in journal


def test_replies_start_from_a_template_with_the_cases_variables(
    client, org, agent_a, administrator, case_a, procedure_b, service_b
):
    from guichet.catalog.models import ReplyTemplate

    client.force_login(administrator)
    response = client.post(
        "/backoffice/modeles-de-reponse/nouveau/",
        {"title": "Pièce manquante", "body": "Bonjour {{ name }}, votre demande {{ reference }}"},
    )
    assert response.status_code == 303
    bad = client.post(
        "/backoffice/modeles-de-reponse/nouveau/", {"title": "Cassé", "body": "{% if %}"}
    )
    assert bad.status_code == 400 and "Le texte est mal écrit" in bad.text
    assert "{% if %}" in bad.text  # what was typed stays
    other = ReplyTemplate.objects.create(
        organization=org, title="Pour l'état civil", body="x", procedure=procedure_b
    )
    template = ReplyTemplate.objects.get(title="Pièce manquante")

    client.force_login(agent_a)
    page = client.get(f"/backoffice/demandes/{case_a.reference}/").text
    assert "Pièce manquante" in page and "Pour l&#x27;état civil" not in page
    use = f"/backoffice/demandes/{case_a.reference}/message/"
    started = client.post(use, {"body": "", "modele": template.pk, "use_template": "1"})
    assert f"Bonjour Alice Martin, votre demande {case_a.reference}</textarea>" in started.text
    ignored = client.post(use, {"body": "", "modele": other.pk, "use_template": "1"})
    assert "Bonjour" not in ignored.text.split('id="reply"')[1].split("</form>")[0]
    assert client.get("/backoffice/modeles-de-reponse/").status_code == 403  # agents: no


def test_likely_duplicates_are_suggested(client, agent_a, procedure_a, procedure_b, settings):
    import datetime

    from django.utils import timezone

    from guichet.conftest import submit

    settings.GUICHET_DUPLICATE_RADIUS_M = 250
    near = {"latitude": 48.85660, "longitude": 2.35220}
    case = submit(procedure_a, **near)
    close_by = submit(procedure_a, latitude=48.85700, longitude=2.35250)  # about 50 m
    far = submit(
        procedure_a,
        latitude=48.86660,
        longitude=2.35220,
        data={"kind": "Éclairage", "description": "Lampadaire éteint."},
    )  # about 1.1 km, other words
    alike = submit(procedure_a)  # no point, the same words
    old = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=60), **near)
    other_procedure = submit(procedure_b)
    client.force_login(agent_a)
    page = client.get(f"/backoffice/demandes/{case.reference}/").text
    section = page.split('id="duplicates-title"')[1].split("</section>")[0]
    assert close_by.reference in section and "à 50 m" in section
    assert alike.reference in section and "formulation proche" in section
    assert far.reference not in section and old.reference not in section
    assert other_procedure.reference not in section
