"""Drafts: saved at each step, resumed by a signed-in citizen or through the secret link."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from guichet.cases import actions
from guichet.cases.models import Case, Draft
from guichet.cases.tasks import purge_old_drafts
from guichet.notify.models import OutgoingEmail

from .conftest import STEP_1, STEP_2
from .walk import CONTACT

START = "/demarches/occupation/"


def next_(client, url, data, **extra):
    response = client.post(url, {**data, "action": "next"}, **extra)
    assert response.status_code == 303, response.content.decode()
    return response["Location"]


def pdf():
    return SimpleUploadedFile("plan.pdf", b"%PDF-1.4", "application/pdf")


def resume_url(draft):
    return f"/demarches/occupation/brouillon/{draft.token}/"


def draft_urls(draft):
    base = resume_url(draft)
    return [base, f"{base}etape/1/", f"{base}etape/2/", f"{base}recapitulatif/"]


@pytest.mark.django_db
def test_each_change_of_step_saves_the_draft(client, works):
    next_(client, START, STEP_1)
    draft = Draft.objects.get()
    first_saved = draft.updated_at
    assert (draft.page, draft.procedure, draft.version) == (2, works, works.current_version)
    next_(client, f"{resume_url(draft)}etape/2/", STEP_2)
    draft.refresh_from_db()
    assert draft.page == 4
    assert draft.updated_at > first_saved
    assert draft.data["answer-kind"] == ["Benne"] and draft.data["answer-applicant"] == [
        "Particulier"
    ]


@pytest.mark.django_db
def test_a_signed_in_citizen_is_offered_their_draft(client, works, citizen):
    client.force_login(citizen)
    next_(client, START, STEP_1)
    draft = Draft.objects.get()
    assert draft.citizen == citizen
    assert "Reprendre plus tard" not in client.get(f"{resume_url(draft)}etape/2/").content.decode()

    html = client.get(START).content.decode()
    assert "Vous avez une demande en cours" in html
    assert f'href="{resume_url(draft)}"' in html
    response = client.get(resume_url(draft))
    assert response["Location"] == f"{resume_url(draft)}etape/2/"

    # Starting over forgets the draft.
    response = client.post(f"{resume_url(draft)}supprimer/")
    assert response.status_code == 303 and response["Location"] == START
    assert not Draft.objects.exists()
    html = client.get(START).content.decode()
    assert "Votre brouillon a été supprimé." in html
    assert "Étape 1 sur 4" in html


@pytest.mark.django_db
def test_a_signed_in_citizen_keeps_one_draft_per_procedure(client, works, citizen):
    client.force_login(citizen)
    next_(client, START, STEP_1)
    next_(client, START, {**STEP_1, "answer-town.commune": "Bastia"})
    assert Draft.objects.get().data["answer-town.commune"] == ["Bastia"]


@pytest.mark.django_db
def test_an_anonymous_citizen_resumes_with_the_secret_link(client, works):
    next_(client, START, STEP_1)
    draft = Draft.objects.get()
    assert "Vous avez une demande en cours" in client.get(START).content.decode()  # same browser

    elsewhere = Client()
    assert "Vous avez une demande en cours" not in elsewhere.get(START).content.decode()
    response = elsewhere.get(resume_url(draft))
    assert response.status_code == 302
    url = response["Location"]
    assert url == f"{resume_url(draft)}etape/2/"
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    html = elsewhere.get(f"{resume_url(draft)}etape/1/").content.decode()
    assert 'value="Ajaccio"' in html
    url = next_(elsewhere, next_(elsewhere, url, STEP_2), CONTACT)
    response = elsewhere.post(url, {"action": "submit", "answer-plan": pdf()})
    assert response.status_code == 303
    assert Case.objects.get().data["town"] == {"postal_code": "20000", "commune": "Ajaccio"}
    assert not Draft.objects.exists()


@pytest.mark.django_db
def test_another_persons_draft_is_not_found(client, works, citizen, other_citizen, other_org):
    client.force_login(citizen)
    next_(client, START, STEP_1)
    draft = Draft.objects.get()
    anonymous, other = Client(), Client()
    other.force_login(other_citizen)
    for visitor in (anonymous, other):
        for url in draft_urls(draft):
            assert visitor.get(url).status_code == 404, url
            if url != resume_url(draft):  # that one answers GET only
                assert visitor.post(url, {**STEP_2, "action": "next"}).status_code == 404, url
        assert visitor.post(f"{resume_url(draft)}supprimer/").status_code == 404
        assert "Vous avez une demande en cours" not in visitor.get(START).content.decode()
    # A wrong token, another procedure's address, another organization: not found either.
    assert client.get("/demarches/occupation/brouillon/nope/").status_code == 404
    assert client.get(f"/demarches/acte/brouillon/{draft.token}/").status_code == 404
    assert client.get(resume_url(draft), HTTP_HOST="villeneuve.test").status_code == 404
    draft.refresh_from_db()
    assert draft.data["answer-applicant"] == ["Particulier"] and draft.page == 2


@pytest.mark.django_db
def test_old_drafts_are_purged(works, settings):
    assert ("guichet.cases.tasks.purge_old_drafts", 3600) in settings.GUICHET_PERIODIC_TASKS
    settings.GUICHET_DRAFT_MAX_AGE_DAYS = 30
    now = timezone.now()
    old = actions.save_draft(procedure=works, data={}, page=1)
    recent = actions.save_draft(procedure=works, data={}, page=1)
    Draft.objects.filter(pk=old.pk).update(updated_at=now - datetime.timedelta(days=31))
    Draft.objects.filter(pk=recent.pk).update(updated_at=now - datetime.timedelta(days=29))
    assert purge_old_drafts.call() == 1
    assert list(Draft.objects.all()) == [recent]


@pytest.mark.django_db
def test_a_draft_too_large_is_refused_without_failing(client, works, monkeypatch):
    monkeypatch.setattr("guichet.cases.drafts.MAX_DRAFT_SIZE", 100)  # read by save_draft
    response = client.post(START, {**STEP_1, "answer-town.commune": "x" * 100, "action": "next"})
    assert response.status_code == 400
    assert "trop volumineux" in response.content.decode()
    assert not Draft.objects.exists()


# --- The link by e-mail --------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_resume_link_is_sent_by_email(client, works, smtp_server, run_worker):
    typed = {**STEP_1, "answer-town.commune": "Ajacc", "action": "link"}
    response = client.post(START, {**typed, "draft_email": "Zoe@Example.test"})
    draft = Draft.objects.get()
    assert response.status_code == 303 and response["Location"] == f"{resume_url(draft)}etape/1/"
    assert draft.email == "zoe@example.test"
    assert draft.data["answer-town.commune"] == ["Ajacc"]  # saved as typed
    html = client.get(response["Location"]).content.decode()
    assert "Le lien pour reprendre votre demande a été envoyé à Zoe@Example.test." in html
    assert smtp_server.messages == []  # nothing is sent inside the request

    run_worker()

    [mail] = smtp_server.messages
    assert mail["to"] == ["zoe@example.test"]
    assert "Déclarer une occupation du domaine public" in mail["subject"]
    link = f"http://127.0.0.1:8000{resume_url(draft)}"
    assert link in mail["body"]
    assert "30 jours" in mail["body"]
    assert OutgoingEmail.objects.get().sent_at is not None

    elsewhere = Client()
    step = elsewhere.get(link.removeprefix("http://127.0.0.1:8000"))["Location"]
    assert 'value="Ajacc"' in elsewhere.get(step).content.decode()


@pytest.mark.django_db
def test_asking_for_the_link_needs_an_address(client, works):
    response = client.post(START, {**STEP_1, "action": "link", "draft_email": "pas une adresse"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="id_draft_email_error"' in html
    assert 'value="Ajaccio"' in html  # the step's answers are kept
    assert not Draft.objects.exists()
    response = client.post(START, {**STEP_1, "action": "link", "draft_email": ""})
    assert "Indiquez l&#x27;adresse e-mail où recevoir le lien." in response.content.decode()


@pytest.mark.django_db
def test_asking_for_the_link_is_rate_limited(client, works, settings):
    data = {**STEP_1, "action": "link", "draft_email": "zoe@example.test"}
    for _ in range(5):
        assert client.post(START, data).status_code == 303
    response = client.post(START, data)
    assert response.status_code == 429
    assert "Trop de demandes" in response.content.decode()


# --- Autosave (htmx posts the step's form as the citizen types) ------------------------------

AUTOSAVE = "/demarches/occupation/enregistrer/{}/"


@pytest.mark.django_db
def test_autosave_on_the_first_step_creates_the_draft_and_gives_its_token(client, works):
    response = client.post(AUTOSAVE.format(1), {"answer-applicant": "Entreprise", "draft": ""})
    assert response.status_code == 200
    draft = Draft.objects.get()
    assert draft.data["answer-applicant"] == ["Entreprise"] and draft.page == 1
    body = response.content.decode()
    assert "Brouillon enregistré à" in body
    assert f'id="draft-token" value="{draft.token}" hx-swap-oob="true"' in body
    assert response["HX-Replace-Url"] == f"{resume_url(draft)}etape/1/"
    assert response["Cache-Control"].startswith("max-age=0")

    # The next autosave, and then "Next", go on with the same draft: never a second one.
    client.post(AUTOSAVE.format(1), {**STEP_1, "draft": draft.token})
    location = next_(client, START, {**STEP_1, "draft": draft.token})
    assert Draft.objects.count() == 1
    assert location == f"{resume_url(draft)}etape/2/"
    draft.refresh_from_db()
    assert draft.data["answer-town.commune"] == ["Ajaccio"] and draft.page == 2


@pytest.mark.django_db
def test_next_without_the_token_still_finds_the_autosaved_draft(client, works):
    """The autosave's answer had not come back when the citizen pressed Next."""
    client.post(AUTOSAVE.format(1), {"answer-applicant": "Particulier"})
    next_(client, START, STEP_1)
    assert Draft.objects.count() == 1


