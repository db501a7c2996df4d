"""The back office of the information pages: who may write, the editor, history, review."""

import datetime

import pytest
from django.utils import timezone

from guichet.catalog import search
from guichet.catalog.actions import record_page_feedback, save_info_page
from guichet.catalog.models import InfoPage
from guichet.organization.models import Membership

pytestmark = pytest.mark.django_db

LIST = "/backoffice/infos/"
CREATE = "/backoffice/infos/nouvelle/"


def form_data(**changes):
    data = {
        "kind": "faq",
        "title": "Quand passe la collecte des encombrants ?",
        "summary": "Sur rendez-vous, une fois par mois.",
        "body": "## Comment faire\n\nPrenez rendez-vous au 01 23 45 67 89.",
        "title_en": "",
        "summary_en": "",
        "body_en": "",
        "themes": ["dechets"],
        "audience": "habitants",
        "is_published": "on",
        "published_at": "",
        "expires_at": "",
        "review_at": "2027-06-01",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


@pytest.fixture
def writer(agent_a, org):
    Membership.objects.filter(user=agent_a, organization=org).update(can_edit_info=True)
    return agent_a


def test_who_may_write_pages(client, org, administrator, agent_b, writer, other_org_agent):
    assert client.get(LIST).status_code == 302  # to the login
    client.force_login(agent_b)
    assert client.get(LIST).status_code == 403
    assert "/backoffice/infos/" not in client.get("/backoffice/").text  # not in the menu
    for member in (writer, administrator):
        client.force_login(member)
        assert client.get(LIST).status_code == 200
        assert client.get(CREATE).status_code == 200
        assert 'href="/backoffice/infos/"' in client.get("/backoffice/").text
    client.force_login(other_org_agent)
    assert client.get(LIST).status_code == 403


def test_a_page_of_another_organization_answers_404(client, writer, other_org):
    theirs = save_info_page(organization=other_org, actor=None, title="Horaires")
    client.force_login(writer)
    assert client.get(f"/backoffice/infos/{theirs.pk}/").status_code == 404
    assert client.post(f"/backoffice/infos/{theirs.pk}/", form_data()).status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Horaires"


def test_writing_a_page_publishes_it_with_its_author_and_history(client, org, writer, procedure_a):
    client.force_login(writer)
    response = client.post(CREATE, form_data(procedures=[procedure_a.pk]))
    assert response.status_code == 303
    page = InfoPage.objects.get()
    assert response.url == f"/backoffice/infos/{page.pk}/"
    assert (page.kind, page.author, page.themes, page.audience) == (
        "faq",
        writer,
        ["dechets"],
        "habitants",
    )
    assert list(page.procedures.all()) == [procedure_a]
    assert page.review_at == datetime.date(2027, 6, 1)
    assert [r.title for r in search.search(org, "encombrants")] == [page.title]
    assert client.get(f"/infos/{page.slug}/").status_code == 200

    response = client.post(
        f"/backoffice/infos/{page.pk}/", form_data(title="Collecte des encombrants")
    )
    assert response.status_code == 303
    page.refresh_from_db()
    assert page.title == "Collecte des encombrants" and page.revisions.count() == 2
    text = client.get(f"/backoffice/infos/{page.pk}/").text
    assert "Historique" in text and "« Quand passe la collecte des encombrants ? »" in text


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "  "}, "Ce champ est obligatoire."),
        ({"kind": "blog"}, "Sélectionnez un choix valide"),
        ({"themes": ["piscine"]}, "Sélectionnez un choix valide"),
        (
            {"published_at": "2027-01-10T09:00", "expires_at": "2027-01-01T09:00"},
            "La date de retrait doit suivre la date de publication.",
        ),
        ({"review_at": "demain"}, "Saisissez une date valide."),
    ],
)
def test_bad_input_is_refused_and_kept(client, writer, changes, message):
    client.force_login(writer)
    response = client.post(CREATE, form_data(**changes))
    assert response.status_code == 400
    assert message in response.text
    assert "Prenez rendez-vous au 01 23 45 67 89." in response.text  # what was typed stays
    assert not InfoPage.objects.exists()


