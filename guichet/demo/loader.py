"""Loads the demo: two fictional communes with their services, procedures, agents, citizens
and a year of cases.

Cases and their history are written only through the domain actions (guichet.cases.actions),
backdated with their `submitted_at` / `at` arguments, inside `suppress_dispatch()` so that
loading a year of history sends no e-mail. A seeded random generator makes every load the same.
"""

import contextlib
import copy
import datetime
import random
import unicodedata
from dataclasses import dataclass, field

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from guichet.accounts.models import User
from guichet.appointments.actions import BookingError, book_appointment
from guichet.appointments.availability import free_slots_for
from guichet.appointments.models import Agenda, Counter, MeetingType
from guichet.cases import actions
from guichet.cases.external import push_external_demand
from guichet.cases.models import Case, Channel
from guichet.cases.tasks import suppress_dispatch
from guichet.catalog.actions import publish_procedure, save_info_page
from guichet.catalog.models import InfoPage, Open311Service, Procedure
from guichet.catalog.workflow import default_workflow
from guichet.notify.models import Mailbox, secret_hash
from guichet.organization.api_clients import create_api_client
from guichet.organization.models import Membership, Organization, Place, Role, Service
from guichet.organization.places import add_closure, save_place

from . import data, english, info

PASSWORD = "demo-guichet"
SEED = 2026
DAY = datetime.timedelta(days=1)
# How soon after a due date the worker applies a tacit decision (its sweep runs every 5 min).
TACIT_SWEEP = datetime.timedelta(minutes=5)

# Channel -> weight. Agents file the requests that arrive by phone, at the counter or by mail.
CHANNELS = {
    Channel.WEB: 68,
    Channel.PHONE: 12,
    Channel.COUNTER: 9,
    Channel.EMAIL: 7,
    Channel.MAIL: 4,
}

# Where a case stands today, by its age in days: (upper bound of the age, {outcome: weight}).
OUTCOMES = [
    (2, {"new": 50, "received": 22, "in_progress": 18, "duplicate": 4, "accepted": 6}),
    (
        10,
        {
            "new": 10,
            "received": 16,
            "in_progress": 32,
            "waiting": 12,
            "accepted": 20,
            "rejected": 3,
            "duplicate": 7,
        },
    ),
    (
        40,
        {
            "new": 2,
            "received": 4,
            "in_progress": 18,
            "waiting": 8,
            "accepted": 51,
            "rejected": 8,
            "duplicate": 5,
            "no_answer": 4,
        },
    ),
    (
        10_000,
        {
            "new": 0.5,
            "received": 0.5,
            "in_progress": 2,
            "waiting": 2,
            "accepted": 70,
            "rejected": 11,
            "duplicate": 7,
            "no_answer": 8,
        },
    ),
]
CLOSED_OUTCOMES = {"accepted", "rejected", "duplicate", "no_answer"}


def ascii_name(text: str) -> str:
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")


def fictional_mobile(rng: random.Random) -> str:
    return f"06 39 98 {rng.randint(0, 99):02d} {rng.randint(0, 99):02d}"


@dataclass
class Person:
    first_name: str
    last_name: str
    email: str = ""
    phone: str = ""
    account: User | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


@dataclass
class Context:
    """What the case generator needs to know about one organization."""

    spec: dict
    organization: Organization
    rng: random.Random
    now: datetime.datetime
    citizens: list[User]
    handlers: dict[int, list[User]] = field(default_factory=dict)  # service pk -> agents
    supervisors: dict[int, list[User]] = field(default_factory=dict)

    def address(self):
        """A street address and a point on it."""
        street, lat, lon = self.rng.choice(self.spec["streets"])
        number = self.rng.randint(1, 60)
        address = f"{number} {street}, {self.spec['postal_code']} {self.spec['town']}"
        return address, lat + self.rng.uniform(-6e-4, 6e-4), lon + self.rng.uniform(-6e-4, 6e-4)


def demo_organizations():
    return Organization.objects.filter(
        slug__in=[spec["organization"]["slug"] for spec in data.ORGANIZATIONS]
    )


def is_loaded() -> bool:
    return demo_organizations().exists()


@transaction.atomic
def reset() -> None:
    """Deletes the demo organizations and the demo accounts (cases before the procedures and
    services they protect)."""
    organizations = demo_organizations()
    actions.delete_cases(cases=Case.objects.filter(organization__in=organizations))
    Mailbox.objects.filter(organization__in=organizations).delete()
    Procedure.objects.filter(organization__in=organizations).delete()
    Service.objects.filter(organization__in=organizations).delete()
    organizations.delete()
    User.objects.filter(email__in=data.staff_emails() | data.citizen_emails()).delete()


