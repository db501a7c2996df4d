"""`guichet demo`: loaded once for the module (about 20 s), rolled back at the end."""

import datetime
import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guichet.accounts.models import User
from guichet.appointments.availability import free_slots_for
from guichet.appointments.models import MeetingType
from guichet.cases.models import Case, CaseEvent, Channel, EventKind
from guichet.catalog.formschema import FIELD_TYPES, clean_answers
from guichet.catalog.models import InfoPage
from guichet.catalog.workflow import Category
from guichet.notify.models import OutgoingEmail
from guichet.organization.models import Membership, Organization, Role

pytestmark = pytest.mark.django_db

PASSWORD = "demo-guichet"


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    """Loads the demo once; every test runs in a savepoint inside this transaction."""
    output = io.StringIO()
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
    ):
        call_command("demo", force=True, as_of=AS_OF, stdout=output)
        yield output.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def demoville(demo_output):
    return Organization.objects.get(slug="demoville")


@pytest.fixture
def villeneuve(demo_output):
    return Organization.objects.get(slug="villeneuve")


# One moment for every load: the history is drawn relative to it.
AS_OF = timezone.now().replace(microsecond=0)


def fingerprint():
    return list(
        Case.objects.order_by("organization__slug", "reference").values_list(
            "organization__slug", "reference", "procedure__slug", "state", "contact_name", "data"
        )
    )


def test_it_refuses_to_run_without_debug_or_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("demo", stdout=io.StringIO())
    assert not Organization.objects.filter(slug="demoville").exists()


def test_it_prints_the_logins_and_addresses(demo_output):
    for text in [
        "admin@demoville.test",
        "agent@demoville.test",
        "citoyen@demoville.test",
        PASSWORD,
        "http://127.0.0.1:8000/",
        "http://127.0.0.1:8000/backoffice/",
        "http://127.0.0.1:8000/o/villeneuve/",
    ]:
        assert text in demo_output


def test_demoville_has_its_services_and_published_procedures(demoville):
    assert demoville.is_default and demoville.reference_prefix == "DV"
    assert demoville.address and demoville.phone and demoville.email.endswith(".test")
    services = demoville.services.all()
    assert sorted(s.name for s in services) == [
        "Urbanisme et domaine public",
        "Vie associative et salles",
        "Voirie et propreté",
        "État civil",
    ]
    assert all(s.email and s.phone and s.opening_hours for s in services)
    procedures = demoville.procedures.published()
    assert procedures.count() >= 8
    assert procedures.get(slug="signaler-un-probleme").asks_location
    for procedure in procedures:
        assert procedure.description and procedure.summary and procedure.processing_days
    used = {field["type"] for p in procedures for field in p.fields}
    assert used == set(FIELD_TYPES)  # the demo shows every field type


def test_the_procedures_use_the_engine(demoville):
    """Steps, conditions, attachments, a map point, business days, a tacit acceptance,
    routing rules, templates: the demo shows what the engine does."""
    versions = [p.current_version for p in demoville.procedures.published()]

    def count(predicate):
        return sum(1 for version in versions if predicate(version))

    def types(version):
        return [field["type"] for field in version.fields]

    def has_condition(version):
        return any("condition" in field for field in version.fields)

    assert count(lambda v: types(v).count("page") >= 2) >= 3
    assert count(has_condition) >= 2
    assert count(lambda v: "file" in types(v)) >= 2
    assert count(lambda v: "address" in types(v)) >= 1
    assert count(lambda v: (v.deadline or {}).get("unit") == "business") >= 3
    [tacit] = [v for v in versions if (v.deadline or {}).get("tacit")]
    assert tacit.deadline["tacit"] == {
        "decision": "accept",
        "state": "accepted",
        "document": "attestation",
    }
    assert tacit.deadline["unit"] == "business"
    assert count(lambda v: v.routing) >= 1
    assert count(lambda v: v.templates) >= 2


