"""Places where the public is received: writing them (administrators), and what the portal
and the e-mails say of them (open now, upcoming closures)."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _

from guichet.lib.hours import HoursError, format_day, next_opening, status_at, validate_week
from guichet.lib.text import free_slug

from .models import Place, PlaceClosure

PLACE_FIELDS = (
    "name",
    "address",
    "phone",
    "email",
    "latitude",
    "longitude",
    "hours",
    "hours_note",
    "translations",  # {"en": {"name": ..., "hours_note": ..., "address": ...}}
)
CLOSURES_AHEAD_DAYS = 60


def _place_errors(organization, values, services) -> dict:
    errors = {}
    if not (values.get("name") or "").strip():
        errors["name"] = [_("Indiquez le nom du lieu.")]
    latitude, longitude = values.get("latitude"), values.get("longitude")
    if (latitude is None) != (longitude is None):
        errors["latitude"] = [_("Indiquez la latitude et la longitude, ou ni l'une ni l'autre.")]
    elif latitude is not None and not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        errors["latitude"] = [_("Position hors de la carte.")]
    try:
        values["hours"] = validate_week(values.get("hours") or {})
    except HoursError as error:
        errors["hours"] = [_("Horaires illisibles : « %(text)s ».") % {"text": error}]
    if any(service.organization_id != organization.pk for service in services):
        errors["services"] = [_("Choisissez des services de l'organisation.")]
    return errors


@transaction.atomic
def save_place(*, organization, place: Place | None = None, services=(), **values) -> Place:
    """Creates (place=None) or updates a place; ValidationError keyed by field."""
    unknown = set(values) - set(PLACE_FIELDS)
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    services = list(services)
    if place is not None:
        place = Place.objects.select_for_update().get(pk=place.pk, organization=organization)
        merged = {name: getattr(place, name) for name in PLACE_FIELDS}
    else:
        merged = {}
    merged.update(values)
    errors = _place_errors(organization, merged, services)
    if errors:
        raise ValidationError(errors)
    if place is None:
        base = slugify(merged["name"])[:90] or "lieu"
        taken = Place.objects.filter(organization=organization, slug__startswith=base)
        slug = free_slug(base, set(taken.values_list("slug", flat=True)))
        place = Place(organization=organization, slug=slug)
    for name in PLACE_FIELDS:
        value = merged.get(name)
        if isinstance(value, str):
            value = value.strip()
        if name == "translations":
            value = value if isinstance(value, dict) else {}
        setattr(
            place, name, "" if value is None and name not in ("latitude", "longitude") else value
        )
    place.full_clean(exclude=["organization", "services"])
    place.save()
    place.services.set(services)
    return place


@transaction.atomic
def add_closure(*, place: Place, first_day, last_day, reason: str = "") -> PlaceClosure:
    if last_day < first_day:
        raise ValidationError({"last_day": [_("Le dernier jour doit suivre le premier.")]})
    return PlaceClosure.objects.create(
        place=place, first_day=first_day, last_day=last_day, reason=(reason or "").strip()
    )


def _closure_spans(place):
    return [(c.first_day, c.last_day) for c in place.closures.all()]


def upcoming_closures(place, today=None, days=CLOSURES_AHEAD_DAYS):
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=days)
    return [c for c in place.closures.all() if c.last_day >= today and c.first_day <= horizon]


def _when(day: datetime.date, time: str, today: datetime.date) -> str:
    """ "demain à 08:30", "lundi à 09:00" within the week, "le 14 décembre à 08:30" after."""
    if day == today + datetime.timedelta(days=1):
        return _("demain à %(time)s") % {"time": time}
    if day < today + datetime.timedelta(days=7):
        return _("%(day)s à %(time)s") % {"day": date_format(day, "l"), "time": time}
    return _("le %(date)s à %(time)s") % {"date": date_format(day, "j F"), "time": time}


def status_text(place, now=None) -> tuple[bool, str]:
    """(open now?, what to say): "Ouvert jusqu'à 12:00", "Fermé, ouvre à 13:30",
    "Fermé, ouvre demain à 08:30", "Fermé aujourd'hui (fermeture exceptionnelle), ouvre
    lundi à 09:00", "Fermé pour aujourd'hui" (when nothing opens in the weeks ahead)."""
    now = timezone.localtime(now)
    spans = _closure_spans(place)
    moment = now.replace(tzinfo=None)
    week = place.hours or {}
    is_open, change = status_at(week, spans, moment)
    if is_open:
        return True, _("Ouvert jusqu'à %(time)s") % {"time": change}
    if change:
        return False, _("Fermé, ouvre à %(time)s") % {"time": change}
    following = next_opening(week, spans, moment)
    if any(first <= now.date() <= last for first, last in spans):
        if following is None:
            return False, _("Fermé aujourd'hui (fermeture exceptionnelle)")
        return False, _("Fermé aujourd'hui (fermeture exceptionnelle), ouvre %(when)s") % {
            "when": _when(*following, now.date())
        }
    if following is None:
        return False, _("Fermé pour aujourd'hui")
    return False, _("Fermé, ouvre %(when)s") % {"when": _when(*following, now.date())}


def week_lines(place) -> list[tuple[str, str]]:
    """(day, "08:30–12:00, 13:30–17:00" or "Fermé") from Monday to Sunday."""
    return [(day, format_day(ranges) or _("Fermé")) for day, ranges in place.week()]


def place_cards(places, now=None) -> list[dict]:
    """What a page shows of each place (closures prefetched: `prefetch_related("closures")`)."""
    cards = []
    for place in places:
        is_open, text = status_text(place, now)
        cards.append(
            {
                "place": place,
                "open": is_open,
                "status": text,
                "closures": upcoming_closures(place, timezone.localdate(now)),
            }
        )
    return cards