def load(now: datetime.datetime | None = None) -> list[tuple[Organization, int]]:
    """Creates the demo organizations; returns each with its number of cases."""
    now = now or timezone.now()
    rng = random.Random(SEED)
    # One hash for every demo account: hashing is slow on purpose, and they share a password.
    password = make_password(PASSWORD)
    with transaction.atomic():
        citizens = [
            _account(email, first_name=first, last_name=last, password=password, phone="")
            for email, first, last in data.CITIZENS
        ]
        for citizen in citizens:
            if rng.random() < 0.4:
                citizen.phone = fictional_mobile(rng)
                citizen.save(update_fields=["phone"])
    loaded = []
    for spec in data.ORGANIZATIONS:
        with transaction.atomic():
            loaded.append(_load_organization(spec, rng, now, citizens, password))
    return loaded


def _account(email: str, *, password: str, **fields) -> User:
    user, _created = User.objects.update_or_create(
        email=email, defaults={"password": password, "is_active": True, **fields}
    )
    # A verified address, so that the demo logins work on the portal's login page too.
    EmailAddress.objects.update_or_create(
        user=user, email=email, defaults={"verified": True, "primary": True}
    )
    return user


def _load_organization(spec, rng, now, citizens, password) -> tuple[Organization, int]:
    is_default = spec["default"] and not Organization.objects.filter(is_default=True).exists()
    organization = Organization.objects.create(**spec["organization"], is_default=is_default)
    services = {
        item["slug"]: Service.objects.create(
            organization=organization,
            translations=english.object_translations(item, english.SERVICE_TEXTS),
            **item,
        )
        for item in spec["services"]
    }
    procedures = []
    for item in copy.deepcopy(spec["procedures"]):
        kind, weight = item.pop("kind"), item.pop("weight")
        workflow = default_workflow()
        for transition in workflow["transitions"]:
            transition.setdefault("actions", [])
            transition["actions"] += item.get("workflow_actions", {}).get(transition["code"], [])
        item.pop("workflow_actions", None)
        answer_days = item.pop("answer_days", None)
        for state in workflow["states"]:
            if state["category"] == "waiting" and answer_days:
                state["answer_days"] = answer_days
        procedure = Procedure.objects.create(
            organization=organization,
            service=services[item.pop("service")],
            fields=copy.deepcopy(data.FIELDS[kind]),
            workflow=workflow,
            **item,
        )
        # Every text in English too, frozen with the version (guichet/demo/english.py).
        procedure.translations = english.procedure_translations(procedure)
        procedure.save(update_fields=["translations"])
        publish_procedure(procedure=procedure)
        procedure.refresh_from_db()
        procedures.append((procedure, kind, weight))

    context = Context(spec=spec, organization=organization, rng=rng, now=now, citizens=citizens)
    for item in spec["staff"]:
        item = dict(item)
        role, service_slugs = item.pop("role"), item.pop("services")
        user = _account(item.pop("email"), password=password, **item)
        membership = Membership.objects.create(user=user, organization=organization, role=role)
        membership.services.set([services[slug] for slug in service_slugs])
        for slug in service_slugs:
            group = context.handlers if role == Role.AGENT else context.supervisors
            group.setdefault(services[slug].pk, []).append(user)

    if spec.get("information"):
        admin = next(
            (
                u
                for u in Membership.objects.filter(
                    organization=organization, role=Role.ADMINISTRATOR
                )
                .select_related("user")
                .order_by("pk")
            ),
            None,
        )
        _load_information(organization, services, admin.user if admin else None, rng, now)

    if spec.get("api_client"):
        create_api_client(
            organization=organization,
            actor=None,
            can_read=True,
            can_write=True,
            can_push_demands=True,
            all_services=True,
            **spec["api_client"],
        )

    if spec.get("mailbox"):
        _make_mailbox(organization, procedures, spec["mailbox"])
    if spec.get("open311"):
        _load_open311(organization, spec["open311"])

    dates = sorted(_submission(rng, now) for _ in range(spec["case_count"]))
    weights = [weight for _procedure, _kind, weight in procedures]
    with suppress_dispatch():
        for submitted_at, channel in dates:
            procedure, kind, _weight = rng.choices(procedures, weights)[0]
            _make_case(context, procedure, kind, submitted_at, channel)
        _make_demo_citizen_cases(context, procedures)
        if spec.get("external_demands"):
            _load_external_demands(context, spec["external_demands"])
        if spec.get("mandate"):
            _make_mandate(context, spec["mandate"], password)
        _apply_tacit_decisions(organization, now)
        _label_cases(organization)
    return organization, Case.objects.filter(organization=organization).count()


