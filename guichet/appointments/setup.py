"""What administrators do to their appointments' setup from the back office, without the
Django admin: agendas (a service at a place, the delays, the pause), their meeting types and
their counters (or agents) with weekly hours; deactivation, and deletion while nothing was
ever booked.

Each change is checked here, whatever the door (ValidationError keyed by field, with a
message for the person who typed it), and written to the organization's administration log
(`AdminLogEntry`) in the same transaction.
"""

import itertools
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dates import WEEKDAYS  # "lundi" in a French sentence, "Monday" in English
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guichet.catalog.formschema import item_type
from guichet.catalog.models import Procedure
from guichet.lib.hours import RANGE, HoursError, format_day, parse_day, validate_week
from guichet.organization.access import get_membership
from guichet.organization.agents import log_change
from guichet.organization.models import Membership, Role

from .models import (
    Agenda,
    Appointment,
    Counter,
    MeetingType,
    OfferStatus,
    Status,
    WaitingListEntry,
    WaitingOffer,
    WaitingStatus,
)

AGENDA_FIELDS = (
    "name",
    "service",
    "place",
    "min_delay_hours",
    "max_delay_days",
    "buffer_minutes",
    "alsace_moselle",
    "translations",  # {"en": {"name": ...}}
)
MEETING_TYPE_FIELDS = (
    "name",
    "duration_minutes",
    "capacity",
    "max_people",
    "documents",
    "one_per_person",
    "translations",  # {"en": {"name": ..., "documents": ...}}
)
COUNTER_FIELDS = ("name", "agent", "hours")

# The bounds of what one types (the portal's booking form takes at most 20 people).
MAX_DELAY_DAYS = 365
MAX_BUFFER_MINUTES = 240
MAX_DURATION_MINUTES = 8 * 60
MAX_CAPACITY = 50
MAX_PEOPLE = 20
MAX_DOCUMENTS = 2000


def day_names() -> list[str]:
    return [
        _("Lundi"), _("Mardi"), _("Mercredi"), _("Jeudi"), _("Vendredi"), _("Samedi"),
        _("Dimanche"),
    ]  # fmt: skip


def _require_admin(organization, actor) -> None:
    if actor is None:  # commands and tests acting as the system
        return
    membership = get_membership(actor, organization)
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise PermissionDenied(_("Seuls les administrateurs configurent les rendez-vous."))


def _kind(item) -> str:
    return {Agenda: "agenda", MeetingType: "meeting_type", Counter: "counter"}[type(item)]


def _organization(item):
    return item.organization if isinstance(item, Agenda) else item.agenda.organization


def _bounded(errors, values, name, low, high, message) -> None:
    value = values.get(name)
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        errors[name] = [message]


def _changed(item, values) -> list[str]:
    return sorted(name for name in values if getattr(item, name, None) != values[name])


def _name(errors, values, taken, message_missing, message_taken) -> None:
    name = (values.get("name") or "").strip()
    values["name"] = name
    if not name:
        errors["name"] = [message_missing]
    elif len(name) > 200:
        errors["name"] = [_("200 caractères au plus.")]
    elif taken.filter(name__iexact=name).exists():
        errors["name"] = [message_taken]


def _translations(errors, values, limits: dict) -> None:
    """Keeps of `values["translations"]` the texts of `limits` (name -> longest), stripped,
    the blank ones left out (the French shows where a text is missing)."""
    given = values.get("translations")
    cleaned = {}
    for language, texts in given.items() if isinstance(given, dict) else ():
        if language == "fr" or not isinstance(texts, dict):
            continue
        kept = {}
        for name, longest in limits.items():
            text = texts.get(name)
            text = text.strip() if isinstance(text, str) else ""
            if len(text) > longest:
                errors[f"{name}_{language}"] = [_("%(max)s caractères au plus.") % {"max": longest}]
            elif text:
                kept[name] = text
        if kept:
            cleaned[language] = kept
    values["translations"] = cleaned


# --- Reading weekly hours --------------------------------------------------------------------


