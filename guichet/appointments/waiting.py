"""The waiting list: when nothing is free for a meeting type, people wait in line for the
days they accept; a place that frees up is offered to the first of them by e-mail (and by
SMS, if they chose it), held for them `GUICHET_WAITING_OFFER_HOURS`, then offered to the
next one if not taken.

Each offer is made with its e-mail in one transaction, under the agenda's lock, and an offer
of one slot to one person is unique: a worker that runs twice offers nothing twice."""

import datetime

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .actions import BookingError, book_appointment, lock_agenda, person_language
from .availability import free_slots_for
from .emails import queue_offer_email
from .models import (
    MeetingType,
    OfferStatus,
    WaitingListEntry,
    WaitingOffer,
    WaitingStatus,
)
from .texts import queue_offer_sms

SALT = "guichet.appointments.offer"
MAX_WAITING_PER_TYPE = 500


def offer_hours() -> int:
    return getattr(settings, "GUICHET_WAITING_OFFER_HOURS", 2)


def offer_link(offer: WaitingOffer) -> str:
    """The offer's address, signed: good for the offer's lifetime only."""
    return reverse("portal:waiting_offer", args=[signing.dumps(offer.pk, salt=SALT)])


def offer_from_link(signed: str) -> WaitingOffer | None:
    """The offer behind a signed link still valid, or None (forged, or too old)."""
    try:
        pk = signing.loads(signed, salt=SALT, max_age=datetime.timedelta(hours=offer_hours()))
    except signing.BadSignature:
        return None
    return (
        WaitingOffer.objects.filter(pk=pk)
        .select_related("entry__meeting_type__agenda__place", "counter")
        .first()
    )


@transaction.atomic
def join_waiting_list(
    *,
    meeting_type: MeetingType,
    name: str,
    email: str,
    phone: str = "",
    sms_opt_in: bool = False,
    first_day: datetime.date,
    last_day: datetime.date,
    language: str = "fr",
) -> WaitingListEntry:
    """Puts someone in line for this meeting type between two days (both included);
    `sms_opt_in`: the offers go by SMS to `phone` too; `language`: the one the offers speak."""
    today = timezone.localdate()
    if last_day < first_day:
        raise BookingError(_("La date de fin doit suivre la date de début."))
    if last_day < today:
        raise BookingError(_("Ces dates sont passées."))
    if WaitingListEntry.objects.filter(
        meeting_type=meeting_type, email__iexact=email, status=WaitingStatus.WAITING
    ).exists():
        raise BookingError(_("Vous êtes déjà sur la liste d'attente de ce rendez-vous."))
    return WaitingListEntry.objects.create(
        meeting_type=meeting_type,
        name=name,
        email=email,
        phone=phone,
        sms_opt_in=sms_opt_in,
        first_day=max(first_day, today),
        last_day=last_day,
        language=person_language(language),
    )


@transaction.atomic
def withdraw_from_waiting_list(*, entry: WaitingListEntry) -> None:
    if entry.status == WaitingStatus.WAITING:
        entry.status = WaitingStatus.WITHDRAWN
        entry.save(update_fields=["status"])
        entry.offers.filter(status=OfferStatus.PENDING).update(status=OfferStatus.EXPIRED)


def make_offers(*, meeting_type: MeetingType, now=None) -> list[WaitingOffer]:
    """Offers the free slots to the people waiting, first come first served, one pending
    offer per person; expired offers are closed first, so their slot goes to the next."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    agenda = meeting_type.agenda
    made = []
    with transaction.atomic():
        lock_agenda(agenda)
        WaitingOffer.objects.filter(
            entry__meeting_type=meeting_type, status=OfferStatus.PENDING, expires_at__lte=now
        ).update(status=OfferStatus.EXPIRED)
        entries = list(
            WaitingListEntry.objects.filter(
                meeting_type=meeting_type, status=WaitingStatus.WAITING, last_day__gte=today
            )
            .exclude(offers__status=OfferStatus.PENDING)
            .order_by("created_at", "pk")[:MAX_WAITING_PER_TYPE]
        )
        if not entries:
            return made
        offered = set(
            WaitingOffer.objects.filter(entry__in=entries).values_list("entry_id", "start")
        )
        slots = free_slots_for(
            meeting_type,
            first_day=max(today, min(entry.first_day for entry in entries)),
            last_day=min(
                max(entry.last_day for entry in entries),
                today + datetime.timedelta(days=agenda.max_delay_days + 1),
            ),
            now=now,
        )
        taken = set()
        for entry in entries:
            for slot in slots:
                key = (slot.counter_id, slot.start)
                day = timezone.localdate(slot.start)
                if (
                    key in taken
                    or (entry.pk, slot.start) in offered
                    or not entry.first_day <= day <= entry.last_day
                ):
                    continue
                offer = WaitingOffer.objects.create(
                    entry=entry,
                    counter_id=slot.counter_id,
                    start=slot.start,
                    end=slot.end,
                    expires_at=min(now + datetime.timedelta(hours=offer_hours()), slot.start),
                    created_at=now,
                )
                link = offer_link(offer)
                queue_offer_email(offer, link=link)
                queue_offer_sms(offer, link=link)
                taken.add(key)
                made.append(offer)
                break
    return made


def make_all_offers(*, now=None) -> int:
    """The periodic sweep: every meeting type with people waiting (new places, added
    capacity, expired offers)."""
    types = MeetingType.objects.filter(waiting_list__status=WaitingStatus.WAITING).distinct()
    return sum(
        len(make_offers(meeting_type=meeting_type, now=now))
        for meeting_type in types.select_related("agenda__place")
    )


def accept_offer(*, offer: WaitingOffer, now=None):
    """Books the slot held for this person; BookingError when the offer expired or was
    taken already."""
    now = now or timezone.now()
    entry = offer.entry
    with transaction.atomic():
        lock_agenda(entry.meeting_type.agenda)
        offer.refresh_from_db()
        if offer.status != OfferStatus.PENDING or offer.expires_at <= now:
            raise BookingError(
                _("Cette proposition n'est plus valable. Choisissez un autre créneau.")
            )
        appointment = book_appointment(
            meeting_type=entry.meeting_type,
            start=offer.start,
            name=entry.name,
            email=entry.email,
            phone=entry.phone,
            sms_opt_in=entry.sms_opt_in,
            now=now,
            offer=offer,
            language=entry.language,
        )
        offer.status = OfferStatus.ACCEPTED
        offer.save(update_fields=["status"])
        entry.status = WaitingStatus.BOOKED
        entry.save(update_fields=["status"])
    return appointment