def _load_external_demands(context: Context, spec: dict) -> None:
    """Demands another system (the family portal) handles for the printed citizen login, as
    it would push them through the API: they show in her space beside her requests."""
    client, _key = create_api_client(
        organization=context.organization,
        actor=None,
        can_read=False,
        can_push_demands=True,
        all_services=True,
        **spec["client"],
    )
    for item in spec["demands"]:
        days_ago = item.get("days_ago", 0)
        push_external_demand(
            client=client,
            citizen=context.citizens[0],
            status_at=context.now - datetime.timedelta(days=days_ago),
            **{key: value for key, value in item.items() if key != "days_ago"},
        )


def _make_mailbox(organization, procedures, spec: dict) -> None:
    procedure = next(p for p, _kind, _weight in procedures if p.slug == spec["procedure"])
    Mailbox.objects.create(
        organization=organization,
        address=spec["address"],
        procedure=procedure,
        answers=spec["answers"],
        inbound_secret_hash=secret_hash(spec["secret"]),
    )


def _load_open311(organization, spec) -> None:
    """The demo's Open311 client and the procedures it sees as services."""
    create_api_client(
        organization=organization,
        actor=None,
        can_read=True,
        can_write=True,
        all_services=True,
        **spec["client"],
    )
    for slug, options in spec["services"].items():
        procedure = Procedure.objects.get(organization=organization, slug=slug)
        Open311Service.objects.create(procedure=procedure, **options)


def _make_demo_citizen_cases(context: Context, procedures) -> None:
    """The requests that the printed citizen login is promised in this commune (the drawn ones
    may give her none): each (procedure slug, days ago, outcome), filed on the web."""
    account = context.citizens[0]
    person = Person(
        account.first_name, account.last_name, account.email, account.phone, account=account
    )
    kinds = {procedure.slug: (procedure, kind) for procedure, kind, _weight in procedures}
    for slug, days_ago, outcome in context.spec.get("demo_citizen_cases", []):
        procedure, kind = kinds[slug]
        submitted_at = context.now - datetime.timedelta(days=days_ago, hours=3)
        _make_case(
            context, procedure, kind, submitted_at, Channel.WEB, person=person, outcome=outcome
        )


def _make_mandate(context: Context, spec: dict, password: str) -> None:
    """The printed citizen's son holds her mandate for every procedure of this commune, and
    wrote on her latest open request for her: through the domain actions, so that the journal
    reads "par Paul Lefèvre pour Marie Lefèvre" and her space shows what he did."""
    citizen = context.citizens[0]
    email, first_name, last_name = data.RELATIVE
    helper = _account(email, password=password, first_name=first_name, last_name=last_name)
    actions.grant_mandate(
        organization=context.organization,
        citizen=citizen,
        helper_email=helper.email,
        all_procedures=True,
        expires_on=timezone.localdate(context.now) + datetime.timedelta(days=365),
    )
    case = (
        Case.objects.open()
        .filter(
            organization=context.organization, citizen=citizen, procedure__slug=spec["procedure"]
        )
        .order_by("-created_at")
        .first()
    )
    if case is not None:
        actions.post_message(
            case=case,
            body=spec["message"],
            from_citizen=True,
            author=helper,
            at=min(context.now, case.created_at + datetime.timedelta(days=1)),
        )


# Labels agents put on cases, and on which: every n-th open case of a procedure whose slug
# holds the word (a fixed choice: the demo is the same at every load).
DEMO_LABELS = [("Élu saisi", "signaler", 5), ("Récurrent", "signaler", 7), ("Urgent", "", 11)]


def _label_cases(organization) -> None:
    for name, word, step in DEMO_LABELS:
        cases = Case.objects.open().filter(
            organization=organization, procedure__slug__contains=word, assignee__isnull=False
        )
        for case in cases.select_related("assignee").order_by("pk")[::step]:
            actions.label_case(case=case, actor=case.assignee, add=[name])


