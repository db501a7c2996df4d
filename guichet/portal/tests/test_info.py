"""Information pages and search on the portal, without JavaScript."""

import datetime

import pytest
from django.utils import timezone

from guichet.catalog.actions import save_info_page

pytestmark = pytest.mark.django_db


def page(org, title, body="", **extra):
    extra.setdefault("is_published", True)
    return save_info_page(organization=org, actor=None, title=title, body=body, **extra)


@pytest.fixture
def passport(org, procedure_a):
    return page(
        org,
        "Passeport et carte d'identité",
        "## Pièces à fournir\n\n- une photo\n- un justificatif de domicile\n\n"
        "<script>alert('x')</script>[Prendre rendez-vous](https://rdv.demoville.fr)",
        summary="Les papiers à prévoir.",
        themes=["etat-civil"],
        procedures=[procedure_a],
    )


def test_a_published_page_is_shown_with_its_markdown_made_safe(client, passport):
    response = client.get(f"/infos/{passport.slug}/")
    assert response.status_code == 200
    text = response.text
    title = text[text.index("<title>") : text.index("</title>")]
    assert title.startswith("<title>Passeport et carte d&#x27;identité") and "<" not in title[1:]
    assert "<h1>Passeport et carte d&#x27;identité</h1>" in text
    assert "<h2>Pièces à fournir</h2>" in text and "<li>un justificatif de domicile</li>" in text
    assert "<script>alert" not in text
    assert 'href="https://rdv.demoville.fr" rel="noopener noreferrer"' in text
    assert "Signaler un problème sur la voirie" in text  # the related procedure
    assert "État civil et citoyenneté" in text  # the breadcrumb's theme


@pytest.mark.parametrize(
    "extra",
    [
        {"is_published": False},
        {"expires_at": timezone.now() - datetime.timedelta(hours=1)},
        {"published_at": timezone.now() + datetime.timedelta(hours=1)},
    ],
    ids=["draft", "expired", "not-yet"],
)
def test_pages_citizens_may_not_read_answer_404(client, org, extra):
    hidden = page(org, "Page cachée", "Secret", **extra)
    assert client.get(f"/infos/{hidden.slug}/").status_code == 404


def test_another_organizations_page_answers_404(client, org, other_org):
    theirs = page(other_org, "Horaires de Villeneuve")
    assert client.get(f"/infos/{theirs.slug}/").status_code == 404
    assert client.get(f"/o/villeneuve/infos/{theirs.slug}/").status_code == 200


