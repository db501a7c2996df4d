"""Demands handled by other systems, in the citizen's one timeline.

The family portal, the civil-status software or a national procedure push, through the REST
API, the demands they handle for a citizen and each change of their status (one of the
generic statuses of ExternalStatus, with the system's own label). The citizen sees them in
their space beside their cases and is told of each change by their chosen channel; agents
see them in the citizen's record.

These are the only functions that write ExternalDemand and its journal
(ExternalDemandUpdate): `@domain_action`s, as in cases/actions.py.
"""

import datetime
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_tasks import task

from guichet.organization.models import ApiClient, Service

from .actions import domain_action
from .models import ExternalDemand, ExternalDemandUpdate, ExternalStatus
from .tasks import dispatch_suppressed, writing_cases

logger = logging.getLogger(__name__)

MAX_REF_LENGTH = 100
MAX_TITLE_LENGTH = 200
MAX_LABEL_LENGTH = 200
MAX_NOTE_LENGTH = 2000
MAX_URL_LENGTH = 500
# Only web addresses: a `javascript:` or `data:` link must never reach the citizen's page.
_web_address = URLValidator(schemes=["https", "http"])


def _printable(text: str) -> bool:
    return all(character.isprintable() for character in text)


def valid_external_ref(ref: str) -> bool:
    """The system's own reference: 1 to 100 printable characters, no surrounding spaces
    (it sits in an address and is compared as sent)."""
    return 0 < len(ref) <= MAX_REF_LENGTH and ref == ref.strip() and _printable(ref)


# --- Who the demand is for -----------------------------------------------------------------


def _oidc_providers() -> list[str]:
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return [app["provider_id"] for app in apps if app.get("provider_id")]


def _verified_account(email: str):
    """The active account whose address this is, once proved (allauth's verified address):
    a demand never goes to someone who merely typed another's address at sign-up."""
    from allauth.account.models import EmailAddress

    address = (
        EmailAddress.objects.filter(email__iexact=email, verified=True, user__is_active=True)
        .select_related("user")
        .first()
    )
    if address is None or address.user.email.lower() != email.lower():
        return None
    return address.user


def find_citizen(*, email: str = "", account_id: int | None = None, franceconnect_sub: str = ""):
    """The citizen's account named by its verified e-mail address, its id, or the subject
    (`sub`) its FranceConnect / OpenID Connect login gave. Every identifier given must name
    the same account. Raises ValidationError (by field, under `citizen.`) otherwise."""
    from allauth.socialaccount.models import SocialAccount

    email, franceconnect_sub = (email or "").strip(), (franceconnect_sub or "").strip()
    if not email and account_id is None and not franceconnect_sub:
        message = _("Indiquez l'usager : son e-mail, son compte ou son sub FranceConnect.")
        raise ValidationError({"citizen": [message]})
    found, errors = {}, {}
    if email:
        found["email"] = _verified_account(email)
    if account_id is not None:
        found["account_id"] = (
            get_user_model().objects.filter(pk=account_id, is_active=True).first()
            if 0 < account_id < 2**63
            else None
        )
    if franceconnect_sub:
        account = (
            SocialAccount.objects.filter(
                uid=franceconnect_sub[:191], provider__in=_oidc_providers(), user__is_active=True
            )
            .select_related("user")
            .first()
        )
        found["franceconnect_sub"] = account.user if account else None
    for field, user in found.items():
        if user is None:
            errors[f"citizen.{field}"] = [_("Aucun compte usager ne correspond.")]
    if errors:
        raise ValidationError(errors)
    users = {user.pk: user for user in found.values()}
    if len(users) > 1:
        raise ValidationError(
            {"citizen": [_("Ces identifiants désignent des comptes usagers différents.")]}
        )
    return next(iter(users.values()))


# --- Writing --------------------------------------------------------------------------------


def _service_for(client: ApiClient, slug: str | None) -> Service | None:
    """The service named, which must be one of the client's; a client limited to a single
    service files under it by default."""
    ids = client.service_ids()
    if not slug:
        if ids is not None and len(ids) == 1:
            return Service.objects.get(pk=next(iter(ids)))
        if ids is not None:
            raise ValidationError(
                {"service": [_("Indiquez le service concerné : ce client en a plusieurs.")]}
            )
        return None
    service = Service.objects.filter(organization_id=client.organization_id, slug=slug).first()
    if service is None or (ids is not None and service.pk not in ids):
        raise ValidationError({"service": [_("Aucun service de ce client ne porte ce nom.")]})
    return service