def _load_information(organization, services, author, rng, now) -> None:
    """The places, information pages and questions of guichet/demo/info.py."""
    today = timezone.localdate(now)
    places = {}
    for item in info.PLACES:
        item = dict(item)
        slug, closures = item.pop("slug"), item.pop("closures")
        place = save_place(
            organization=organization,
            services=[services[name] for name in item.pop("services")],
            translations=english.object_translations(item, english.PLACE_TEXTS),
            **item,
        )
        Place.objects.filter(pk=place.pk).update(slug=slug)
        place.slug = slug
        for first, last, reason in closures:
            add_closure(
                place=place,
                first_day=today + datetime.timedelta(days=first),
                last_day=today + datetime.timedelta(days=last),
                reason=reason,
            )
        places[slug] = place
    procedures = {p.slug: p for p in Procedure.objects.filter(organization=organization)}
    pages = {}
    for kind, title, summary, body, themes, events, procs, where, _related in info.PAGES:
        title_en, summary_en, body_en = info.ENGLISH.get(title, ("", "", ""))
        review = today + datetime.timedelta(days=rng.randint(60, 330))
        if title in info.DUE_FOR_REVIEW:
            review = today - datetime.timedelta(days=rng.randint(3, 40))
        pages[title] = save_info_page(
            organization=organization,
            actor=author,
            kind=kind,
            title=title,
            summary=summary,
            body=body,
            title_en=title_en,
            summary_en=summary_en,
            body_en=body_en,
            themes=themes,
            life_events=events,
            procedures=[procedures[slug] for slug in procs],
            places=[places[slug] for slug in where],
            is_published=True,
            review_at=review,
        )
    for item in info.PAGES:
        title, related = item[1], item[8]
        if related:
            pages[title].related_pages.set([pages[other] for other in related])
    _load_appointments(organization, services, places["hotel-de-ville"], rng, now)
    for page in pages.values():  # what readers said over the year
        InfoPage.objects.filter(pk=page.pk).update(
            helpful_count=rng.randint(3, 60),
            unhelpful_count=rng.randint(0, 8),
            answered_count=rng.randint(0, 25),
        )


def _load_appointments(organization, services, place, rng, now) -> None:
    """The town hall's agendas, about half of their slots booked over the coming weeks."""
    citizens = list(data.CITIZENS)
    for name, service, counters, meeting_types in info.AGENDAS:
        agenda = Agenda.objects.create(
            organization=organization,
            service=services[service],
            place=place,
            name=name,
            min_delay_hours=2,
            max_delay_days=42,
            buffer_minutes=5 if len(counters) == 1 else 0,
            translations=english.object_translations({"name": name}, english.AGENDA_TEXTS),
        )
        for counter in counters:
            Counter.objects.create(agenda=agenda, name=counter)
        for title, minutes, people, documents in meeting_types:
            meeting_type = MeetingType.objects.create(
                agenda=agenda,
                name=title,
                duration_minutes=minutes,
                max_people=people,
                documents=documents,
                one_per_person=False,
                translations=english.object_translations(
                    {"name": title, "documents": documents}, english.MEETING_TYPE_TEXTS
                ),
            )
            today = timezone.localdate(now)
            for slot in free_slots_for(
                meeting_type,
                first_day=today,
                last_day=today + datetime.timedelta(days=28),
                now=now,
            ):
                if rng.random() < 0.4:
                    email, first, last = rng.choice(citizens)
                    with contextlib.suppress(BookingError):  # taken by the other type
                        book_appointment(
                            meeting_type=meeting_type,
                            start=slot.start,
                            name=f"{first} {last}",
                            email=email,
                            people=rng.choice([1, 1, 1, 2, 3]) if people > 1 else 1,
                            notify=False,
                            now=now,
                        )
    _load_wedding_procedure(organization, services)