def test_a_page_past_its_review_date_is_flagged_to_its_author(client, org, writer, administrator):
    today = timezone.localdate()
    due = save_info_page(
        organization=org, actor=writer, title="Tarifs de la cantine", review_at=today
    )
    save_info_page(
        organization=org,
        actor=writer,
        title="Horaires d'été",
        review_at=today + datetime.timedelta(days=30),
    )
    client.force_login(writer)
    text = client.get(LIST).text
    assert "1 page dont vous êtes l'auteur est à relire." in text
    listed = client.get(LIST, {"voir": "a-relire"}).text
    assert "Tarifs de la cantine" in listed and "Horaires d&#x27;été" not in listed
    assert "devait être relue" in client.get(f"/backoffice/infos/{due.pk}/").text
    client.force_login(administrator)  # not theirs: no warning, the list still shows it
    assert "à relire." not in client.get(LIST).text


def test_readers_feedback_reaches_the_author(client, org, writer):
    page = save_info_page(organization=org, actor=writer, title="Piscine", is_published=True)
    record_page_feedback(page=page, helpful=False, comment="Les horaires ont changé.")
    client.force_login(writer)
    text = client.get(f"/backoffice/infos/{page.pk}/").text
    assert "Pas utile : 1" in text and "« Les horaires ont changé. »" in text
    assert ">0 / 1<" in client.get(LIST).text


def test_the_list_runs_a_bounded_number_of_queries(
    client, org, writer, django_assert_max_num_queries
):
    for number in range(15):
        save_info_page(organization=org, actor=writer, title=f"Page {number}")
    client.force_login(writer)
    with django_assert_max_num_queries(12):
        assert client.get(LIST).status_code == 200


def test_a_reply_becomes_a_draft_question(client, org, writer, agent_b, procedure_a, procedure_b):
    from guichet.cases import actions
    from guichet.conftest import submit

    case = submit(procedure_a, citizen=None)
    reply = actions.post_message(
        case=case,
        body="Les nids-de-poule sont rebouchés sous huit jours.",
        from_citizen=False,
        author=writer,
    )
    question = actions.post_message(case=case, body="Merci !", from_citizen=True)
    client.force_login(writer)
    assert (
        "Faire de cette réponse une question fréquente"
        in client.get(f"/backoffice/demandes/{case.reference}/").text
    )
    response = client.get(CREATE, {"depuis-message": reply.pk})
    assert response.status_code == 200
    text = response.text
    assert "retirez-en toute donnée personnelle" in text
    assert "Les nids-de-poule sont rebouchés sous huit jours.</textarea>" in text
    assert 'value="Signaler un problème sur la voirie"' in text
    assert not InfoPage.objects.exists()  # nothing is made until the writer saves
    # A citizen's message, a case of a service the member cannot see, garbage: 404.
    assert client.get(CREATE, {"depuis-message": question.pk}).status_code == 404
    assert client.get(CREATE, {"depuis-message": "x"}).status_code == 404
    other = actions.post_message(
        case=submit(procedure_b), body="Réponse du service B.", from_citizen=False, author=agent_b
    )
    assert client.get(CREATE, {"depuis-message": other.pk}).status_code == 404


def test_what_to_write_next(client, org, other_org, writer, service_a):
    from guichet.cases.actions import submit_case
    from guichet.catalog.models import Procedure
    from guichet.conftest import published

    questions = published(
        Procedure.objects.create(
            organization=org,
            service=service_a,
            title="Poser une question",
            slug="question",
            theme="general",
            fields=[
                {
                    "id": "sujet",
                    "type": "choice",
                    "label": "Sujet",
                    "required": True,
                    "choices": ["Écoles", "Déchets"],
                },
                {"id": "question", "type": "textarea", "label": "Question", "required": True},
            ],
        )
    )
    for subject in ["Écoles", "Écoles", "Déchets"]:
        submit_case(
            procedure=questions,
            data={"sujet": subject, "question": "Quand ?"},
            channel="web",
            contact_name="Alice Martin",
            contact_email="alice@example.test",
        )
    for query in ["Piscine municipale", "piscine  MUNICIPALE", "cantine"]:
        assert client.get("/recherche/", {"q": query}).status_code == 200
    client.get("/o/villeneuve/recherche/", {"q": "patinoire"})  # another organization

    client.force_login(writer)
    response = client.get("/backoffice/infos/a-ecrire/")
    assert response.status_code == 200
    text = response.text
    assert '<th scope="row">piscine municipale</th><td>2</td>' in text
    assert '<th scope="row">cantine</th><td>1</td>' in text
    assert "patinoire" not in text
    assert "<td>Écoles</td><td>2</td>" in text and "<td>Déchets</td><td>1</td>" in text
