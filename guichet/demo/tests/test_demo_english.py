"""An English-speaking citizen files the demo procedures with every label in English
(issue 18): the demo's procedures, services and places have their English, the portal shows
it once the visitor picks English in the language switcher, and a request filed that way is
followed in English. Loaded once for the module, rolled back at the end."""

import io
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone, translation

from guichet.appointments.models import Agenda, MeetingType
from guichet.cases import actions as case_actions
from guichet.cases.models import Case
from guichet.catalog.formschema import item_type
from guichet.catalog.models import Procedure
from guichet.catalog.translations import FIELD_TEXTS, missing_count, version_fields
from guichet.demo.english import ENGLISH
from guichet.organization.models import Place, Service
from guichet.portal.steps import PAGE, Flow
from guichet.portal.tests.walk import post_steps

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        call_command("demo", force=True, as_of=timezone.now(), stdout=io.StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def english(client):
    """A visitor who chose English in the page's language switcher."""
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert response.status_code == 302
    return client


def published(demo):
    return list(
        Procedure.objects.published()
        .select_related("current_version", "organization")
        .order_by("organization__slug", "slug")
    )


class TextOnly(HTMLParser):
    """The text of a page as read (attributes aside: a choice's value stays French)."""

    def __init__(self):
        super().__init__()
        self.parts, self.skip = [], 0

    def handle_starttag(self, tag, attrs):
        self.skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self.skip -= tag in ("script", "style") and self.skip > 0

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def page_text(response) -> str:
    parser = TextOnly()
    parser.feed(response.content.decode())
    return " ".join(" ".join(parser.parts).split())


def french_texts(procedure) -> set[str]:
    """Every French text of the version's form that has an English different from it."""
    texts = set()
    for item in procedure.current_version.fields:
        for key in FIELD_TEXTS:
            if item.get(key):
                texts.add(item[key])
        texts.update(item.get("choices") or [])
    return {text for text in texts if ENGLISH.get(text, text) != text}


def revealing_answers(procedure) -> dict:
    """Raw answers that meet the simple conditions of the form, so that the steps show the
    items they hide otherwise."""
    raw = {}
    for item in procedure.current_version.fields:
        condition = item.get("condition")
        if isinstance(condition, dict) and condition.get("op") == "equals":
            value = condition.get("value")
            if isinstance(value, bool):
                value = "yes" if value else "no"
            raw[f"answer-{condition['field']}"] = [str(value)]
    return raw


def test_every_demo_text_has_its_english(demo):
    procedures = published(demo)
    assert len(procedures) >= 10
    for procedure in procedures:
        assert missing_count(procedure) == 0, procedure.slug
        assert procedure.current_version.translations == procedure.translations
    assert all(service.translations["en"]["name"] for service in Service.objects.all())
    assert all(place.translations["en"]["name"] for place in Place.objects.all())
    assert Agenda.objects.exists() and MeetingType.objects.exists()
    assert all(agenda.translations["en"]["name"] for agenda in Agenda.objects.all())
    for meeting_type in MeetingType.objects.all():
        english = meeting_type.translations["en"]
        assert english["name"], meeting_type.name
        assert english.get("documents") or not meeting_type.documents, meeting_type.name


def test_an_english_reader_books_the_demo_appointments_in_english(demo, english):
    text = page_text(english.get("/rendez-vous/"))
    for meeting_type in MeetingType.objects.filter(agenda__organization__is_default=True):
        assert ENGLISH[meeting_type.name] in text
        assert ENGLISH[meeting_type.agenda.name] in text
        week = page_text(english.get(f"/rendez-vous/{meeting_type.pk}/"))
        assert ENGLISH[meeting_type.documents].split("\n")[0] in week
    assert "Passeport" not in text and "Passports and identity cards" in text


def test_the_english_form_of_each_procedure_has_no_french_left(demo):
    """Every item of every form, those that conditions hide included."""
    for procedure in published(demo):
        with translation.override("en"):
            flow = Flow(procedure)
            fields = flow.fields
            titles = [step.title for step in flow.steps]
        french = {item.get("id"): item for item in procedure.current_version.fields}
        for item in fields:
            source = french[item["id"]]
            for key in FIELD_TEXTS:
                if source.get(key):
                    assert item[key] == ENGLISH.get(source[key], source[key]), (
                        procedure.slug,
                        item["id"],
                        key,
                    )
            for choice in source.get("choices") or []:
                assert item["choice_labels"][choice] == ENGLISH[choice]
            if item_type(item) == "page" and item.get("label"):
                assert item["label"] in titles
        assert fields == version_fields(procedure.current_version, "en")


def test_an_english_reader_walks_every_demo_form_in_english(demo, english):
    for procedure in published(demo):
        prefix = "" if procedure.organization.is_default else f"/o/{procedure.organization.slug}"
        first = english.get(f"{prefix}/demarches/{procedure.slug}/")
        assert first.status_code == 200, procedure.slug
        text = page_text(first)
        for french, key in ((procedure.title, "title"), (procedure.summary, "summary")):
            assert ENGLISH[french] in text, (procedure.slug, key)
            assert french not in text or ENGLISH[french] == french
        draft = case_actions.save_draft(
            procedure=procedure, data=revealing_answers(procedure), page=1
        )
        flow = Flow(procedure, draft.data)
        leftovers = french_texts(procedure)
        base = f"{prefix}/demarches/{procedure.slug}/brouillon/{draft.token}/etape"
        visited = 0
        for step in flow.steps:
            if step.kind != PAGE:
                continue
            response = english.get(f"{base}/{step.number}/")
            if response.status_code != 200:
                continue  # hidden by the answers: its items are checked in the test above
            visited += 1
            text = page_text(response)
            for french in leftovers:
                assert f" {french} " not in f" {text} ", (procedure.slug, step.number, french)
            for item in flow.shown_items(step):
                if item.get("label") and item_type(item) not in ("page",):
                    label = ENGLISH.get(item["label"], item["label"])
                    assert label in text, (procedure.slug, item["id"])
        assert visited, procedure.slug


def test_an_english_reader_files_a_question_and_follows_it_in_english(demo, english):
    procedure = Procedure.objects.get(organization__slug="demoville", slug="question-a-la-mairie")
    page = english.get("/demarches/question-a-la-mairie/")
    assert "How would you like to receive the answer?" in page_text(page)
    assert "By phone" in page_text(page)
    answers = {
        "answer-sujet": "Démarches et papiers",
        "answer-question": "When is the town hall open on Saturdays?",
        "answer-reponse": "Par e-mail",
        "shown": "sujet question reponse telephone",
    }
    summary = post_steps(
        english,
        procedure.slug,
        [answers],
        contact={"contact_name": "Jane Doe", "contact_email": "jane@example.test"},
    )
    recap = page_text(english.get(summary))
    assert "Procedures and papers" in recap and "By e-mail" in recap
    assert "Démarches et papiers" not in recap
    response = english.post(summary, {"action": "submit"})
    assert response.status_code == 303
    case = Case.objects.filter(procedure=procedure).latest("pk")
    assert case.language == "en"
    assert case.data["reponse"] == "Par e-mail"  # answers stay French for the agents
    tracking = page_text(english.get(f"/suivi/{case.tracking_code}/"))
    assert "Ask the town hall a question" in tracking
    assert "Submitted" in tracking
    assert "Procedures and papers" in tracking