def _load_wedding_procedure(organization, services) -> None:
    """A procedure whose form books an appointment: the wedding or PACS file is handed in at
    the civil-status desk, at a slot chosen in the form."""
    meeting_type = MeetingType.objects.get(
        agenda__organization=organization, name="Dossier de mariage ou de PACS"
    )
    procedure = Procedure.objects.create(
        organization=organization,
        service=services["etat-civil"],
        title="Préparer son mariage ou son PACS",
        slug="mariage-pacs",
        theme="etat-civil",
        processing_days=10,
        summary="Le dossier se dépose en mairie : choisissez le rendez-vous en ligne.",
        description=(
            "Le dossier de mariage ou de PACS se remet en main propre à l'accueil de l'état "
            "civil, par les deux futurs époux ou partenaires. Dites-nous ce que vous préparez "
            "et choisissez le créneau du dépôt : la liste des pièces vous est envoyée avec la "
            "confirmation du rendez-vous."
        ),
        fields=[
            {
                "id": "union",
                "type": "choice",
                "widget": "radio",
                "label": "Vous préparez",
                "required": True,
                "choices": ["Un mariage", "Un PACS"],
            },
            {
                "id": "ceremonie",
                "type": "date",
                "label": "Date souhaitée (mariage)",
                "condition": {"field": "union", "op": "equals", "value": "Un mariage"},
            },
            {
                "id": "depot",
                "type": "slot",
                "label": "Rendez-vous pour déposer le dossier",
                "required": True,
                "meeting_type": meeting_type.pk,
            },
        ],  # fmt: skip
        workflow=default_workflow(),
    )
    # Every text in English too, frozen with the version (guichet/demo/english.py).
    procedure.translations = english.procedure_translations(procedure)
    procedure.save(update_fields=["translations"])
    publish_procedure(procedure=procedure)


def _apply_tacit_decisions(organization, now) -> None:
    """What the worker did over the year: the tacit decision of every case left unanswered
    past its due date, a few minutes after that date (the sweep runs every five minutes)."""
    late = (
        Case.objects.running()
        .filter(organization=organization, due_at__lt=now - datetime.timedelta(minutes=10))
        .exclude(version__deadline__tacit=None)
        .order_by("due_at")
    )
    for case in late:
        # After the case's last event: the history never shows work on a decided case.
        last = case.events.order_by("-created_at").values_list("created_at", flat=True).first()
        at = max(case.due_at + TACIT_SWEEP, last + datetime.timedelta(minutes=1))
        actions.apply_tacit_decision(case=case, at=min(at, now))


# --- When and how a case arrived ------------------------------------------------------------
def _submission(rng: random.Random, now: datetime.datetime):
    """A date in the last twelve months, busier lately, and the channel it came through."""
    draw = rng.random()
    if draw < 0.08:
        age = rng.uniform(0, 7)
    elif draw < 0.18:
        age = rng.uniform(7, 30)
    else:
        age = rng.uniform(0, 364)
    channel = rng.choices(list(CHANNELS), list(CHANNELS.values()))[0]
    day = timezone.localtime(now - age * DAY).date()
    if channel == Channel.WEB:
        minutes = rng.randint(7 * 60, 23 * 60)  # citizens write in the evening too
    else:
        while day.weekday() >= 5:  # the counter and the switchboard close at the weekend
            day -= DAY
        minutes = rng.randint(8 * 60 + 30, 17 * 60 + 30)
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    moment += datetime.timedelta(minutes=minutes, seconds=rng.randint(0, 59))
    if moment > now - datetime.timedelta(minutes=15):
        moment = now - datetime.timedelta(minutes=rng.randint(15, 600))
    return moment, channel


def _contact(context: Context, channel: str) -> Person:
    rng = context.rng
    if channel == Channel.WEB and rng.random() < 0.6:
        account = rng.choice(context.citizens)
        return Person(
            account.first_name, account.last_name, account.email, account.phone, account=account
        )
    person = Person(rng.choice(data.FIRST_NAMES), rng.choice(data.LAST_NAMES))
    email = (
        f"{ascii_name(person.first_name)}.{ascii_name(person.last_name)}"
        f"@{rng.choice(data.EMAIL_DOMAINS)}"
    )
    if channel in (Channel.WEB, Channel.EMAIL):
        person.email = email
        person.phone = fictional_mobile(rng) if rng.random() < 0.25 else ""
    else:
        person.phone = fictional_mobile(rng) if rng.random() < 0.8 else ""
        person.email = email if not person.phone or rng.random() < 0.4 else ""
    return person


