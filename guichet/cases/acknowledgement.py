"""The acknowledgement of receipt (*accusé de réception*, CRPA L112-11 to L112-15 and
R112-11-1 to R112-11-4) and the silence rule told to the citizen.

`silence_rule(case)` says, in one sentence, what the citizen's silence-or-ours means for a
case: the pages (procedure, confirmation, tracking, agent's case page) and the PDF all use
it, so that the date they print is the one at which the worker applies the tacit decision
(`actions.apply_tacit_decision` acts at the end of the local day `case.due_at`).

`acknowledgement_letter(case, ...)` is the PDF's content with its mandatory mentions: the
date of receipt; the service handling the request (designation, postal address, e-mail,
phone); for silence meaning acceptance, that fact, its date and the right to a certificate
(L232-3); for silence meaning rejection, that fact, its date and the ways and delays of
appeal; for an incomplete request, the missing pieces, the time given to provide them and
that the deadline runs only from their receipt. A procedure's own wording (its template
`acknowledgement`) comes first; the mandatory mentions always follow.
"""

import datetime
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from guichet.catalog.deadline import ACCEPT, BUSINESS, REJECT, DeadlineRule
from guichet.lib.pdf import Letter, Section

from .deadlines import local_date, rule_of
from .templating import (
    appeal_text,
    document_meta,
    letterhead,
    postal_fields,
    render_admin_template,
    template_variables,
    tracking_url,
)

TEMPLATE_KEY = "acknowledgement"
CERTIFICATE_KEY = "attestation-acceptation-tacite"
DOCUMENT_KEY = "accuse-reception"


@dataclass(frozen=True)
class SilenceRule:
    """What silence means for a case: `decision` is "accept", "reject" or "" (none), `date`
    the day at the end of which it arises (None when undated or while the clock is paused)."""

    decision: str
    date: datetime.date | None
    paused: bool

    @property
    def text(self) -> str:
        date = formats.date_format(self.date, "DATE_FORMAT") if self.date else ""
        if self.decision == ACCEPT:
            if self.paused or not date:
                return _(
                    "Le silence gardé sur cette demande vaudra acceptation. Le délai est "
                    "suspendu dans l'attente des éléments demandés : il court à nouveau à "
                    "leur réception."
                )
            return _(
                "Sans réponse de notre part au %(date)s au soir, votre demande sera réputée "
                "acceptée (le silence vaut accord)."
            ) % {"date": date}
        if self.decision == REJECT:
            if self.paused or not date:
                return _(
                    "Le silence gardé sur cette demande vaudra rejet. Le délai est suspendu "
                    "dans l'attente des éléments demandés : il court à nouveau à leur réception."
                )
            return _(
                "Sans réponse de notre part au %(date)s au soir, votre demande sera réputée "
                "rejetée (le silence vaut rejet)."
            ) % {"date": date}
        return _("Le silence gardé sur cette demande ne vaut ni acceptation ni rejet.")


def silence_rule(case) -> SilenceRule:
    rule = rule_of(case)
    decision = rule.tacit.decision if rule and rule.tacit else ""
    paused = case.deadline_paused_at is not None
    date = local_date(case.due_at) if case.due_at and not paused else None
    return SilenceRule(decision=decision, date=date, paused=paused)


def procedure_silence(procedure) -> str:
    """The silence rule of a procedure, before filing ("" when silence means nothing)."""
    version = procedure.current_version
    rule = DeadlineRule.from_document(version.deadline) if version else None
    if rule is None or rule.tacit is None:
        return ""
    if rule.unit == BUSINESS:
        delay = ngettext("%(count)s jour ouvré", "%(count)s jours ouvrés", rule.days)
    else:
        delay = ngettext("%(count)s jour", "%(count)s jours", rule.days)
    delay = delay % {"count": rule.days}
    if rule.tacit.decision == ACCEPT:
        text = _(
            "Sans réponse de l'administration dans un délai de %(delay)s à compter de la "
            "réception de votre demande complète, celle-ci sera réputée acceptée (le silence "
            "vaut accord)."
        )
    else:
        text = _(
            "Sans réponse de l'administration dans un délai de %(delay)s à compter de la "
            "réception de votre demande complète, celle-ci sera réputée rejetée (le silence "
            "vaut rejet)."
        )
    return text % {"delay": delay}


def acknowledgement_moment(case) -> str:
    """When the case's acknowledgement of receipt is issued: "filing", "complete" or ""."""
    rule = DeadlineRule.from_document(case.version.deadline)
    return rule.acknowledgement if rule else ""


def _service_lines(case) -> list[str]:
    service, organization = case.service, case.organization
    address = " ".join((service.address or organization.address or "").split())
    email = service.email or organization.email
    phone = service.phone or organization.phone
    lines = [_("Service chargé de votre demande : %(name)s") % {"name": service.name}]
    if address:
        lines.append(_("Adresse postale : %(address)s") % {"address": address})
    if email:
        lines.append(_("E-mail : %(email)s") % {"email": email})
    if phone:
        lines.append(_("Téléphone : %(phone)s") % {"phone": phone})
    return lines