def test_routing_and_tacit_decisions_happened_in_the_history(demoville):
    question = demoville.procedures.get(slug="question-a-la-mairie")
    routed = Case.objects.filter(procedure=question).exclude(service=question.service)
    assert routed.exists()
    for case in routed[:20]:
        submitted = case.events.get(kind=EventKind.SUBMITTED)
        assert submitted.payload["routing"] != "default"
    decided = CaseEvent.objects.filter(
        kind=EventKind.TACIT_DECISION, case__procedure__slug="buvette-temporaire"
    )
    assert decided.exists()
    for event in decided:
        assert event.case.state == "accepted" and event.created_at > event.case.due_at
        # Nothing happens to a case after its decision.
        assert not event.case.events.filter(created_at__gt=event.created_at).exists()
        assert event.case.attachments.filter(generated_from="attestation").exists()
    # Authorisations granted by an agent come with their document.
    granted = Case.objects.filter(
        procedure__slug="buvette-temporaire", events__payload__transition="accept"
    )
    assert granted.exists()
    assert all(case.attachments.filter(generated_from="autorisation") for case in granted)


def test_agents_labelled_open_cases(demoville):
    labelled = Case.objects.filter(organization=demoville, labels__name="Élu saisi")
    assert labelled.exists()
    assert all(case.procedure.slug == "signaler-un-probleme" for case in labelled)
    assert Case.objects.filter(organization=demoville, labels__name="Urgent").count() > 3


def test_silence_decides_when_the_deadline_passes_and_nobody_acts_later(demoville):
    """The worker applies a tacit decision minutes after the due date, or after the clock
    resumed past it: while the clock runs, nothing happens to a temporary bar's request
    later than that — no agent takes, asks, accepts or rejects it once silence has."""
    sweep = timezone.timedelta(minutes=5)
    cases = (
        Case.objects.filter(procedure__slug="buvette-temporaire")
        .select_related("version")
        .prefetch_related("events")
    )
    assert cases.exists()
    for case in cases:
        workflow = case.version.get_workflow()
        running_since, paused = case.created_at, False
        for event in case.events.all():
            if not paused and event.kind != EventKind.TACIT_DECISION:
                assert event.created_at <= max(case.due_at, running_since) + sweep, case.reference
            if event.kind == EventKind.TRANSITIONED:
                waiting = workflow.state(event.payload["to"]).category == Category.WAITING
                if paused and not waiting:
                    running_since = event.created_at
                paused = waiting


def test_demoville_has_500_cases_in_every_state_category(demoville):
    cases = Case.objects.filter(organization=demoville)
    assert cases.count() == 500
    assert set(cases.values_list("category", flat=True)) == set(Category.ALL)
    assert cases.closed().count() > cases.open().count()
    assert cases.overdue().exists()
    assert set(cases.values_list("channel", flat=True)) >= {
        Channel.WEB,
        Channel.PHONE,
        Channel.COUNTER,
        Channel.EMAIL,
        Channel.MAIL,
    }
    assert cases.filter(channel=Channel.WEB).count() > cases.count() / 2
    assert cases.filter(citizen__isnull=False).exists()
    assert cases.filter(citizen__isnull=True).exclude(contact_email="").exists()
    assert cases.filter(assignee__isnull=False).exists()
    year_ago = timezone.now() - timezone.timedelta(days=366)
    assert not cases.filter(created_at__lt=year_ago).exists()


def test_recent_cases_are_mostly_open_and_old_ones_mostly_closed(demoville):
    cases = Case.objects.filter(organization=demoville)
    month_ago = timezone.now() - timezone.timedelta(days=30)
    recent, old = cases.filter(created_at__gte=month_ago), cases.filter(created_at__lt=month_ago)
    assert recent.open().count() > recent.count() / 3
    assert old.closed().count() > old.count() * 0.8