# --- What the citizen answered --------------------------------------------------------------
def _answers(kind: str, rng: random.Random, person: Person, day: datetime.date, spec: dict):
    pick = rng.choice
    if kind == "road":
        category = pick(data.ROAD_CATEGORIES)
        return {
            "categorie": category,
            "description": pick(data.ROAD_DESCRIPTIONS[category]),
            "danger": "yes" if rng.random() < 0.2 else "no",
        }
    if kind == "certificate":
        certificate = rng.choices(data.CERTIFICATE_KINDS, [70, 20, 10])[0]
        relation = rng.choices(data.CERTIFICATE_RELATIONS, [60, 12, 10, 8, 3, 5, 2])[0]
        if certificate == "Acte de décès":
            relation = pick(data.CERTIFICATE_RELATIONS[2:4] + data.CERTIFICATE_RELATIONS[5:6])
        years = {"Acte de naissance": (1945, 2022), "Acte de mariage": (1970, 2024)}
        if certificate == "Acte de décès":
            event = day - rng.randint(20, 3000) * DAY
        else:
            low, high = years[certificate]
            event = datetime.date(rng.randint(low, high), rng.randint(1, 12), rng.randint(1, 28))
            event = min(event, day - DAY)  # an event before the request
        if relation == "La personne concernée":
            last_name, first_names = person.last_name, person.first_name
        else:
            last_name = pick(data.LAST_NAMES)
            first_names = f"{pick(data.FIRST_NAMES)}, {pick(data.FIRST_NAMES)}"
        delivery = pick(data.CERTIFICATE_DELIVERY)
        answers = {
            "acte": certificate,
            "format": rng.choices(data.CERTIFICATE_FORMATS, [30, 45, 15, 10])[0],
            "nom": last_name.upper(),
            "prenoms": first_names,
            "date_evenement": event.isoformat(),
            "lien": relation,
            "exemplaires": str(rng.choices([1, 2, 3], [70, 25, 5])[0]),
            "remise": delivery,
        }
        if delivery == data.CERTIFICATE_DELIVERY[0]:
            answers["adresse_postale"] = (
                f"{person.name}\n{rng.randint(1, 60)} {pick(spec['streets'])[0]}\n"
                f"{spec['postal_code']} {spec['town']}"
            )
        return answers
    if kind == "bulky":
        items = rng.sample(data.BULKY_ITEMS, rng.choices([1, 2, 3], [55, 35, 10])[0])
        details = [pick(data.BULKY_DETAILS[item]) for item in items]
        return {
            "objets": items,
            "detail": ", ".join(details).capitalize() + ".",
            "volume": pick(["0.5", "1", "1.5", "2", "3"]),
            "creneau": pick(data.BULKY_SLOTS),
            "aide": "yes" if rng.random() < 0.12 else "no",
            "telephone": person.phone or fictional_mobile(rng),
        }
    if kind == "room":
        room = pick(data.ROOMS)
        organizer = rng.choices(data.ROOM_ORGANIZERS, [35, 45, 10, 10])[0]
        answers = {
            "salle": room,
            "date_manifestation": (day + rng.randint(20, 120) * DAY).isoformat(),
            "horaires": pick(data.ROOM_HOURS),
            "type_evenement": pick(data.ROOM_EVENTS),
            "participants": str(rng.randint(10, data.ROOM_CAPACITY[room])),
            "organisateur": organizer,
            "materiel": rng.sample(data.ROOM_EQUIPMENT, rng.randint(0, 3)),
            "buvette": "yes" if rng.random() < 0.3 else "no",
        }
        if organizer in data.ROOM_STRUCTURES:
            answers["structure"] = pick(data.ROOM_STRUCTURES[organizer])
        return answers
    if kind == "public_space":
        nature = pick(data.OCCUPATIONS)
        quality = {
            "Terrasse de café ou de restaurant": "Commerçant",
            "Étalage commercial": "Commerçant",
            "Véhicule de déménagement": "Particulier",
        }.get(nature) or pick(data.OCCUPANTS[2:])
        start = day + rng.randint(10, 45) * DAY
        length = rng.randint(90, 180) if quality == "Commerçant" else rng.randint(0, 30)
        answers = {
            "nature": nature,
            "qualite": quality,
            "date_debut": start.isoformat(),
            "date_fin": (start + length * DAY).isoformat(),
            "surface": str(rng.randint(4, 40)),
            "stationnement": "yes" if rng.random() < 0.5 else "no",
            "description": data.PUBLIC_SPACE_DESCRIPTIONS[nature],
        }
        if quality != "Particulier":
            answers["entreprise"] = pick(data.PUBLIC_SPACE_COMPANIES)
        return answers
    if kind == "bar":
        start = day + rng.randint(20, 60) * DAY
        outdoor = rng.random() < 0.5
        answers = {
            "nom_association": pick(data.ASSOCIATIONS)[0],
            "responsable": person.name,
            "nature": pick(data.BAR_EVENTS),
            "date_debut": start.isoformat(),
            "date_fin": (start + rng.randint(0, 2) * DAY).isoformat(),
            "plein_air": "yes" if outdoor else "no",
            "groupe": rng.choices(data.BAR_GROUPS, [30, 70])[0],
            "deja_obtenues": str(rng.randint(0, 3)),
        }
        if rng.random() < 0.6:
            answers["rna"] = f"W{rng.randint(0, 999_999_999):09d}"
        if outdoor:
            street, lat, lng = pick(spec["streets"])
            answers["emplacement"] = {
                "address": f"{street}, {spec['postal_code']} {spec['town']}",
                "lat": round(lat, 6),
                "lng": round(lng, 6),
            }
        else:
            answers["salle"] = pick(data.BAR_PLACES)
        return answers
    if kind == "question":
        topic, question, _answer = pick(data.QUESTIONS)
        by_phone = rng.random() < 0.25
        answers = {
            "sujet": topic,
            "question": question,
            "reponse": data.ANSWER_BY[1 if by_phone else 0],
        }
        if by_phone:
            answers["telephone"] = person.phone or fictional_mobile(rng)
        return answers
    if kind == "association":
        name, domains, presentation = pick(data.ASSOCIATIONS)
        answers = {
            "nom_association": name,
            "domaines": domains,
            "presentation": presentation,
            "email_public": f"contact@{ascii_name(name)[:30].strip('-')}.test",
            "adherents": str(rng.randint(8, 250)),
            "forum": "yes" if rng.random() < 0.7 else "no",
        }
        if rng.random() < 0.7:
            answers["rna"] = f"W{rng.randint(0, 999_999_999):09d}"
        if rng.random() < 0.5:
            answers["telephone_public"] = fictional_mobile(rng)
        return answers
    raise ValueError(kind)


