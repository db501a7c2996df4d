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