def test_history_was_written_by_the_actions_without_notifying(demo_output):
    assert not OutgoingEmail.objects.exists()
    assert not CaseEvent.objects.undispatched().exists()
    assert not DBTaskResult.objects.exists()
    now = timezone.now()
    assert not CaseEvent.objects.filter(created_at__gt=now).exists()
    assert not Case.objects.filter(updated_at__gt=now).exists()
    kinds = set(CaseEvent.objects.values_list("kind", flat=True))
    assert kinds >= {"submitted", "transitioned", "assigned", "message", "note"}
    for case in Case.objects.prefetch_related("events"):
        events = list(case.events.all())
        assert events[0].kind == EventKind.SUBMITTED and events[0].created_at == case.created_at
        assert [e.created_at for e in events] == sorted(e.created_at for e in events)
        if case.channel != Channel.WEB:
            assert events[0].actor is not None  # an agent filed it for the citizen


def test_every_case_answers_its_procedures_form(demo_output):
    cases = Case.objects.select_related("procedure", "organization")
    assert cases.count() == 500 + 40 + 3  # drawn, and the demo citizen's in Villeneuve
    for case in cases:
        fields = case.procedure.fields
        # Judged as on the day it was filed ("from today"), in its commune's territory.
        answers, uploads = clean_answers(
            fields,
            case.data,
            today=timezone.localtime(case.created_at).date(),
            area=case.organization.area,
        )
        assert answers == case.data, case.reference
        assert uploads == []


def test_the_people(demoville):
    citizens = User.objects.filter(memberships__isnull=True)
    assert citizens.count() == 31  # 30 drawn citizens, and the printed one's son
    assert all(u.email.endswith(".test") for u in User.objects.all())
    agents = Membership.objects.filter(organization=demoville, role=Role.AGENT)
    assert agents.count() == 6
    assert all(m.services.exists() for m in agents)
    admin = User.objects.get(email="admin@demoville.test")
    assert admin.is_staff and admin.is_superuser
    assert admin.memberships.get(organization=demoville).role == Role.ADMINISTRATOR
    agent = Membership.objects.get(user__email="agent@demoville.test", organization=demoville)
    assert [s.name for s in agent.services.all()] == ["Voirie et propreté"]


@pytest.mark.parametrize(
    "email", ["admin@demoville.test", "agent@demoville.test", "citoyen@demoville.test"]
)
def test_the_printed_logins_work(demo_output, email):
    user = authenticate(None, username=email, password=PASSWORD)
    assert user is not None and user.email == email
    # Verified, so that the portal's login (allauth) lets them in too.
    assert EmailAddress.objects.get(user=user, email=email).verified


def test_the_demo_admin_reaches_the_django_admin_through_the_login(demo_output, client):
    response = client.get("/django-admin/", follow=True)
    login = response.redirect_chain[-1][0]
    assert login == "/compte/login/?next=%2Fdjango-admin%2F"
    response = client.post(
        login, {"login": "admin@demoville.test", "password": PASSWORD, "next": "/django-admin/"}
    )
    assert response.status_code == 302 and response.url == "/django-admin/"
    assert client.get("/django-admin/").status_code == 200


def test_villeneuve_is_a_smaller_second_commune(villeneuve):
    assert villeneuve.domain == "villeneuve.localhost" and villeneuve.reference_prefix == "VS"
    assert not villeneuve.is_default
    assert villeneuve.services.count() == 2
    assert villeneuve.procedures.published().count() == 3
    agents = Membership.objects.filter(organization=villeneuve, role=Role.AGENT)
    assert sorted(m.user.email for m in agents)[0] == "agent@villeneuve.test"
    assert agents.count() == 2
    cases = Case.objects.filter(organization=villeneuve)
    assert 30 <= cases.count() <= 50
    assert all(case.reference.startswith("VS-") for case in cases)
    # Cases never cross over: every one belongs to a procedure and service of its commune.
    assert not cases.exclude(procedure__organization=villeneuve).exists()
    assert not cases.exclude(service__organization=villeneuve).exists()