# --- What happened to the case since --------------------------------------------------------
def _outcome(rng: random.Random, age_days: float) -> str:
    for limit, weights in OUTCOMES:
        if age_days < limit:
            return rng.choices(list(weights), list(weights.values()))[0]
    raise AssertionError("unreachable")


def _steps(rng: random.Random, outcome: str, kind: str) -> list[str]:
    """The actions that lead a new case to `outcome`, in order."""
    if outcome == "new":
        return []
    if outcome == "received":
        return ["receive", "take"] if rng.random() < 0.6 else ["receive"]
    if outcome == "duplicate":
        return ["close_duplicate"] if rng.random() < 0.6 else ["receive", "close_duplicate"]
    if kind == "question" or rng.random() < 0.35:
        steps = ["take", "start_now"]
    else:
        steps = ["receive", "take", "start"]
    if rng.random() < 0.35:
        steps.append("note")
    asks = 0.35 if kind in ("certificate", "room", "public_space") else 0.15
    if outcome == "waiting":
        return steps + ["ask"]
    if outcome == "no_answer":
        return steps + ["ask", "close_no_answer"]
    if rng.random() < asks:
        steps += ["ask", "reply"]  # the citizen's answer resumes the case (and its clock)
    if rng.random() < 0.12:
        steps += ["follow_up", "follow_up_answer"]
    if outcome == "in_progress":
        return steps
    if kind == "question" and outcome == "accepted":
        steps.append("answer")
    return steps + ["accept" if outcome == "accepted" else "reject"]


def _times(rng, submitted_at, now, outcome, processing_days, count):
    """`count` increasing moments after `submitted_at`, none in the future."""
    if not count:
        return []
    age = (now - submitted_at) / DAY
    if outcome in CLOSED_OUTCOMES:
        # Most cases close within their deadline, some late.
        span = min(age * 0.95, (processing_days or 15) * rng.uniform(0.15, 1.35))
    elif outcome == "received":
        span = min(age * 0.9, rng.uniform(0.05, 3))
    else:
        span = age * rng.uniform(0.3, 0.9)
    offsets = sorted(rng.uniform(0.02, 1) * span for _ in range(count))
    moments, previous = [], submitted_at
    for offset in offsets:
        moment = _office_hours(submitted_at + offset * DAY)
        if moment <= previous or moment >= now:  # keep the order and the present
            moment = submitted_at + offset * DAY
        moment = max(moment, previous + datetime.timedelta(minutes=1))
        moments.append(min(moment, now - datetime.timedelta(minutes=1)))
        previous = moments[-1]
    return moments


def _office_hours(moment: datetime.datetime) -> datetime.datetime:
    """The same day, squeezed into 8:30–18:00, so that agents seem to work in the daytime."""
    local = timezone.localtime(moment)
    start = local.replace(hour=8, minute=30, second=0, microsecond=0)
    seconds = local.hour * 3600 + local.minute * 60 + local.second
    return start + datetime.timedelta(seconds=seconds * 9.5 / 24)


