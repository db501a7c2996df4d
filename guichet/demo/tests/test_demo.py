"""`guichet demo`: loaded once for the module (about 20 s), rolled back at the end."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from guichet.accounts.models import User
from guichet.cases.models import Case, CaseEvent, Channel, EventKind
from guichet.catalog.formschema import FIELD_TYPES, clean_answers
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
    cases = Case.objects.select_related("procedure")
    assert cases.count() == 540
    for case in cases:
        fields = case.procedure.fields
        answers, uploads = clean_answers(fields, case.data)
        assert answers == case.data, case.reference
        assert uploads == []


def test_the_people(demoville):
    citizens = User.objects.filter(memberships__isnull=True)
    assert citizens.count() == 30
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
    assert User.objects.count() == 30 + 7 + 2 + 1  # citizens, Démoville staff, Villeneuve


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