def test_running_twice_does_not_duplicate(demo_output, settings):
    settings.DEBUG = True
    before = fingerprint()
    output = io.StringIO()
    call_command("demo", stdout=output)
    assert "already loaded" in output.getvalue()
    assert fingerprint() == before
    assert Organization.objects.filter(slug="demoville").count() == 1
    # Citizens, Démoville staff, Villeneuve, the printed citizen's son.
    assert User.objects.count() == 30 + 7 + 2 + 1 + 1


def test_reset_loads_the_same_demo_again(demo_output):
    """Runs under the suite's write guard: every case row comes from a domain action."""
    before = fingerprint()
    call_command("demo", force=True, reset=True, as_of=AS_OF, stdout=io.StringIO())
    assert fingerprint() == before
    assert Organization.objects.filter(slug="demoville").count() == 1


def test_demoville_answers_before_a_request_is_needed(demoville):
    from guichet.catalog import search
    from guichet.catalog.models import InfoPage
    from guichet.organization.models import Place

    pages = InfoPage.objects.visible().filter(organization=demoville)
    assert pages.count() >= 30
    assert pages.filter(kind="faq").count() >= 10
    themes = {theme for page in pages for theme in page.themes}
    assert themes >= {"etat-civil", "voirie", "dechets", "ecoles", "urbanisme", "associations"}
    assert InfoPage.objects.filter(organization=demoville).due_for_review().count() == 2
    assert [r.title for r in search.search(demoville, "passeport")][0] == (
        "Passeport et carte d'identité"
    )
    hall = Place.objects.get(organization=demoville, slug="hotel-de-ville")
    assert hall.closures.exists() and hall.services.filter(slug="etat-civil").exists()
    assert not InfoPage.objects.exclude(organization=demoville).exists()


def test_the_demo_citizen_has_requests_in_both_communes(demo_output, client):
    """What the summary promises: citoyen@demoville.test finds requests in each commune's
    space, and Villeneuve's agent finds hers among the cases of his service."""
    citizen = User.objects.get(email="citoyen@demoville.test")
    client.force_login(citizen)
    for slug, space in [("demoville", "/mon-espace/"), ("villeneuve", "/o/villeneuve/mon-espace/")]:
        theirs = Case.objects.filter(organization__slug=slug, citizen=citizen)
        assert theirs.exists(), slug
        page = client.get(space).text
        for case in theirs.order_by("-created_at")[:5]:
            assert case.reference in page, (slug, case.reference)
    membership = Membership.objects.get(user__email="agent@villeneuve.test")
    open_ones = Case.objects.visible_to(membership).open().filter(citizen=citizen)
    assert open_ones.exists()
    client.force_login(membership.user)
    inbox = client.get("/o/villeneuve/backoffice/").text
    for case in open_ones:
        assert case.reference in inbox


FRENCH_DAYS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]


def hours_read_from(text: str) -> dict:
    """The week that a French sentence gives ("du lundi au mercredi de 8 h 30 à 12 h et de
    13 h 30 à 17 h 30, le jeudi ..."), read independently of how the demo writes it."""
    time = r"(\d{1,2}) h(?: (\d{2}))?"
    week = {}
    for days, ranges in re.findall(
        r"((?:du \w+ au \w+)|(?:le \w+)) ((?:de \d{1,2} h(?: \d{2})? à \d{1,2} h(?: \d{2})?"
        r"(?: et )?)+)",
        text,
    ):
        names = days.split()[1::2] if days.startswith("du") else [days.split()[1]]
        first, last = FRENCH_DAYS.index(names[0]), FRENCH_DAYS.index(names[-1])
        spans = [
            [f"{int(h1):02d}:{m1 or '00'}", f"{int(h2):02d}:{m2 or '00'}"]
            for h1, m1, h2, m2 in re.findall(f"de {time} à {time}", ranges)
        ]
        for day in range(first, last + 1):
            week[str(day)] = spans
    return week