def proposed_token(client) -> str:
    """The signed draft token that the first step's page proposes."""
    body = client.get(START).content.decode()
    return body.split('name="new_draft" value="', 1)[1].split('"', 1)[0]


@pytest.mark.django_db
def test_an_autosave_whose_answer_was_lost_and_next_make_one_draft(client, works):
    """htmx drops an autosave's answer when a newer one starts, and a first visit has no
    session yet: the server still ran it. The page's proposed token ties them together."""
    proposed = proposed_token(client)
    lost = Client()  # its answer (and session cookie) never reached the browser
    assert lost.post(AUTOSAVE.format(1), {**STEP_1, "new_draft": proposed}).status_code == 200
    again = Client()
    assert again.post(AUTOSAVE.format(1), {**STEP_1, "new_draft": proposed}).status_code == 200
    assert Draft.objects.count() == 1
    location = next_(client, START, {**STEP_1, "new_draft": proposed})
    draft = Draft.objects.get()
    assert location == f"{resume_url(draft)}etape/2/"
    # The page's next visit proposes another token: a new form, a new draft.
    assert proposed_token(Client()) != proposed


@pytest.mark.django_db
def test_a_forged_proposed_token_is_ignored(client, works):
    client.post(AUTOSAVE.format(1), {**STEP_1, "new_draft": "chosen-by-the-visitor"})
    assert Draft.objects.get().token != "chosen-by-the-visitor"


