"""Property-based tests (hypothesis) of the public addresses: paths, query strings and posted
fields of any shape (NUL bytes, non-ASCII digits, huge values, any Unicode) get an answer
below 500. The Django test client raises what a view raises, so a crash fails the test with
its traceback."""

import re
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import example, given, settings
from hypothesis import strategies as st

from guichet.tests.fuzzing import NASTY, TEXT

pytestmark = pytest.mark.django_db

# The names the views read (request.GET / request.POST, the filter forms' fields), and any.
NAMES = [
    "q", "next", "page", "apres", "avant", "v", "voir", "type", "modele", "depuis-message",
    "code", "procedure", "service", "state", "assignee", "channel", "since", "until", "label",
    "sort", "zone", "agent", "email", "phone", "reference",
]  # fmt: skip
PARAMETERS = st.dictionaries(
    st.one_of(st.sampled_from(NAMES), TEXT),
    st.one_of(NASTY, TEXT, st.lists(NASTY, max_size=3)),
    max_size=6,
)
SEGMENT = TEXT.filter(bool).map(lambda text: quote(text, safe=""))

PATH_TEMPLATES = [
    "/infos/{}/",
    "/themes/{}/",
    "/lieux/{}/",
    "/moments-de-vie/{}/",
    "/demarches/{}/",
    "/demarches/{}/confirmation/",
    "/demarches/{}/reponses/",
    "/suivi/{}/",
    "/suivi/{}/pieces/1/",
    "/demarches/signaler-voirie/brouillon/{}/",
    "/demarches/signaler-voirie/brouillon/{}/etape/1/",
    "/o/{}/",
    "/o/{}/demarches/",
    "/{}",
    "/backoffice/demandes/{}/",
    "/django-admin/{}/",
]
QUERY_PAGES = [
    "/",
    "/recherche/",
    "/recherche/suggestions/",
    "/suivi/",
    "/demarches/signaler-voirie/",
    "/demarches/signaler-voirie/reponses/",
    "/compte/login/",
    "/compte/signup/",
    "/backoffice/connexion/",
    "/django-admin/login/",
    "/theme.css",
    "/healthz",
    "/accessibilite/",
]


def assert_answered(response):
    assert response.status_code < 500, response.status_code


@given(template=st.sampled_from(PATH_TEMPLATES), segment=SEGMENT)
@example(template="/o/{}/", segment="%00")  # a 500 on PostgreSQL before (issue 14)
def test_any_path_segment_is_answered(client, procedure_a, template, segment):
    assert_answered(client.get(template.format(segment)))


@given(page=st.sampled_from(QUERY_PAGES), parameters=PARAMETERS)
def test_any_query_string_is_answered(client, procedure_a, page, parameters):
    assert_answered(client.get(page, parameters))


@given(raw=st.binary(max_size=40))
def test_any_raw_query_string_is_answered(client, procedure_a, raw):
    query = quote(raw, safe="=&")
    assert_answered(client.get(f"/recherche/?{query}"))
    assert_answered(client.get(f"/demarches/signaler-voirie/?{query}"))


FORM_POSTS = {
    "/suivi/": ["reference", "code"],
    "/demarches/signaler-voirie/": ["kind", "description", "action", "draft", "email"],
    "/demarches/signaler-voirie/enregistrer/1/": ["kind", "description", "shown", "draft"],
    "/compte/login/": ["login", "password", "next"],
    "/backoffice/connexion/": ["login", "password", "next"],
    "/compte/signup/": ["email", "password1", "password2"],
    "/compte/password/reset/": ["email"],
    "/i18n/setlang/": ["language", "next"],
}


@given(
    address=st.sampled_from(sorted(FORM_POSTS)),
    values=st.lists(st.one_of(TEXT, st.lists(TEXT, max_size=2)), min_size=8, max_size=8),
    extra=PARAMETERS,
)
def test_any_posted_form_is_answered(client, procedure_a, address, values, extra):
    data = dict(extra)
    data.update(zip(FORM_POSTS[address], values, strict=False))
    assert_answered(client.post(address, data))


@given(number=st.one_of(st.integers(min_value=0), st.just(2**64)), text=TEXT)
def test_any_step_number_is_answered(client, procedure_a, number, text):
    address = f"/demarches/signaler-voirie/enregistrer/{number}/"
    assert_answered(client.post(address, {"kind": text}))
    assert_answered(client.get(f"/suivi/ABCDEFGHJKLM/pieces/{number}/"))


BACK_OFFICE_PAGES = [
    "/backoffice/",
    "/backoffice/carte/demandes.json",
    "/backoffice/export.csv",
    "/backoffice/organisation/acces/",
    "/backoffice/infos/",
    "/backoffice/infos/nouvelle/",
    "/backoffice/infos/a-ecrire/",
    "/backoffice/equipe/",
    "/backoffice/usagers/",
    "/backoffice/usagers/fiche/",
    "/backoffice/demarches/",
    "/backoffice/demarches/nouvelle/",
    "/backoffice/lieux/",
    "/backoffice/demandes/{reference}/",
]


@given(page=st.sampled_from(BACK_OFFICE_PAGES), parameters=PARAMETERS)
# The 500s found before (issue 14): digits that str.isdigit() takes and int() does not.
@example(page="/backoffice/infos/nouvelle/", parameters={"depuis-message": "①"})
@example(page="/backoffice/demandes/{reference}/", parameters={"modele": "①"})
def test_the_back_office_answers_any_query_string(client, administrator, case_a, page, parameters):
    client.force_login(administrator)
    assert_answered(client.get(page.format(reference=case_a.reference), parameters))


def _routes(patterns, prefix=""):
    """Every address the site answers, as a route with its converters ("infos/<slug:slug>/")."""
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route


# Left to their own fuzzers or outside the site's code: the REST API (schemathesis,
# api/tests/test_fuzzing.py), Django's admin, the files served in the demo.
NOT_HERE = ("api/", "django-admin/", "static/", "media/", "^")
CONVERTER = re.compile(r"<(?:(\w+):)?(\w+)>")


def public_routes() -> list[str]:
    return sorted(
        route
        for route in set(_routes(get_resolver().url_patterns))
        if not route.startswith(NOT_HERE) and not route.startswith("backoffice/")
    )


def test_the_public_routes_are_all_fuzzed():
    """An inventory, so that a new public address is fuzzed as soon as it exists."""
    routes = public_routes()
    assert len(routes) > 40
    assert any(route.startswith("rdv/") or "rendez-vous" in route for route in routes)
    assert any(route.startswith("mon-espace/") for route in routes)


@pytest.mark.parametrize("route", public_routes())
@settings(max_examples=4)
@given(segment=SEGMENT, number=st.one_of(st.integers(min_value=0), st.just(2**64)))
def test_every_public_route_answers_any_value_of_its_parts(
    client, procedure_a, route, segment, number
):
    """Every public route (portal, accounts, statistics, appointments, feedback, the
    citizen's space), each of its parts given a nasty value of its converter's kind."""

    def value(match):
        return str(number) if match.group(1) == "int" else segment

    address = "/" + CONVERTER.sub(value, route)
    assert_answered(client.get(address))
