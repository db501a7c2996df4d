"""A form in several steps: next, back, conditions between steps and within one, summary."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases.models import Case, Draft

from .conftest import STEP_1, STEP_2
from .walk import CONTACT

pytestmark = pytest.mark.django_db

START = "/demarches/occupation/"


def plan():
    return SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", "application/pdf")


def step_url(draft, number):
    return f"/demarches/occupation/brouillon/{draft.token}/etape/{number}/"


def summary_url(draft):
    return f"/demarches/occupation/brouillon/{draft.token}/recapitulatif/"


def next_(client, url, data):
    response = client.post(url, {**data, "action": "next"})
    assert response.status_code == 303, response.content.decode()
    return response["Location"]


def test_it_walks_the_steps_and_sends_the_request(client, works):
    html = client.get(START).content.decode()
    assert "Étape 1 sur 4 :</span> Le demandeur" in html
    assert '<li class="current" aria-current="step">Le demandeur</li>' in html
    assert 'name="answer-company"' not in html  # hidden until "Entreprise" is chosen
    assert '<label for="id_answer-town_0">Code postal</label>' in html
    assert not Draft.objects.exists()  # nothing is stored before the first "Next"

    url = next_(client, START, STEP_1)
    draft = Draft.objects.get()
    assert url == step_url(draft, 2)
    assert draft.citizen is None and draft.page == 2
    assert draft.data["answer-town.postal_code"] == ["20000"]

    html = client.get(url).content.decode()
    assert "Étape 2 sur 4 :</span> Les travaux" in html
    assert '<li class="done">Le demandeur<span class="visually-hidden"> (étape passée)' in html
    assert "<h3>Dates et lieu</h3>" in html
    assert "Une benne ne reste pas plus de 7 jours." not in html  # its condition is false
    assert 'name="answer-plan"' not in html  # files come with the summary
    assert "Précédent" in html

    # The third step is for companies only: on to the contact details.
    url = next_(client, url, STEP_2)
    assert url == step_url(draft, 4)
    html = client.get(url).content.decode()
    assert "Étape 3 sur 4 :</span> Vos coordonnées" in html

    url = next_(client, url, CONTACT)
    assert url == summary_url(draft)
    html = client.get(url).content.decode()
    assert "Étape 4 sur 4 :</span> Récapitulatif et envoi" in html
    rows = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", html)
    assert rows == [
        ("Vous êtes", "Particulier"),
        ("Votre commune", "20000 Ajaccio"),
        ("Installation", "Benne"),
        ("Début", "1 juillet 2026"),
        ("Durée en jours", "5"),
        ("Emplacement", "12 cours Napoléon (latitude 41.9192, longitude 8.7386)"),
        ("Nom et prénom", "Zoé Lefèvre"),
        ("Adresse e-mail", "zoe@example.test"),
    ]
    for number in (1, 2):
        assert f'<a href="{step_url(draft, number)}">Modifier' in html
    assert f'<a href="{step_url(draft, 4)}">Modifier' in html
    assert 'name="answer-plan"' in html and 'accept=".pdf"' in html

    response = client.post(url, {"action": "submit", "answer-plan": plan()})
    assert response.status_code == 303
    assert response["Location"] == "/demarches/occupation/confirmation/"
    case = Case.objects.get()
    assert case.data == {
        "applicant": "Particulier",
        "town": {"postal_code": "20000", "commune": "Ajaccio"},
        "kind": "Benne",
        "start": "2026-07-01",
        "days": 5,
        "place": {"address": "12 cours Napoléon", "lat": 41.9192, "lng": 8.7386},
    }
    assert case.attachments.get().field_id == "plan"
    assert not Draft.objects.exists()  # the draft goes with the submission
    assert client.get(url).status_code == 404


def test_back_keeps_what_was_typed_without_judging_it(client, works):
    url = next_(client, START, STEP_1)
    typed = {"answer-kind": "Échafaudage", "answer-days": "beaucoup", "action": "back"}
    response = client.post(url, typed)
    draft = Draft.objects.get()
    assert response.status_code == 303 and response["Location"] == step_url(draft, 1)
    assert draft.page == 1
    assert draft.data["answer-days"] == ["beaucoup"]

    html = client.get(step_url(draft, 1)).content.decode()
    assert 'value="Particulier" id="id_answer-applicant_0" required checked' in html
    html = client.get(step_url(draft, 2)).content.decode()
    assert 'value="beaucoup"' in html
    assert '<option value="Échafaudage" selected>' in html
    assert "errorlist" not in html and 'role="alert"' not in html


def test_bad_input_gets_a_message_next_to_the_field_and_keeps_the_rest(client, works):
    response = client.post(
        START,
        {**STEP_1, "answer-town.postal_code": "2A000", "answer-town.commune": "Ajaccio"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Saisissez un code postal français de 5 chiffres" in html
    assert 'href="#id_answer-town_0"' in html
    assert 'id="id_answer-town_error"' in html
    assert 'value="Ajaccio"' in html
    assert 'value="Particulier" id="id_answer-applicant_0" required checked' in html
    assert not Draft.objects.exists()

    url = next_(client, START, STEP_1)
    response = client.post(url, {**STEP_2, "answer-days": "120", "answer-place.lat": "95"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "inférieure ou égale à 90" in html
    assert "Cette position n&#x27;existe pas." in html
    assert 'value="12 cours Napoléon"' in html
    assert Draft.objects.get().data["answer-days"] == ["120"]  # kept in the draft too


def test_a_field_revealed_by_an_answer_of_the_same_step_is_shown_before_going_on(client, works):
    shown = "applicant town"
    data = {**STEP_1, "answer-applicant": "Entreprise", "shown": shown}
    response = client.post(START, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Votre réponse appelle d'autres questions" in html
    assert 'name="answer-company"' in html
    assert "errorlist" not in html  # the new field has not been seen yet: no error
    assert not Draft.objects.exists()

    data.update({"answer-company": "732 829 320 00074", "shown": "applicant company town"})
    url = next_(client, START, data)
    draft = Draft.objects.get()
    url = next_(client, url, STEP_2)
    assert url == step_url(draft, 3)  # the companies' step
    html = client.get(url).content.decode()
    assert "Étape 3 sur 5 :</span> Joindre l&#x27;entreprise" in html
    url = next_(client, url, {"answer-phone": "06 12 34 56 78"})
    url = next_(client, url, CONTACT)
    client.post(url, {"action": "submit", "answer-plan": plan()})
    case = Case.objects.get()
    assert case.data["company"] == "73282932000074"
    assert case.data["phone"] == "+33612345678"


def test_hidden_answers_are_dropped_even_when_posted(client, works):
    url = next_(client, START, {**STEP_1, "answer-company": "pas un SIRET"})
    draft = Draft.objects.get()
    # The companies' step is hidden: its address leads on to the next visible one.
    response = client.get(step_url(draft, 3))
    assert response.status_code == 303 and response["Location"] == step_url(draft, 4)
    url = next_(client, url, STEP_2)
    url = next_(client, url, CONTACT)
    client.post(url, {"action": "submit", "answer-plan": plan()})
    assert set(Case.objects.get().data) == {"applicant", "town", "kind", "start", "days", "place"}


def test_changing_an_earlier_answer_hides_the_steps_that_depend_on_it(client, works):
    url = next_(
        client,
        START,
        {**STEP_1, "answer-applicant": "Entreprise", "answer-company": "73282932000074"},
    )
    draft = Draft.objects.get()
    url = next_(client, url, STEP_2)
    url = next_(client, url, {"answer-phone": "01 23 45 67 89"})
    url = next_(client, url, CONTACT)
    assert "Téléphone du chantier" in client.get(url).content.decode()

    # Back to the first step, as a private person now.
    next_(client, step_url(draft, 1), STEP_1)
    html = client.get(summary_url(draft)).content.decode()
    assert "Téléphone du chantier" not in html and "SIRET" not in html
    assert "Étape 4 sur 4" in html
    client.post(summary_url(draft), {"action": "submit", "answer-plan": plan()})
    assert "phone" not in Case.objects.get().data
    assert "company" not in Case.objects.get().data


def test_the_summary_sends_back_to_a_step_not_completed(client, works):
    next_(client, START, STEP_1)
    draft = Draft.objects.get()
    response = client.get(summary_url(draft))
    assert response.status_code == 303 and response["Location"] == step_url(draft, 2)
    response = client.post(summary_url(draft), {"action": "submit"})
    assert response["Location"] == step_url(draft, 2)
    assert "Complétez cette étape" in client.get(step_url(draft, 2)).content.decode()
    next_(client, step_url(draft, 2), STEP_2)
    response = client.get(summary_url(draft))
    assert response["Location"] == step_url(draft, 4)  # the contact details are missing
    assert not Case.objects.exists()


def test_a_required_file_is_asked_for_on_the_summary(client, works):
    url = next_(client, next_(client, next_(client, START, STEP_1), STEP_2), CONTACT)
    response = client.post(url, {"action": "submit"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'href="#id_answer-plan"' in html and "Ce champ est obligatoire." in html
    assert "Ajaccio" in html  # the answers are still summed up
    response = client.post(url, {"action": "back"})
    assert response["Location"] == step_url(Draft.objects.get(), 4)
    assert not Case.objects.exists()


def test_errors_of_the_domain_on_the_summary_link_to_their_step(client, works, monkeypatch):
    url = next_(client, next_(client, next_(client, START, STEP_1), STEP_2), CONTACT)
    draft = Draft.objects.get()

    def refuse(**kwargs):
        raise ValidationError({"days": ["Trop long."], "contact_name": ["Nom refusé."]})

    monkeypatch.setattr("guichet.cases.actions.submit_case", refuse)
    response = client.post(url, {"action": "submit", "answer-plan": plan()})
    assert response.status_code == 400
    html = response.content.decode()
    assert f'<a href="{step_url(draft, 2)}">Durée en jours : Trop long.</a>' in html
    assert f'<a href="{step_url(draft, 4)}">Nom refusé.</a>' in html
    assert Draft.objects.exists()


def test_step_numbers_out_of_the_form_are_not_found(client, works):
    next_(client, START, STEP_1)
    draft = Draft.objects.get()
    assert client.get(step_url(draft, 0)).status_code == 404
    assert client.get(step_url(draft, 6)).status_code == 404
    response = client.get(step_url(draft, 5))  # the summary has an address of its own
    assert response["Location"] == summary_url(draft)


@pytest.mark.parametrize(
    "data",
    [
        {"answer-applicant": ["Particulier", "Entreprise"], "answer-town.postal_code": "１２３"},
        {"answer-town.postal_code": "\x00", "answer-town.commune": "x" * 5000},
        {"answer-applicant": "Entreprise", "answer-company": "9" * 30, "shown": "\x00 ' \""},
        {"action": "nonsense", "answer-town": "20000 Ajaccio"},
        {"action": "back"},
        {"action": "link", "draft_email": ["a@b.test", "x"]},
    ],
)
def test_odd_input_gets_an_answer_never_a_failure(client, works, data):
    response = client.post(START, data)
    assert response.status_code in (200, 303, 400)
    url = next_(client, START, STEP_1)
    for odd in (
        {"answer-days": ["1", "2"], "answer-start": "0000-00-00", "answer-place.lat": "1e400"},
        {"answer-place.lat": "-0", "answer-place.lng": "inf", "answer-kind": "Benne"},
        {"answer-place.address": "\x00", "answer-kind": "Benne\x00"},  # saved in the draft
    ):
        assert client.post(url, odd).status_code == 400