def test_the_faq_gives_the_town_halls_opening_hours(demoville):
    from guichet.catalog.models import InfoPage
    from guichet.organization.models import Place

    hall = Place.objects.get(organization=demoville, slug="hotel-de-ville")
    opened = {day: ranges for day, ranges in hall.hours.items() if ranges}
    faq = InfoPage.objects.get(
        organization=demoville, title="Quels sont les horaires de la mairie ?"
    )
    assert hours_read_from(faq.body) == opened
    etat_civil = demoville.services.get(slug="etat-civil")
    lines = etat_civil.opening_hours.lower().replace(" : ", " de ").replace(" – ", " à ")
    lines = re.sub(r"^(\w+) de", r"le \1 de", lines, flags=re.M)
    assert hours_read_from(re.sub(r" et (\d)", r" et de \1", lines)) == opened


def test_the_citizens_answers_resumed_their_cases(demoville):
    """A citizen who answered a request for more information set their case going again
    (the default workflow's `resume`, made for them), and its clock with it."""
    answered = CaseEvent.objects.filter(
        case__organization=demoville,
        kind=EventKind.TRANSITIONED,
        payload__trigger__type="citizen_reply",
    )
    assert answered.count() >= 5
    assert {event.payload["transition"] for event in answered} == {"resume"}
    assert (
        not Case.objects.filter(
            organization=demoville, category=Category.WAITING, deadline_paused_at=None
        )
        .exclude(due_at=None)
        .exists()
    )


def test_some_requests_for_more_information_give_a_date_to_answer_by(demoville):
    certificate = demoville.procedures.get(slug="acte-etat-civil")
    [waiting] = [
        s for s in certificate.current_version.workflow["states"] if s["category"] == "waiting"
    ]
    assert waiting["answer_days"] == 15
    asked = CaseEvent.objects.filter(
        case__procedure=certificate, kind=EventKind.TRANSITIONED, payload__to="waiting"
    )
    assert asked.exists() and all("answer_by" in event.payload for event in asked)
    pothole = demoville.procedures.get(slug="signaler-un-probleme")
    assert not CaseEvent.objects.filter(
        case__procedure=pothole, kind=EventKind.TRANSITIONED, payload__has_key="answer_by"
    ).exists()


def test_the_demo_api_key_holds_every_scope_on_demoville(demoville, client):
    from guichet.organization.api_clients import get_api_client

    api_client = get_api_client("demo-api-key")
    assert api_client.organization == demoville
    assert api_client.can_read and api_client.can_write and api_client.all_services
    response = client.get("/api/v1/cases?limit=5", HTTP_AUTHORIZATION="Bearer demo-api-key")
    assert response.status_code == 200
    assert len(response.json()["items"]) == 5


def test_a_mail_pushed_with_the_demo_secret_opens_a_question_in_demoville(demoville, client):
    raw = (
        "From: Zoé Habitante <zoe@example.test>\r\nTo: mairie@demoville.test\r\n"
        "Subject: Horaires de la piscine\r\nMessage-ID: <demo-inbound@example.test>\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\nQuels sont les horaires d'été ?\r\n"
    ).encode()
    response = client.post(
        "/inbound/email/",
        data=raw,
        content_type="message/rfc822",
        headers={"authorization": "Bearer demo-inbound-secret"},
    )
    assert response.status_code == 200, response.content
    case = Case.objects.get(reference=response.json()["case"])
    assert case.organization == demoville and case.channel == "email"
    assert case.procedure.slug == "question-a-la-mairie"
    assert "Quels sont les horaires d'été ?" in case.data["question"]