def read_day(text: str) -> list[list[str]]:
    """One day's hours as typed ("8h30-12h, 13h30-17h"; empty: none) -> ranges in order, or
    HoursError with the reason in words: unreadable, ending before it starts, overlapping."""
    try:
        return parse_day(text)
    except HoursError:
        pass
    ranges = []
    for part in re.split(r"[,;/]| et ", text or ""):
        if not part.strip():
            continue
        try:
            ranges += parse_day(part)
        except HoursError:
            match = RANGE.match(part)
            if match and int(match[3]) * 60 + int(match[4] or 0) <= int(match[1]) * 60 + int(
                match[2] or 0
            ):
                raise HoursError(
                    _("« %(range)s » finit avant de commencer.") % {"range": part.strip()}
                ) from None
            raise HoursError(
                _("« %(range)s » ne se lit pas : écrivez par exemple 8h30-12h, 14h-17h.")
                % {"range": part.strip()}
            ) from None
    ranges.sort()
    for before, after in itertools.pairwise(ranges):
        if after[0] < before[1]:
            raise HoursError(
                _("%(first)s et %(second)s se chevauchent.")
                % {"first": format_day([before]), "second": format_day([after])}
            )
    return ranges


def _minutes(text: str) -> int:
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def _within(ranges, place_ranges) -> bool:
    return all(
        any(
            _minutes(p_start) <= _minutes(start) and _minutes(end) <= _minutes(p_end)
            for p_start, p_end in place_ranges
        )
        for start, end in ranges
    )


def hours_errors(week: dict, place) -> dict[str, list[str]]:
    """What is wrong with a counter's week against its place's hours, by day ("0": Monday):
    a counter receives only while the place is open."""
    place_hours = place.hours if isinstance(place.hours, dict) else {}
    errors = {}
    for day in range(7):
        ranges = week.get(str(day), [])
        place_ranges = place_hours.get(str(day), [])
        if ranges and not _within(ranges, place_ranges):
            errors[str(day)] = [
                _("Le lieu est fermé le %(day)s : aucun créneau n'y serait proposé.")
                % {"day": WEEKDAYS[day]}
                if not place_ranges
                else _("En dehors des horaires du lieu le %(day)s (%(hours)s).")
                % {"day": WEEKDAYS[day], "hours": format_day(place_ranges)}
            ]
    return errors


# --- Agendas ---------------------------------------------------------------------------------


def _upcoming(appointments):
    return appointments.filter(status=Status.BOOKED, start__gt=timezone.now())


def _agenda_errors(organization, agenda, values) -> dict:
    errors = {}
    others = Agenda.objects.filter(organization=organization)
    if agenda is not None:
        others = others.exclude(pk=agenda.pk)
    _name(
        errors,
        values,
        others,
        _("Indiquez le nom de l'agenda."),
        _("Un autre agenda porte déjà ce nom."),
    )
    service, place = values.get("service"), values.get("place")
    if service is None or service.organization_id != organization.pk:
        errors["service"] = [_("Choisissez un service de l'organisation.")]
    if place is None or place.organization_id != organization.pk:
        errors["place"] = [_("Choisissez un lieu d'accueil de l'organisation.")]
    elif agenda is not None and place.pk != agenda.place_id:
        upcoming = _upcoming(Appointment.objects.filter(counter__agenda=agenda)).count()
        if upcoming:
            errors["place"] = [
                ngettext(
                    "Un rendez-vous à venir est pris à %(place)s : le lieu ne change pas tant "
                    "qu'il l'est. Créez plutôt un agenda pour l'autre lieu.",
                    "%(count)s rendez-vous à venir sont pris à %(place)s : le lieu ne change "
                    "pas tant qu'ils le sont. Créez plutôt un agenda pour l'autre lieu.",
                    upcoming,
                )
                % {"count": upcoming, "place": agenda.place.name}
            ]
    _bounded(
        errors,
        values,
        "max_delay_days",
        1,
        MAX_DELAY_DAYS,
        _("Entre 1 et %(max)s jours.") % {"max": MAX_DELAY_DAYS},
    )
    _bounded(
        errors,
        values,
        "min_delay_hours",
        0,
        MAX_DELAY_DAYS * 24,
        _("Un nombre d'heures, 0 ou plus."),
    )
    if not errors.keys() & {"min_delay_hours", "max_delay_days"} and (
        values["min_delay_hours"] >= values["max_delay_days"] * 24
    ):
        errors["min_delay_hours"] = [
            _(
                "Le délai minimum (%(hours)s h) doit être plus court que le délai maximum "
                "(%(days)s jours, soit %(max)s h) : sinon aucun créneau n'est proposé."
            )
            % {
                "hours": values["min_delay_hours"],
                "days": values["max_delay_days"],
                "max": values["max_delay_days"] * 24,
            }
        ]
    _bounded(
        errors,
        values,
        "buffer_minutes",
        0,
        MAX_BUFFER_MINUTES,
        _("Entre 0 et %(max)s minutes.") % {"max": MAX_BUFFER_MINUTES},
    )
    values["alsace_moselle"] = bool(values.get("alsace_moselle"))
    _translations(errors, values, {"name": 200})
    return errors