def _check(*, external_ref, title, status, status_label, url, note) -> dict:
    errors = {}
    if not valid_external_ref(external_ref):
        errors["external_ref"] = [
            _("La référence compte de 1 à %(max)s caractères imprimables.")
            % {"max": MAX_REF_LENGTH}
        ]
    if not title.strip() or len(title) > MAX_TITLE_LENGTH or not _printable(title):
        errors["title"] = [
            _("Donnez un intitulé de 1 à %(max)s caractères.") % {"max": MAX_TITLE_LENGTH}
        ]
    if status not in ExternalStatus.values:
        errors["status"] = [
            _("Statut inconnu : %(statuses)s.") % {"statuses": ", ".join(ExternalStatus.values)}
        ]
    if len(status_label) > MAX_LABEL_LENGTH or not _printable(status_label):
        errors["status_label"] = [
            _("Le libellé compte %(max)s caractères imprimables au plus.")
            % {"max": MAX_LABEL_LENGTH}
        ]
    if len(note) > MAX_NOTE_LENGTH:
        errors["note"] = [
            _("La précision compte %(max)s caractères au plus.") % {"max": MAX_NOTE_LENGTH}
        ]
    try:
        if len(url) > MAX_URL_LENGTH:
            raise ValidationError("too long")
        _web_address(url)
    except ValidationError:
        errors["url"] = [
            _(
                "Donnez l'adresse web (https://…) où l'usager suit sa demande, %(max)s "
                "caractères au plus."
            )
            % {"max": MAX_URL_LENGTH}
        ]
    return errors


def _journal(demand, *, at) -> ExternalDemandUpdate:
    quiet = dispatch_suppressed()
    update = ExternalDemandUpdate.objects.create(
        demand=demand,
        status=demand.status,
        status_label=demand.status_label,
        note=demand.note,
        occurred_at=at,
        dispatched_at=timezone.now() if quiet else None,
    )
    if not quiet:
        transaction.on_commit(lambda: dispatch_external_update.enqueue(update.pk))
    return update


@domain_action
def push_external_demand(
    *,
    client: ApiClient,
    external_ref: str,
    citizen,
    title: str,
    status: str,
    url: str,
    status_label: str = "",
    service: str | None = None,
    note: str = "",
    status_at: datetime.datetime | None = None,
) -> tuple[ExternalDemand, bool, bool]:
    """Creates or updates the demand the client's system knows as `external_ref`.

    Idempotent: the same push again changes nothing and journals nothing. A new status (or
    label) is journaled and the citizen notified; a status older than the demand's current
    one (`status_at`: a retry overtaken by a newer push) is ignored. The title, address and
    service follow the last push. Returns (demand, created, status changed).
    """
    status_label, note = (status_label or "").strip(), (note or "").strip()
    title, url = (title or "").strip(), (url or "").strip()
    errors = _check(
        external_ref=external_ref,
        title=title,
        status=status,
        status_label=status_label,
        url=url,
        note=note,
    )
    if errors:
        raise ValidationError(errors)
    chosen_service = _service_for(client, service)
    now = timezone.now()
    at = status_at or now
    if timezone.is_naive(at):
        at = timezone.make_aware(at)
    # A system whose clock runs ahead must not freeze the demand until its future date.
    at = min(at, now)
    fields = {"title": title, "url": url, "service": chosen_service}
    mine = ExternalDemand.objects.select_for_update().filter(
        api_client=client, external_ref=external_ref
    )
    demand = mine.first()
    if demand is None:
        try:
            with transaction.atomic():
                demand = ExternalDemand.objects.create(
                    organization_id=client.organization_id,
                    api_client=client,
                    external_ref=external_ref,
                    citizen=citizen,
                    status=status,
                    status_label=status_label,
                    note=note,
                    created_at=now,
                    updated_at=now,
                    status_at=at,
                    **fields,
                )
        except IntegrityError:
            demand = mine.first()  # the same demand pushed twice at once: the other made it
            if demand is None:
                raise
        else:
            _journal(demand, at=at)
            return demand, True, True
    if demand.citizen_id != citizen.pk:
        raise ValidationError(
            {"citizen": [_("Cette demande est déjà suivie pour un autre usager.")]}
        )
    changed_fields = [name for name, value in fields.items() if getattr(demand, name) != value]
    for name in changed_fields:
        setattr(demand, name, fields[name])
    wanted = (status, status_label, note)
    # A retry of a push already applied changes nothing; one older than the status we hold
    # (overtaken by a newer push) does not take it back.
    status_changed = (demand.status, demand.status_label, demand.note) != wanted and (
        at >= demand.status_at
    )
    if status_changed:
        demand.status, demand.status_label, demand.note = wanted
        demand.status_at = at
        changed_fields += ["status", "status_label", "note", "status_at"]
    if changed_fields:
        demand.updated_at = now
        demand.save(update_fields=[*changed_fields, "updated_at"])
    if status_changed:
        _journal(demand, at=at)
    return demand, False, status_changed