def test_the_demo_open311_key_files_a_street_problem(demoville, client):
    services = client.get("/open311/v2/services.json").json()
    assert [s["service_code"] for s in services] == ["signaler-un-probleme"]
    definition = client.get("/open311/v2/services/signaler-un-probleme.json").json()
    category = definition["attributes"][0]
    response = client.post(
        "/open311/v2/requests.json",
        {
            "api_key": "demo-open311-key",
            "service_code": "signaler-un-probleme",
            "address_string": "Place de la Mairie",
            f"attribute[{category['code']}]": category["values"][0]["key"],
            "attribute[danger]": "no",
            "description": "Un banc cassé.",
            "email": "zoe@example.test",
        },
    )
    assert response.status_code == 201, response.content
    reference = response.json()[0]["service_request_id"]
    case = demoville.cases.get(reference=reference)
    assert case.channel == "api"
    assert case.data["description"] == "Un banc cassé."


def test_the_town_hall_has_agendas_with_booked_and_free_slots(demoville):
    names = set(
        MeetingType.objects.filter(agenda__organization=demoville).values_list("name", flat=True)
    )
    assert {"Passeport", "Carte d'identité", "Dossier de mariage ou de PACS"} <= names
    passport = MeetingType.objects.get(agenda__organization=demoville, name="Passeport")
    assert passport.appointments.count() > 20
    today = timezone.localdate()
    assert free_slots_for(passport, first_day=today, last_day=today + datetime.timedelta(days=28))
    page = InfoPage.objects.get(organization=demoville, title="Passeport et carte d'identité")
    assert "/rendez-vous/" in page.body


def test_the_register_lists_every_personal_field_of_every_published_procedure(demo_output, client):
    """GDPR article 30: the register's spreadsheet holds every answer of every published
    procedure's form, in both communes, with the applicant's contact details."""
    from openpyxl import load_workbook

    from guichet.catalog.formschema.types import is_answer
    from guichet.catalog.models import Procedure

    client.force_login(User.objects.get(email="admin@demoville.test"))
    checked = 0
    for slug, prefix in [("demoville", ""), ("villeneuve", "/o/villeneuve")]:
        response = client.get(f"{prefix}/backoffice/organisation/registre.xlsx")
        assert response.status_code == 200, slug
        book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
        rows = list(book.worksheets[0].iter_rows(values_only=True))
        column = rows[0].index("Identifiant du champ")
        listed = {(row[0], row[column]) for row in rows[1:]}
        procedures = Procedure.objects.published().filter(organization__slug=slug)
        assert procedures.exists()
        for procedure in procedures.select_related("current_version"):
            for item in procedure.current_version.fields:
                if is_answer(item):
                    assert (procedure.title, item["id"]) in listed, (slug, item["id"])
                    checked += 1
            for contact in ("contact_name", "contact_email", "contact_phone"):
                assert (procedure.title, contact) in listed
    assert checked > 20


def test_the_demo_citizen_s_son_holds_her_mandate_and_wrote_for_her(demo_output, client):
    from guichet.cases.models import Mandate, Message

    citizen = User.objects.get(email="citoyen@demoville.test")
    son = User.objects.get(email="proche@demoville.test")
    [mandate] = Mandate.objects.filter(citizen=citizen)
    assert mandate.helper_email == son.email and mandate.is_active()
    assert mandate.organization.slug == "villeneuve" and mandate.all_procedures
    message = Message.objects.get(author=son)
    assert message.case.citizen == citizen and message.from_citizen
    event = message.case.events.get(kind=EventKind.MESSAGE, actor=son)
    assert event.payload["on_behalf_of"]["as"] == "helper"
    assert event.dispatched_at is not None  # history: nobody is notified
    client.force_login(citizen)
    page = client.get("/o/villeneuve/mon-espace/mandats/").text
    assert "par proche@demoville.test, avec votre mandat" in page
    client.force_login(son)
    page = client.get(f"/o/villeneuve/mon-espace/aides/{mandate.pk}/").text
    assert message.case.reference in page
