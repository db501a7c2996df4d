"""The text messages about an appointment, for the people who ticked "Recevoir aussi un SMS"
with a mobile number: booked, moved, cancelled, cancelled because the day was closed, the
reminder the day before, and a freed slot offered to the waiting list.

Each is a short notice through notify's SMS outbox (OutgoingSMS, retried by the worker
until the gateway takes it): the meeting type, the day and time in Europe/Paris, the place
and the link to act on it, never the person's name or anything else about them. Written in
the GSM alphabet (notify.sms.gsm_text) and, where the link leaves room, within one SMS of
160 characters: the organization's name goes first when it fits, the long date gives way
to a short one when it does not."""

from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from guichet.lib.phone import can_receive_sms
from guichet.notify.models import OutgoingSMS
from guichet.notify.sms import GSM_SINGLE, MAX_LENGTH, gsm_text, sms_enabled, sms_size


def wants_sms(*, sms_opt_in: bool, phone: str) -> bool:
    """Whether notices go by SMS: asked for, to a mobile's number, with SMS on."""
    return bool(sms_opt_in and phone and sms_enabled() and can_receive_sms(phone))


def _when(start, *, short: bool) -> str:
    local = timezone.localtime(start)
    return _("%(day)s à %(time)s") % {
        "day": date_format(local, "d/m" if short else "l j F"),
        "time": date_format(local, "H:i"),
    }


def _sentence(kind: str) -> str:
    return {
        "booked": _("RDV %(what)s confirmé le %(when)s, %(place)s. Déplacer ou annuler : %(url)s"),
        "moved": _("RDV %(what)s déplacé au %(when)s, %(place)s. Déplacer ou annuler : %(url)s"),
        "cancelled": _("RDV %(what)s du %(when)s, %(place)s : annulé. Reprendre RDV : %(url)s"),
        "closed": _(
            "Fermeture exceptionnelle : RDV %(what)s du %(when)s, %(place)s annulé. "
            "Reprendre RDV : %(url)s"
        ),
        "reminder": _(
            "Rappel : RDV %(what)s demain, %(when)s, %(place)s. Déplacer ou annuler : %(url)s"
        ),
        "offer": _(
            "Liste d'attente : RDV %(what)s libre le %(when)s, %(place)s, gardé pour vous "
            "jusqu'à %(until)s. Le prendre : %(url)s"
        ),
    }[kind]


def compose(kind: str, *, organization, meeting_type, place, start, url: str, until=None) -> str:
    """The notice, as short as it must be to fit one SMS when it can, in the active language
    (the meeting type's and place's names too)."""
    values = {
        "what": meeting_type.display_name,
        "place": place.display_name,
        "url": url,
        "until": date_format(timezone.localtime(until), "H:i") if until else "",
    }
    variants = []
    for short in (False, True):
        text = _sentence(kind) % {**values, "when": _when(start, short=short)}
        if not short:
            variants.append(f"{organization.name} : {text}")
        variants.append(text)
    variants = [gsm_text(" ".join(text.split())) for text in variants]
    for text in variants:
        if sms_size(text)[0] <= GSM_SINGLE:
            return text
    return variants[-1][:MAX_LENGTH]


def _send(organization, to: str, text: str) -> OutgoingSMS:
    from guichet.notify.tasks import send_sms

    sms = OutgoingSMS.objects.create(to=to, body=text, organization=organization)
    transaction.on_commit(lambda: send_sms.enqueue(sms.pk))
    return sms


def queue_sms(appointment, kind: str, *, language: str | None = None) -> OutgoingSMS | None:
    """The notice of `kind` (emails.KINDS) about `appointment`, when its person chose SMS, in
    `language` (by default the one they booked in)."""
    language = language or appointment.language
    if not wants_sms(sms_opt_in=appointment.sms_opt_in, phone=appointment.phone):
        return None
    organization = appointment.organization
    meeting_type = appointment.meeting_type
    with translation.override(language or "fr"), timezone.override("Europe/Paris"):
        if kind in ("cancelled", "closed"):
            path = reverse("portal:appointment_week", args=[meeting_type.pk])
        else:
            path = reverse("portal:appointment_short", args=[appointment.token])
        text = compose(
            kind,
            organization=organization,
            meeting_type=meeting_type,
            place=meeting_type.agenda.place,
            start=appointment.start,
            url=organization.absolute_url(path),
        )
    return _send(organization, appointment.phone, text)


def queue_offer_sms(offer, *, link: str, language: str | None = None) -> OutgoingSMS | None:
    """The slot freed, offered by SMS too to one person of the waiting list who chose it."""
    entry = offer.entry
    language = language or entry.language
    if not wants_sms(sms_opt_in=entry.sms_opt_in, phone=entry.phone):
        return None
    meeting_type = entry.meeting_type
    organization = meeting_type.agenda.organization
    with translation.override(language or "fr"), timezone.override("Europe/Paris"):
        text = compose(
            "offer",
            organization=organization,
            meeting_type=meeting_type,
            place=meeting_type.agenda.place,
            start=offer.start,
            until=offer.expires_at,
            url=organization.absolute_url(link),
        )
    return _send(organization, entry.phone, text)