def test_the_search_page_works_without_javascript(client, passport, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        response = client.get("/recherche/", {"q": "paseport"})
    assert response.status_code == 200
    assert f'href="/infos/{passport.slug}/"' in response.text
    assert "1 résultat pour « paseport »" in response.text
    empty = client.get("/recherche/", {"q": "piscine municipale"})
    assert "Aucune page ne correspond" in empty.text
    assert "Aucun résultat pour « piscine municipale »" in empty.text
    assert "0 résultats" not in empty.text
    empty = client.get("/recherche/", {"q": "piscine municipale"}, HTTP_ACCEPT_LANGUAGE="en")
    assert 'No results for "piscine municipale"' in empty.text
    assert client.get("/recherche/").status_code == 200
    assert client.get("/recherche/", {"q": "x" * 5000}).status_code == 200


def test_suggestions_come_as_one_types(client, passport):
    response = client.get("/recherche/suggestions/", {"q": "passe"})
    assert response.status_code == 200
    assert f'<a href="/infos/{passport.slug}/">Passeport' in response.text
    assert "<html" not in response.text  # a fragment for htmx
    assert client.get("/recherche/suggestions/", {"q": "p"}).text.strip() == ""


def test_the_home_page_has_the_search_box(client, org):
    assert 'role="search"' in client.get("/").text


def test_headings_keep_the_outline_under_the_pages_title():
    from guichet.catalog.markdown import render

    assert str(render("# Horaires\n\n## Été")) == "<h2>Horaires</h2>\n<h3>Été</h3>"
    assert str(render("## Horaires")) == "<h2>Horaires</h2>"
    assert (
        render('<img src="http://x.fr/a.png" onerror="alert(1)" alt="a">') == '<p><img alt="a"></p>'
    )
    assert render("[x](javascript:alert(1))") == '<p><a rel="noopener noreferrer">x</a></p>'


# --- Feedback, and answers beside a request form ----------------------------------------------


def test_feedback_is_counted_once_and_its_comment_kept_for_the_author(client, passport):
    url = f"/infos/{passport.slug}/avis/"
    response = client.post(url, {"helpful": "non", "comment": "Il manque les tarifs."})
    assert response.status_code == 303
    assert response.url == f"/infos/{passport.slug}/#feedback-title"
    assert "Merci pour votre avis" in client.get(response.url).text
    client.post(url, {"helpful": "oui"})  # the same browser again: not counted twice
    passport.refresh_from_db()
    assert (passport.helpful_count, passport.unhelpful_count) == (0, 1)
    [feedback] = passport.feedback.all()
    assert (feedback.helpful, feedback.comment) == (False, "Il manque les tarifs.")


def test_bad_feedback_is_refused_and_the_comment_kept(client, passport):
    response = client.post(
        f"/infos/{passport.slug}/avis/", {"helpful": "peut-être", "comment": "Mon avis"}
    )
    assert response.status_code == 400 and "Mon avis</textarea>" in response.text
    response = client.post(
        f"/infos/{passport.slug}/avis/", {"helpful": "oui", "comment": "x" * 2001}
    )
    assert response.status_code == 400
    passport.refresh_from_db()
    assert passport.helpful_count == 0 and not passport.feedback.exists()
    assert client.get(f"/infos/{passport.slug}/avis/").status_code == 405


def test_feedback_and_answers_need_a_visible_page(client, org, other_org):
    hidden = page(org, "Brouillon", is_published=False)
    theirs = page(other_org, "Horaires de Villeneuve")
    for target in (hidden, theirs):
        assert client.post(f"/infos/{target.slug}/avis/", {"helpful": "oui"}).status_code == 404
        assert client.post(f"/infos/{target.slug}/resolu/").status_code == 404
    hidden.refresh_from_db()
    assert (hidden.helpful_count, hidden.answered_count) == (0, 0)


def test_answers_are_suggested_for_a_description_and_self_service_is_counted(
    client, passport, procedure_a, procedure_b
):
    from guichet.cases.models import Case

    response = client.get(
        f"/demarches/{procedure_a.slug}/reponses/",
        {"answer-description": "Je voudrais refaire ma carte d'identité", "answer-kind": ""},
    )
    assert response.status_code == 200
    # The procedure's own answer, found by the words too, is shown once.
    assert response.text.count(f'href="/infos/{passport.slug}/"') == 1
    assert f'action="/infos/{passport.slug}/resolu/"' in response.text
    unrelated = client.get(
        f"/demarches/{procedure_a.slug}/reponses/", {"answer-description": "lampadaire éteint"}
    )
    assert unrelated.text.count(f'href="/infos/{passport.slug}/"') == 1  # its own stays
    unrelated = client.get(
        f"/demarches/{procedure_b.slug}/reponses/", {"answer-description": "lampadaire éteint"}
    )
    assert "Aucune réponse publiée ne correspond" in unrelated.text

    answered = client.post(f"/infos/{passport.slug}/resolu/")
    assert answered.status_code == 303
    assert "Aucune demande n&#x27;a été envoyée" in client.get(answered.url).text
    client.post(f"/infos/{passport.slug}/resolu/")  # counted once per browser
    passport.refresh_from_db()
    assert passport.answered_count == 1
    assert not Case.objects.exists()


def test_answers_are_only_for_a_published_procedure_here(client, org, other_procedure):
    assert client.get("/demarches/inconnue/reponses/", {"answer-x": "passeport"}).status_code == 404
    url = f"/demarches/{other_procedure.slug}/reponses/"
    assert client.get(url, {"answer-x": "passeport"}).status_code == 404


def test_the_first_step_shows_the_procedures_own_answers(client, passport, procedure_a):
    text = client.get(f"/demarches/{procedure_a.slug}/").text
    assert "Avant de faire votre demande" in text
    assert f'href="/infos/{passport.slug}/"' in text
    assert 'hx-get="/demarches/signaler-voirie/reponses/"' in text


def test_themes_and_life_events_list_what_citizens_may_read(client, org, other_org, procedure_a):
    page(org, "Déménager à Démoville", themes=["general"], life_events=["demenagement"])
    page(
        org,
        "Où déposer mes cartons ?",
        kind="faq",
        themes=["dechets"],
        life_events=["demenagement"],
        procedures=[procedure_a],
    )
    page(org, "Brouillon déménagement", life_events=["demenagement"], is_published=False)
    page(other_org, "Déménager à Villeneuve", life_events=["demenagement"])

    moving = client.get("/moments-de-vie/demenagement/")
    assert moving.status_code == 200
    text = moving.text
    assert "Déménager à Démoville" in text and "Où déposer mes cartons ?" in text
    assert "Signaler un problème sur la voirie" in text  # a procedure its pages lead to
    assert "Brouillon" not in text and "Villeneuve" not in text
    waste = client.get("/themes/dechets/").text
    assert "Où déposer mes cartons ?" in waste and "Déménager à Démoville" not in waste
    roads = client.get("/themes/voirie/").text
    assert "Signaler un problème sur la voirie" in roads
    assert client.get("/themes/piscine/").status_code == 404
    assert client.get("/moments-de-vie/vacances/").status_code == 404
    home = client.get("/").text
    assert 'href="/moments-de-vie/demenagement/"' in home and 'href="/themes/dechets/"' in home
    assert "Où déposer mes cartons ?" in home  # among the frequent questions


def test_the_procedure_page_lists_what_to_prepare(client, org, procedure_a, administrator):
    from guichet.catalog.actions import update_procedure

    update_procedure(
        procedure=procedure_a,
        title=procedure_a.title,
        service=procedure_a.service,
        theme=procedure_a.theme,
        to_prepare="- Une photo du problème\nL'adresse exacte\n\n",
    )
    text = client.get(f"/demarches/{procedure_a.slug}/").text
    assert "<li>Une photo du problème</li>" in text and "<li>L&#x27;adresse exacte</li>" in text
    assert "À préparer" in text