def _make_case(
    context: Context, procedure, kind, submitted_at, channel, person=None, outcome=None
) -> Case:
    rng = context.rng
    service_agents = context.handlers[procedure.service_id]
    person = person or _contact(context, channel)
    address, latitude, longitude = "", None, None
    if procedure.asks_location:
        address, latitude, longitude = context.address()
        if channel != Channel.WEB or rng.random() < 0.25:
            latitude = longitude = None  # given by phone, or no point on the map
    case = actions.submit_case(
        procedure=procedure,
        data=_answers(kind, rng, person, timezone.localtime(submitted_at).date(), context.spec),
        channel=channel,
        contact_name=person.name,
        contact_email=person.email,
        contact_phone=person.phone,
        citizen=person.account,
        actor=None if channel == Channel.WEB else rng.choice(service_agents),
        address=address,
        latitude=latitude,
        longitude=longitude,
        submitted_at=submitted_at,
    )
    # The routing rules may have sent the case to another service: its agents handle it.
    handler = rng.choice(context.handlers.get(case.service_id) or service_agents)
    age = (context.now - submitted_at) / DAY
    outcome = outcome or _outcome(rng, age)
    if kind == "bar" and age > 16 and outcome in CLOSED_OUTCOMES and rng.random() < 0.2:
        outcome = "received"  # left unanswered: silence will mean consent
    steps = _steps(rng, outcome, kind)
    moments = _times(rng, submitted_at, context.now, outcome, procedure.processing_days, len(steps))
    tacit = bool((procedure.current_version.deadline or {}).get("tacit"))
    running_since = submitted_at  # when the clock last started running
    for step, at in zip(steps, moments, strict=True):
        if tacit and _decided_by_silence(case, at, running_since):
            break  # the worker decided first: nobody acted on the case after that
        _apply(context, case, kind, step, at, handler, person)
        if step == "reply":  # the citizen's answer started the clock again
            running_since = at
    return case


def _decided_by_silence(case: Case, at: datetime.datetime, running_since) -> bool:
    """Whether the worker applied the case's tacit decision before `at`, and if so applies it
    as it did: its sweep decides a running case minutes after its due date (or after the
    clock resumed past it), so no agent could still take, ask or accept the case later.
    Paused cases are left alone; the due date is read again, resuming a case moves it."""
    case.refresh_from_db(fields=["due_at"])
    if case.due_at is None:
        return False
    decided_at = max(case.due_at, running_since) + TACIT_SWEEP
    if at <= decided_at:
        return False
    return actions.apply_tacit_decision(case=case, at=decided_at) is not None


def _apply(context, case, kind, step, at, handler, person) -> None:
    rng = context.rng
    pick = rng.choice

    def move(transition, comment=""):
        actions.transition_case(
            case=case, transition=transition, actor=handler, comment=comment, at=at
        )

    if step in ("receive", "start", "start_now"):
        move(step)
    elif step == "take":
        assigner = pick(context.supervisors.get(case.service_id) or [handler])
        actions.assign_case(case=case, assignee=handler, actor=assigner, at=at)
    elif step == "note":
        actions.add_internal_note(case=case, body=pick(data.NOTES[kind]), actor=handler, at=at)
    elif step == "ask":
        move("ask", pick(data.ASK[kind]))
    elif step == "reply":
        actions.post_message(
            case=case,
            body=pick(data.REPLIES[kind]),
            from_citizen=True,
            author=person.account,
            at=at,
        )
    elif step == "follow_up":
        actions.post_message(
            case=case,
            body=pick(data.FOLLOW_UP_QUESTIONS),
            from_citizen=True,
            author=person.account,
            at=at,
        )
    elif step == "follow_up_answer":
        actions.post_message(
            case=case, body=pick(data.FOLLOW_UP_ANSWERS), from_citizen=False, author=handler, at=at
        )
    elif step == "answer":
        question = case.data["question"]
        answer = next(a for _topic, q, a in data.QUESTIONS if q == question)
        actions.post_message(case=case, body=answer, from_citizen=False, author=handler, at=at)
    elif step == "accept":
        move("accept", pick(data.ACCEPTED[kind]))
    elif step == "reject":
        move("reject", pick(data.REJECTED[kind]))
    elif step == "close_duplicate":
        move("close", pick(data.CLOSED_DUPLICATE))
    elif step == "close_no_answer":
        move("close", pick(data.CLOSED_NO_ANSWER))
    else:
        raise ValueError(step)
