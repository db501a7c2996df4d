"""Administrators' templates (a procedure version's `templates`): the e-mails of `notify`
actions and the documents of `document` actions.

They are rendered by an engine that loads no file and no tag library, with a context of
plain strings only: they show the documented variables (docs/procedures.md) and use the
built-in tags and filters, nothing more.
"""

import datetime
from pathlib import Path

from django.template import Context, Engine, TemplateSyntaxError
from django.template.defaulttags import DebugNode
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from guichet.catalog.validation import REPLY_TEMPLATE_VARIABLES
from guichet.lib.pdf import Letter, Section, render_pdf

from .deadlines import local_date

# Text: no HTML escaping here; documents escape the rendered text themselves.
_ADMIN_TEMPLATES = Engine(loaders=[], libraries={}, autoescape=False)
# Reply templates go to an agent's text area, not straight to the citizen: a variable the
# engine does not know stays as written, for the agent to see (and the message form
# refuses to send it), instead of vanishing ("Bonjour ,").
_REPLY_TEMPLATES = Engine(loaders=[], libraries={}, autoescape=False, string_if_invalid="{{ %s }}")


def render_admin_template(text: str, variables: dict[str, str], *, engine=None) -> str:
    """Renders an administrator's template; TemplateSyntaxError when it cannot be used."""
    template = (engine or _ADMIN_TEMPLATES).from_string(text or "")
    for forbidden in (DebugNode, IncludeNode, ExtendsNode):
        if template.nodelist.get_nodes_by_type(forbidden):
            raise TemplateSyntaxError("debug, include and extends are not allowed here")
    return template.render(Context(variables, autoescape=False))


def tracking_url(case) -> str:
    return case.organization.absolute_url(reverse("portal:track", args=[case.tracking_code]))


def template_variables(case, state, comment: str = "", *, answer_by=None) -> dict[str, str]:
    """The variables documented for administrators' templates (docs/procedures.md);
    `answer_by`, the date by which a request for more information asks for an answer."""
    due_date = ""
    if case.due_at:
        due_date = formats.date_format(local_date(case.due_at), "DATE_FORMAT")
    answer_date = formats.date_format(answer_by, "DATE_FORMAT") if answer_by else ""
    return {
        "reference": case.reference,
        "name": case.contact_name,
        "procedure": case.procedure.display_title,  # in the language of the e-mail
        "state": state.label,
        "due_date": due_date,
        "answer_date": answer_date,
        "tracking_url": tracking_url(case),
        "comment": comment,
        "organization": case.organization.name,
    }


def render_reply_template(text: str, case) -> str:
    """A reply template's text for `case`, its unknown variables left as written
    ("{{ nom }}"); TemplateSyntaxError when it cannot be used."""
    variables = template_variables(case, case.get_workflow().state(case.state))
    known = {name: variables[name] for name in REPLY_TEMPLATE_VARIABLES}
    return render_admin_template(text, known, engine=_REPLY_TEMPLATES).strip()


# The ways and delays of appeal against a decision (CJA R421-1 and R421-5; CRPA L411-2).
APPEAL_MONTHS = 2


def appeal_text(organization_name: str) -> str:
    return _(
        "Voies et délais de recours : vous pouvez contester cette décision dans un délai de "
        "%(months)s mois à compter de la date où elle est née, par un recours gracieux auprès "
        "de %(organization)s, puis, ou directement, par un recours contentieux devant le "
        "tribunal administratif compétent, y compris par l'application Télérecours citoyens "
        "(www.telerecours.fr)."
    ) % {"months": APPEAL_MONTHS, "organization": organization_name}


def letterhead(organization) -> dict:
    """The organization's letterhead and footer, for guichet.lib.pdf.Letter."""
    address = [line.strip() for line in (organization.address or "").splitlines() if line.strip()]
    contact = [value for value in (organization.email, organization.phone) if value]
    logo, suffix = b"", ""
    if organization.logo:
        try:
            with organization.logo.open("rb") as stored:
                logo = stored.read()
            suffix = Path(organization.logo.name).suffix
        except OSError:  # a logo gone from the storage: the letter goes without it
            logo = b""
    return {
        "organization": organization.name,
        "organization_lines": [*address, *contact],
        "footer": " · ".join([organization.name, *address, *contact]),
        "logo": logo,
        "logo_suffix": suffix,
    }


def needs_letter(case) -> bool:
    """Whether the citizen is answered by post: they asked for it when an agent filed for
    them, or they left a postal address and no way to reach them otherwise."""
    if case.reply_by == "letter":
        return bool(case.contact_postal_address)
    return bool(case.contact_postal_address) and not (case.contact_email or case.contact_phone)


def postal_fields(case) -> dict:
    """The address block of a letter to post (guichet.lib.pdf.Letter's `recipient` and
    `sender`), or nothing for a citizen reached otherwise."""
    if not needs_letter(case):
        return {}
    organization = case.organization
    lines = [line.strip() for line in case.contact_postal_address.splitlines() if line.strip()]
    sender_address = case.service.address or organization.address or ""
    sender = [line.strip() for line in sender_address.splitlines() if line.strip()]
    return {
        "recipient": [case.contact_name, *lines],
        "sender": " · ".join([organization.name, *sender]),
    }


def document_meta(case, at: datetime.datetime) -> list[str]:
    date = formats.date_format(timezone.localtime(at).date(), "DATE_FORMAT")
    return [
        _("Le %(date)s") % {"date": date},
        _("Demande %(reference)s") % {"reference": case.reference},
    ]


def render_document(case, template: dict, variables: dict, *, at: datetime.datetime) -> bytes:
    """A PDF document (PDF/A, tagged) from a `templates` entry: its subject as the title,
    its body as paragraphs, under the organization's letterhead, dated. Answers and comments
    are the citizen's and the agent's words: they are set as text, never as markup."""
    title = " ".join(render_admin_template(template.get("subject", ""), variables).split())
    body = render_admin_template(template.get("body", ""), variables)
    if not title or not body.strip():
        raise TemplateSyntaxError("empty subject or body")
    paragraphs = [block.strip() for block in body.split("\n\n") if block.strip()]
    sections = []
    # A decision's legal basis (the *visas*), before its text; its signatory and the ways
    # and delays of appeal after it.
    visas = render_admin_template(template.get("legal_basis", ""), variables)
    visas = [line.strip() for line in visas.splitlines() if line.strip()]
    if visas:
        sections.append(Section(_("Vu"), visas))
    sections.append(Section("", paragraphs))
    signatory = " ".join(render_admin_template(template.get("signatory", ""), variables).split())
    if signatory:
        sections.append(
            Section(
                "",
                [_("Pour %(organization)s,") % {"organization": case.organization.name}, signatory],
            )
        )
    if template.get("appeal"):
        sections.append(
            Section(_("Voies et délais de recours"), [appeal_text(case.organization.name)])
        )
    letter = Letter(
        title=title,
        language=case.language or "fr",
        meta=document_meta(case, at),
        sections=sections,
        **letterhead(case.organization),
        **postal_fields(case),
    )
    return render_pdf(letter, at=at)