# --- Reading ---------------------------------------------------------------------------------


def demands_of_citizen(organization, user, *, limit: int = 200) -> list[ExternalDemand]:
    """The citizen's own external demands in this organization, the latest changed first."""
    if not getattr(user, "is_authenticated", False):
        return []
    return list(
        ExternalDemand.objects.filter(organization=organization, citizen=user)
        .select_related("api_client")
        .order_by("-updated_at", "-pk")[:limit]
    )


def demands_for_record(membership, email: str, *, limit: int = 200) -> list[ExternalDemand]:
    """The external demands of the account with this address that a member may see."""
    return list(
        ExternalDemand.objects.visible_to(membership)
        .filter(citizen__email__iexact=email.strip())
        .select_related("api_client", "service", "citizen")
        .order_by("-updated_at", "-pk")[:limit]
    )


def people_with_demands(membership, query: str, *, limit: int = 50) -> list[dict]:
    """The accounts with external demands this member may see, whose address is `query` or
    whose name holds it: rows of the back office's search of people."""
    query = " ".join(query.split())
    condition = Q(citizen__email__iexact=query)
    for word in query.split()[:4]:
        condition |= Q(citizen__first_name__icontains=word) | Q(citizen__last_name__icontains=word)
    rows = (
        ExternalDemand.objects.visible_to(membership)
        .filter(condition)
        .values("citizen__email", "citizen__first_name", "citizen__last_name")
        .annotate(count=Count("pk"))
        .order_by("citizen__email")[:limit]
    )
    return [
        {
            "kind": "email",
            "value": row["citizen__email"].lower(),
            "name": f"{row['citizen__first_name']} {row['citizen__last_name']}".strip(),
            "count": row["count"],
        }
        for row in rows
    ]


# --- Notifying --------------------------------------------------------------------------------


def subscribers():
    return [import_string(path) for path in settings.GUICHET_EXTERNAL_DEMAND_SUBSCRIBERS]


@task()
def dispatch_external_update(update_id: int) -> None:
    """Hands one status of an external demand to every subscriber (the outbox), once."""
    with writing_cases(), transaction.atomic():
        update = (
            ExternalDemandUpdate.objects.select_for_update(of=("self",))
            .select_related(
                "demand", "demand__citizen", "demand__organization", "demand__api_client"
            )
            .filter(pk=update_id, dispatched_at__isnull=True)
            .first()
        )
        if update is None:  # already dispatched, e.g. by the sweep
            return
        for subscriber in subscribers():
            subscriber(update)
        update.dispatched_at = timezone.now()
        update.save(update_fields=["dispatched_at"])


@task()
def dispatch_pending_external_updates() -> int:
    """Catches up on statuses whose dispatch was lost or failed, as for the case journal."""
    cutoff = timezone.now() - datetime.timedelta(minutes=1)
    pending = list(
        ExternalDemandUpdate.objects.filter(dispatched_at__isnull=True, created_at__lt=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )
    dispatched = 0
    for update_id in pending:
        try:
            dispatch_external_update.call(update_id)
        except Exception:  # one faulty update must not hold back the others
            logger.exception("External demand update %s could not be dispatched", update_id)
        else:
            dispatched += 1
    return dispatched