@transaction.atomic
def save_agenda(*, organization, actor, agenda: Agenda | None = None, **values) -> Agenda:
    """Creates (agenda=None) or updates an agenda; ValidationError keyed by field."""
    unknown = set(values) - set(AGENDA_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _require_admin(organization, actor)
    if agenda is not None:
        agenda = Agenda.objects.select_for_update().get(pk=agenda.pk, organization=organization)
        values = {name: getattr(agenda, name) for name in AGENDA_FIELDS} | values
    errors = _agenda_errors(organization, agenda, values)
    if errors:
        raise ValidationError(errors)
    created = agenda is None
    if created:
        agenda = Agenda(organization=organization)
    changed = _changed(agenda, values)
    for name, value in values.items():
        setattr(agenda, name, value)
    agenda.save()
    log_change(
        organization=organization,
        actor=actor,
        action="agenda_created" if created else "agenda_changed",
        target=agenda.name,
        id=agenda.pk,
        fields=changed,
    )
    return agenda


# --- Meeting types ---------------------------------------------------------------------------


def _meeting_type_errors(agenda, meeting_type, values) -> dict:
    errors = {}
    others = MeetingType.objects.filter(agenda=agenda)
    if meeting_type is not None:
        others = others.exclude(pk=meeting_type.pk)
    _name(
        errors,
        values,
        others,
        _("Indiquez le nom du type de rendez-vous."),
        _("Cet agenda a déjà un type de rendez-vous de ce nom."),
    )
    _bounded(
        errors,
        values,
        "duration_minutes",
        1,
        MAX_DURATION_MINUTES,
        _("Une durée de 1 à %(max)s minutes.") % {"max": MAX_DURATION_MINUTES},
    )
    _bounded(
        errors,
        values,
        "capacity",
        1,
        MAX_CAPACITY,
        _("De 1 à %(max)s rendez-vous à la fois.") % {"max": MAX_CAPACITY},
    )
    _bounded(
        errors,
        values,
        "max_people",
        1,
        MAX_PEOPLE,
        _("De 1 à %(max)s personnes.") % {"max": MAX_PEOPLE},
    )
    values["documents"] = (values.get("documents") or "").strip()
    if len(values["documents"]) > MAX_DOCUMENTS:
        errors["documents"] = [_("%(max)s caractères au plus.") % {"max": MAX_DOCUMENTS}]
    values["one_per_person"] = bool(values.get("one_per_person"))
    _translations(errors, values, {"name": 200, "documents": MAX_DOCUMENTS})
    return errors


def _save_part(model, fields, errors_of, kind, *, agenda, actor, item, values):
    """Creates (item=None) or updates a meeting type or counter of `agenda` under its lock,
    with its administration-log entry (`kind`_created / `kind`_changed)."""
    unknown = set(values) - set(fields)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    _require_admin(agenda.organization, actor)
    if item is not None:
        item = model.objects.select_for_update().get(pk=item.pk, agenda=agenda)
        values = {name: getattr(item, name) for name in fields} | values
    errors = errors_of(agenda, item, values)
    if errors:
        raise ValidationError(errors)
    created = item is None
    if created:
        item = model(agenda=agenda)
    changed = _changed(item, values)
    for name, value in values.items():
        setattr(item, name, value)
    item.save()
    log_change(
        organization=agenda.organization,
        actor=actor,
        action=f"{kind}_created" if created else f"{kind}_changed",
        target=f"{agenda.name} : {item.name}",
        id=item.pk,
        fields=changed,
    )
    return item


@transaction.atomic
def save_meeting_type(
    *, agenda: Agenda, actor, meeting_type: MeetingType | None = None, **values
) -> MeetingType:
    """Creates (meeting_type=None) or updates a meeting type of `agenda`; ValidationError
    keyed by field. The appointments booked keep their times."""
    return _save_part(
        MeetingType, MEETING_TYPE_FIELDS, _meeting_type_errors, "meeting_type",
        agenda=agenda, actor=actor, item=meeting_type, values=values,
    )  # fmt: skip


# --- Counters --------------------------------------------------------------------------------


def counter_agents(agenda):
    """The members who may hold a counter of `agenda`: the active ones who work for its
    service, and the administrators (who see every service)."""
    memberships = Membership.objects.filter(organization_id=agenda.organization_id, is_active=True)
    return memberships.filter(role=Role.ADMINISTRATOR) | memberships.filter(
        services=agenda.service_id
    )


def _counter_errors(agenda, counter, values) -> dict:
    errors = {}
    others = Counter.objects.filter(agenda=agenda)
    if counter is not None:
        others = others.exclude(pk=counter.pk)
    _name(
        errors,
        values,
        others,
        _("Indiquez le nom du guichet ou de l'agent."),
        _("Cet agenda a déjà un guichet de ce nom."),
    )
    agent = values.get("agent")
    if agent is not None and not counter_agents(agenda).filter(user=agent).exists():
        errors["agent"] = [
            _(
                "Choisissez un agent actif du service %(service)s : les autres ne verraient "
                "pas ce guichet dans leur journée."
            )
            % {"service": agenda.service.name}
        ]
    try:
        week = validate_week(values.get("hours") or {})
    except HoursError as error:
        errors["hours"] = [_("Horaires illisibles : « %(text)s ».") % {"text": error}]
    else:
        # No range on any day: the place's hours (an empty dict, what the slots read so).
        values["hours"] = week if any(week.values()) else {}
        for day, messages in hours_errors(values["hours"], agenda.place).items():
            errors[f"hours_{day}"] = messages
    return errors


@transaction.atomic
def save_counter(*, agenda: Agenda, actor, counter: Counter | None = None, **values) -> Counter:
    """Creates (counter=None) or updates a counter of `agenda`; ValidationError keyed by
    field (a day's hours under `hours_<day>`, 0 for Monday). Hours `{}`: the place's."""
    return _save_part(
        Counter, COUNTER_FIELDS, _counter_errors, "counter",
        agenda=agenda, actor=actor, item=counter, values=values,
    )  # fmt: skip


# --- Deactivation and deletion ---------------------------------------------------------------


def _appointments_of(item):
    if isinstance(item, Agenda):
        return Appointment.objects.filter(counter__agenda=item)
    if isinstance(item, MeetingType):
        return Appointment.objects.filter(meeting_type=item)
    return Appointment.objects.filter(counter=item)


def _waiting_of(item):
    """The people waiting for a place there, and the places held for them."""
    if isinstance(item, Agenda):
        entries = WaitingListEntry.objects.filter(meeting_type__agenda=item)
        offers = WaitingOffer.objects.filter(counter__agenda=item)
    elif isinstance(item, MeetingType):
        entries = WaitingListEntry.objects.filter(meeting_type=item)
        offers = WaitingOffer.objects.filter(entry__meeting_type=item)
    else:
        entries = WaitingListEntry.objects.none()
        offers = WaitingOffer.objects.filter(counter=item)
    return (
        entries.filter(status=WaitingStatus.WAITING).count(),
        offers.filter(status=OfferStatus.PENDING, expires_at__gt=timezone.now()).count(),
    )


def usage(item) -> dict:
    """What hangs on an agenda, a meeting type or a counter: its appointments (all, and
    those still to come), the people on the waiting list and the places held for them."""
    appointments = _appointments_of(item)
    waiting, offers = _waiting_of(item)
    return {
        "appointments": appointments.count(),
        "upcoming": _upcoming(appointments).count(),
        "waiting": waiting,
        "offers": offers,
    }


def _type_ids(item) -> set[int]:
    if isinstance(item, MeetingType):
        return {item.pk}
    if isinstance(item, Agenda):
        return set(item.meeting_types.values_list("pk", flat=True))
    return set()


def procedures_offering(item) -> list[str]:
    """The titles of the procedures whose form (draft or published) has a "choose a slot"
    item of this meeting type (or of one of this agenda's)."""
    ids = _type_ids(item)
    if not ids:
        return []
    titles = []
    procedures = Procedure.objects.filter(organization=_organization(item)).select_related(
        "current_version"
    )
    for procedure in procedures.only("title", "fields", "current_version__fields"):
        forms = [procedure.fields]
        if procedure.current_version is not None:
            forms.append(procedure.current_version.fields)
        if any(
            isinstance(field, dict)
            and item_type(field) == "slot"
            and field.get("meeting_type") in ids
            for fields in forms
            if isinstance(fields, list)
            for field in fields
        ):
            titles.append(procedure.title)
    return titles


def deletion_refusal(item, found: dict | None = None) -> str | None:
    """Why `item` cannot be deleted (None: it can): the appointments ever booked there are
    a history that deletion would lose, the waiting list people who wait, and a
    procedure's form that offers its slots would lose them."""
    found = found if found is not None else usage(item)
    if found["appointments"]:
        return ngettext(
            "Un rendez-vous y a été pris : la suppression effacerait son historique. "
            "Désactivez plutôt : plus aucun créneau ne sera proposé, et ce qui est pris reste.",
            "%(count)s rendez-vous y ont été pris : la suppression effacerait leur "
            "historique. Désactivez plutôt : plus aucun créneau ne sera proposé, et ce qui "
            "est pris reste.",
            found["appointments"],
        ) % {"count": found["appointments"]}
    if found["waiting"] or found["offers"]:
        count = found["waiting"] or found["offers"]
        return ngettext(
            "Une personne attend une place sur la liste d'attente : désactivez plutôt.",
            "%(count)s personnes attendent une place sur la liste d'attente : désactivez plutôt.",
            count,
        ) % {"count": count}
    offering = procedures_offering(item)
    if offering:
        return _(
            "Le formulaire de la démarche « %(procedure)s » propose ses créneaux : retirez-en "
            "le choix du créneau, ou désactivez plutôt."
        ) % {"procedure": offering[0]}
    return None


@transaction.atomic
def set_active(*, item, actor, active: bool):
    """Deactivates (no slot offered any more; what is booked stays booked) or reactivates
    an agenda, a meeting type or a counter."""
    organization = _organization(item)
    _require_admin(organization, actor)
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if item.is_active == active:
        return item
    item.is_active = active
    item.save(update_fields=["is_active"])
    kind = _kind(item)
    log_change(
        organization=organization,
        actor=actor,
        action=f"{kind}_{'reactivated' if active else 'deactivated'}",
        target=_target(item),
        id=item.pk,
        upcoming=_upcoming(_appointments_of(item)).count(),
    )
    return item


@transaction.atomic
def delete_item(*, item, actor) -> None:
    """Deletes an agenda (with its meeting types and counters), a meeting type or a counter
    where nothing was ever booked; ValidationError with the reason otherwise."""
    organization = _organization(item)
    _require_admin(organization, actor)
    item = type(item).objects.select_for_update().get(pk=item.pk)
    if isinstance(item, Agenda):
        # Every booking of the agenda goes through these rows: none slips in meanwhile.
        list(Counter.objects.select_for_update().filter(agenda=item))
    refusal = deletion_refusal(item)
    if refusal:
        raise ValidationError(refusal)
    kind, target, pk = _kind(item), _target(item), item.pk
    item.delete()
    log_change(
        organization=organization, actor=actor, action=f"{kind}_deleted", target=target, id=pk
    )


def _target(item) -> str:
    return item.name if isinstance(item, Agenda) else f"{item.agenda.name} : {item.name}"
