"""Appointments: agendas of a service at a place, the kinds of meeting they offer, the
counters (or agents) that receive, and the appointments booked."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.organization.models import Organization, Place, Service, localized_text


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Agenda(models.Model):
    """What a service offers to book at one of its places: its meeting types and counters,
    how long before a slot one may book it (at least, at most) and the pause between two
    meetings. Slots follow the place's hours and closures and skip public holidays."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="agendas")
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="agendas")
    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="agendas")
    name = models.CharField(_("nom"), max_length=200)
    min_delay_hours = models.PositiveIntegerField(_("délai minimum (heures)"), default=24)
    max_delay_days = models.PositiveIntegerField(_("délai maximum (jours)"), default=60)
    buffer_minutes = models.PositiveIntegerField(_("pause entre deux rendez-vous"), default=0)
    alsace_moselle = models.BooleanField(_("jours fériés d'Alsace-Moselle"), default=False)
    # A deactivated agenda offers no slot (its appointments booked stay): what an agenda
    # with appointments becomes instead of being deleted (appointments/setup.py).
    is_active = models.BooleanField(_("actif"), default=True)
    # {"en": {"name": ...}}: what citizens read in English, the French where a text is
    # missing (Agenda.localized, as Service.translations).
    translations = models.JSONField(_("traductions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("agenda")
        verbose_name_plural = _("agendas")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def localized(self, field: str, language: str | None = None) -> str:
        """`field` in `language` (the active one by default), the French when untranslated."""
        return localized_text(self, field, language)

    @property
    def display_name(self) -> str:
        return self.localized("name")


class MeetingType(models.Model):
    """A kind of meeting (passport, identity card, ...): its length, how many bookings one
    counter takes at once, how many people one booking may bring, the documents to bring."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="meeting_types")
    name = models.CharField(_("nom"), max_length=200)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), default=15)
    capacity = models.PositiveIntegerField(_("rendez-vous simultanés par guichet"), default=1)
    max_people = models.PositiveIntegerField(_("personnes par rendez-vous"), default=1)
    documents = models.TextField(_("documents à apporter"), blank=True)
    one_per_person = models.BooleanField(
        _("un seul rendez-vous à venir par personne"), default=True
    )
    # Deactivated: no longer offered (see Agenda.is_active).
    is_active = models.BooleanField(_("actif"), default=True)
    # {"en": {"name": ..., "documents": ...}} (see Agenda.translations).
    translations = models.JSONField(_("traductions"), default=dict, blank=True)

    class Meta:
        verbose_name = _("type de rendez-vous")
        verbose_name_plural = _("types de rendez-vous")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def localized(self, field: str, language: str | None = None) -> str:
        """`field` in `language` (the active one by default), the French when untranslated."""
        return localized_text(self, field, language)

    @property
    def display_name(self) -> str:
        return self.localized("name")

    @property
    def display_documents(self) -> str:
        return self.localized("documents")


class Counter(models.Model):
    """A counter or an agent that receives: its own weekly hours (lib/hours format; empty:
    the place's), always within the place's."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="counters")
    name = models.CharField(_("nom"), max_length=200)
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counters",
    )
    hours = models.JSONField(_("horaires"), default=dict, blank=True)
    # Deactivated: receives no new booking (see Agenda.is_active).
    is_active = models.BooleanField(_("actif"), default=True)

    class Meta:
        verbose_name = _("guichet")
        verbose_name_plural = _("guichets")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Status(models.TextChoices):
    BOOKED = "booked", _("Réservé")
    CHECKED_IN = "checked_in", _("Arrivé")
    NO_SHOW = "no_show", _("Absent")
    CANCELLED = "cancelled", _("Annulé")


class AppointmentQuerySet(models.QuerySet):
    def active(self):
        return self.exclude(status=Status.CANCELLED)


class Appointment(models.Model):
    """A meeting booked at a counter. `seat` numbers the bookings that share one slot of one
    counter (its capacity): the unique constraint on (counter, start, seat) makes the
    database refuse a second booking of the last place, whatever the race."""

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="appointments"
    )
    meeting_type = models.ForeignKey(
        MeetingType, on_delete=models.CASCADE, related_name="appointments"
    )
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="appointments")
    start = models.DateTimeField(_("début"))
    end = models.DateTimeField(_("fin"))
    seat = models.PositiveIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.BOOKED)
    name = models.CharField(_("nom"), max_length=200)
    # Empty for a walk-in who gave none.
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    # Asked on the booking form: the notices go by SMS to `phone` too (a mobile's).
    sms_opt_in = models.BooleanField(_("aussi par SMS"), default=False)
    people = models.PositiveIntegerField(_("nombre de personnes"), default=1)
    # The language the person booked in (as Case.language): their e-mails and SMS speak it.
    language = models.CharField(_("langue"), max_length=8, default="fr")
    citizen = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )
    # The secret of the link that moves or cancels it.
    token = models.CharField(max_length=64, unique=True, default=new_token)
    created_at = models.DateTimeField(default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # The iCalendar SEQUENCE: raised at each move or cancellation, so that calendars replace
    # the event they hold under the same UID.
    sequence = models.PositiveIntegerField(default=0)
    # Entered at the counter when the person came without booking.
    walk_in = models.BooleanField(_("sans rendez-vous"), default=False)
    # The request it was booked with, by the "choose a slot" step of a procedure's form.
    case = models.ForeignKey(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appointments",
    )

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendez-vous")
        verbose_name_plural = _("rendez-vous")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["counter", "start", "seat"],
                condition=~Q(status="cancelled"),
                name="one_booking_per_counter_slot_seat",
            )
        ]
        indexes = [models.Index(fields=["counter", "start"], name="appointment_counter_start")]

    def __str__(self):
        return f"{self.name}: {self.start:%Y-%m-%d %H:%M}"