def acknowledgement_letter(
    case,
    *,
    at: datetime.datetime,
    missing: str = "",
    answer_by: datetime.date | None = None,
) -> Letter:
    """The acknowledgement of receipt of `case`, issued at `at` (in the active language).
    `missing`, the pieces an agent asks for: the request is then incomplete, to be completed
    by `answer_by`."""
    received = formats.date_format(timezone.localtime(case.created_at).date(), "DATE_FORMAT")
    title = _("Accusé de réception de votre demande %(reference)s") % {"reference": case.reference}
    sections = []
    own = (case.version.templates or {}).get(TEMPLATE_KEY)
    if isinstance(own, dict) and own.get("body"):
        state = case.get_workflow().state(case.state)
        text = render_admin_template(own["body"], template_variables(case, state))
        sections.append(Section("", [b.strip() for b in text.split("\n\n") if b.strip()]))
    sections.append(
        Section(
            _("Votre demande"),
            [
                _(
                    "Nous avons reçu le %(date)s votre demande « %(procedure)s », enregistrée sous "
                    "la référence %(reference)s."
                )
                % {
                    "date": received,
                    "procedure": case.procedure.title,
                    "reference": case.reference,
                },
                *_service_lines(case),
            ],
        )
    )
    rule = silence_rule(case)
    if missing:
        paragraphs = [
            _("Votre demande est incomplète. Pièces ou informations manquantes : %(missing)s")
            % {"missing": " ".join(missing.split())},
        ]
        if answer_by:
            paragraphs.append(
                _("Vous avez jusqu'au %(date)s pour les fournir.")
                % {"date": formats.date_format(answer_by, "DATE_FORMAT")}
            )
        paragraphs.append(
            _(
                "Le délai au terme duquel une décision doit être prise ne court qu'à compter de "
                "la réception de ces pièces et informations."
            )
        )
        sections.append(Section(_("Pièces manquantes"), paragraphs))
    paragraphs = [rule.text]
    if rule.decision == ACCEPT:
        paragraphs.append(
            _(
                "Vous pourrez alors demander une attestation de cette acceptation tacite "
                "(article L232-3 du code des relations entre le public et l'administration), "
                "depuis la page de suivi de votre demande."
            )
        )
    elif rule.decision == REJECT:
        paragraphs.append(appeal_text(case.organization.name))
    elif case.promises_due_date and rule.date:
        paragraphs.append(
            _("Nous vous répondrons au plus tard le %(date)s.")
            % {"date": formats.date_format(rule.date, "DATE_FORMAT")}
        )
    sections.append(Section(_("Délai et silence de l'administration"), paragraphs))
    sections.append(
        Section(
            _("Suivre votre demande"),
            [
                _("Suivez votre demande et échangez avec nos services à cette adresse : %(url)s")
                % {"url": tracking_url(case)}
            ],
        )
    )
    return Letter(
        title=title,
        language=case.language or "fr",
        meta=document_meta(case, at),
        sections=sections,
        **letterhead(case.organization),
        **postal_fields(case),
    )


def certificate_letter(case, *, accepted_on: datetime.date, at: datetime.datetime) -> Letter:
    """The certificate of tacit acceptance (CRPA L232-3), on the citizen's request."""
    received = formats.date_format(timezone.localtime(case.created_at).date(), "DATE_FORMAT")
    title = _("Attestation d'acceptation tacite de la demande %(reference)s") % {
        "reference": case.reference
    }
    paragraphs = [
        _(
            "En application de l'article L232-3 du code des relations entre le public et "
            "l'administration, %(organization)s atteste que la demande « %(procedure)s » de "
            "%(name)s, reçue le %(received)s sous la référence %(reference)s, est réputée "
            "acceptée depuis le %(date)s au soir, faute de réponse dans le délai."
        )
        % {
            "organization": case.organization.name,
            "procedure": case.procedure.title,
            "name": case.contact_name,
            "received": received,
            "reference": case.reference,
            "date": formats.date_format(accepted_on, "DATE_FORMAT"),
        },
        appeal_text(case.organization.name),
    ]
    return Letter(
        title=title,
        language=case.language or "fr",
        meta=document_meta(case, at),
        sections=[Section("", paragraphs)],
        **letterhead(case.organization),
        **postal_fields(case),
    )


def tacit_acceptance(case):
    """The journal event of the case's tacit acceptance, None when there was none (or the
    case has moved on since, reopened or decided otherwise)."""
    rule = rule_of(case)
    if rule is None or rule.tacit is None or rule.tacit.decision != ACCEPT:
        return None  # no query for the many procedures where silence means nothing
    if case.state != rule.tacit.state:
        return None
    event = case.events.filter(kind="tacit_decision").order_by("-created_at", "-pk").first()
    if event is None or event.payload.get("decision") != ACCEPT:
        return None
    if case.state != event.payload.get("to"):
        return None
    return event