@pytest.mark.django_db
def test_two_creations_with_one_token_update_one_draft(works, citizen):
    """The second of two simultaneous creations meets the first's row (unique token)."""
    first = actions.save_draft(
        procedure=works, data={"a": ["1"]}, page=1, citizen=citizen, token="t" * 32
    )
    second = actions.save_draft(
        procedure=works, data={"a": ["2"]}, page=2, citizen=citizen, token="t" * 32
    )
    assert second.pk == first.pk and Draft.objects.count() == 1
    assert Draft.objects.get().data == {"a": ["2"]}
    # Someone else's token of the same value is not theirs to update: a draft of its own.
    other = actions.save_draft(procedure=works, data={"b": ["1"]}, page=1, token="t" * 32)
    assert other.pk != first.pk and other.token != "t" * 32
    assert Draft.objects.get(pk=first.pk).data == {"a": ["2"]}


@pytest.mark.django_db
def test_autosave_on_a_later_step_keeps_unchecked_answers(client, works):
    next_(client, START, STEP_1)
    draft = Draft.objects.get()
    # Half-typed: a duration that would not pass yet is kept as typed, not judged.
    response = client.post(
        AUTOSAVE.format(2), {"answer-kind": "Benne", "answer-days": "4 j", "draft": draft.token}
    )
    assert response.status_code == 200 and "hx-swap-oob" not in response.content.decode()
    draft.refresh_from_db()
    assert draft.data["answer-days"] == ["4 j"] and draft.page == 2
    assert draft.data["answer-applicant"] == ["Particulier"]  # the first step is untouched
    page = client.get(f"{resume_url(draft)}etape/2/")
    assert 'value="4 j"' in page.content.decode()


@pytest.mark.django_db
def test_autosave_refuses_a_later_step_without_a_draft_and_others_drafts(
    client, works, citizen, other_citizen
):
    assert client.post(AUTOSAVE.format(2), {"answer-kind": "Benne"}).status_code == 404
    assert client.post(AUTOSAVE.format(9), {"draft": ""}).status_code == 404
    client.force_login(other_citizen)
    next_(client, START, STEP_1)
    theirs = Draft.objects.get()
    client.force_login(citizen)
    # Someone else's token is ignored: the citizen's own answers go to a draft of their own.
    client.post(AUTOSAVE.format(1), {"answer-applicant": "Entreprise", "draft": theirs.token})
    theirs.refresh_from_db()
    assert theirs.data["answer-applicant"] == ["Particulier"]
    assert Draft.objects.get(citizen=citizen).data["answer-applicant"] == ["Entreprise"]
    assert client.get(AUTOSAVE.format(1)).status_code == 405


@pytest.mark.django_db
def test_an_autosave_too_large_says_so_with_a_400(client, works, monkeypatch):
    next_(client, START, STEP_1)
    draft = Draft.objects.get()
    monkeypatch.setattr("guichet.cases.drafts.MAX_DRAFT_SIZE", 100)  # read by save_draft
    response = client.post(AUTOSAVE.format(2), {"answer-kind": "x" * 200, "draft": draft.token})
    assert response.status_code == 400
    assert "trop volumineux" in response.content.decode()
    draft.refresh_from_db()
    assert "answer-kind" not in draft.data  # the stored draft is intact


@pytest.mark.django_db
def test_autosave_is_rate_limited(client, works, monkeypatch):
    monkeypatch.setattr("guichet.portal.filing_views.AUTOSAVE_RATE_LIMIT", 2)
    for _ in range(2):
        assert (
            client.post(AUTOSAVE.format(1), {"answer-applicant": "Entreprise"}).status_code == 200
        )
    response = client.post(AUTOSAVE.format(1), {"answer-applicant": "Particulier"})
    assert response.status_code == 429
    assert Draft.objects.get().data["answer-applicant"] == ["Entreprise"]