class AgendaClosure(models.Model):
    """A day closed exceptionally, for a whole agenda or one counter (an agent away, a
    counter out of order): no slot that day; the appointments booked were cancelled and
    their citizens told."""

    agenda = models.ForeignKey(Agenda, on_delete=models.CASCADE, related_name="closures")
    counter = models.ForeignKey(
        Counter, on_delete=models.CASCADE, null=True, blank=True, related_name="closures"
    )
    day = models.DateField(_("jour"))
    reason = models.CharField(_("motif"), max_length=300, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("fermeture exceptionnelle")
        verbose_name_plural = _("fermetures exceptionnelles")
        ordering = ["day"]
        indexes = [models.Index(fields=["agenda", "day"], name="agenda_closure_day")]

    def __str__(self):
        return f"{self.agenda}: {self.day}"


class WaitingStatus(models.TextChoices):
    WAITING = "waiting", _("En attente")
    BOOKED = "booked", _("Rendez-vous pris")
    WITHDRAWN = "withdrawn", _("Retiré")


class WaitingListEntry(models.Model):
    """Someone waiting for a meeting type with nothing free: offered, in the order they came,
    the slots that free up between the dates they accept."""

    meeting_type = models.ForeignKey(
        MeetingType, on_delete=models.CASCADE, related_name="waiting_list"
    )
    name = models.CharField(_("nom"), max_length=200)
    email = models.EmailField(_("e-mail"))
    phone = models.CharField(_("téléphone"), max_length=32, blank=True)
    # The offer goes by SMS to `phone` too; the appointment booked from it keeps the choice.
    sms_opt_in = models.BooleanField(_("aussi par SMS"), default=False)
    # The language they joined in: the offers speak it, and the appointment booked keeps it.
    language = models.CharField(_("langue"), max_length=8, default="fr")
    first_day = models.DateField(_("à partir du"))
    last_day = models.DateField(_("jusqu'au"))
    status = models.CharField(
        max_length=16, choices=WaitingStatus.choices, default=WaitingStatus.WAITING
    )
    created_at = models.DateTimeField(default=timezone.now)
    # The secret of the link that withdraws from the list.
    token = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        verbose_name = _("inscription sur liste d'attente")
        verbose_name_plural = _("inscriptions sur liste d'attente")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["meeting_type", "status", "created_at"], name="waiting_in_line")
        ]

    def __str__(self):
        return f"{self.name} ({self.meeting_type})"


class OfferStatus(models.TextChoices):
    PENDING = "pending", _("Proposé")
    ACCEPTED = "accepted", _("Accepté")
    EXPIRED = "expired", _("Expiré")


class WaitingOffer(models.Model):
    """A freed slot offered to one person of the waiting list, held for them until
    `expires_at`: the slot is nobody else's meanwhile; past it, the next in line. One offer
    of one slot per person (unique), made with its e-mail in one transaction."""

    entry = models.ForeignKey(WaitingListEntry, on_delete=models.CASCADE, related_name="offers")
    counter = models.ForeignKey(Counter, on_delete=models.CASCADE, related_name="offers")
    start = models.DateTimeField()
    end = models.DateTimeField()
    expires_at = models.DateTimeField()
    status = models.CharField(
        max_length=16, choices=OfferStatus.choices, default=OfferStatus.PENDING
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "start"], name="one_offer_per_entry_slot")
        ]
        indexes = [models.Index(fields=["status", "expires_at"], name="waiting_offer_pending")]

    def __str__(self):
        return f"{self.entry}: {self.start:%Y-%m-%d %H:%M}"


class CalendarFeed(models.Model):
    """The secret address of an iCalendar feed: one counter's appointments, or one agent's
    (every counter they hold). A new token makes the old address answer 404."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    counter = models.OneToOneField(
        Counter, on_delete=models.CASCADE, null=True, blank=True, related_name="feed"
    )
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="calendar_feeds",
    )
    token = models.CharField(max_length=64, unique=True, default=new_token)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "agent"],
                condition=Q(agent__isnull=False),
                name="one_feed_per_agent_and_organization",
            )
        ]

    def __str__(self):
        return f"feed {self.counter or self.agent}"
