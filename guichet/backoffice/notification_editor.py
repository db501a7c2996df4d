"""The designer's notification templates, edited template by template: a code, a subject
and a body each, the variables listed, and a preview on a sample case ("Prévisualiser", a
plain submit: no JavaScript needed) that counts the body's SMS length. The catalog action
checks everything (unknown variables included); the JSON document stays as the advanced
form and the exchange format."""

import math

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from guichet.cases.templating import render_admin_template
from guichet.catalog.validation import NOTIFICATION_TEMPLATE_VARIABLES, notification_template_errors

SMS_SINGLE = 160  # characters of one SMS (GSM 03.38)
SMS_PART = 153  # characters of each part of a longer one
MAX_TEMPLATES = 100


def sms_length(text: str) -> dict:
    """How long `text` is as an SMS: its characters and the SMS it takes."""
    text = " ".join(text.split())
    length = len(text)
    parts = 1 if length <= SMS_SINGLE else math.ceil(length / SMS_PART)
    return {"characters": length, "parts": parts}


def sample_variables(procedure) -> dict[str, str]:
    """What the preview shows for each variable: a made-up case of this procedure."""
    today = timezone.localdate()
    organization = procedure.organization
    return {
        "reference": f"{organization.reference_prefix}-{today.year}-000123",
        "name": "Camille Dupont",
        "procedure": procedure.title,
        "state": _("En cours d'instruction"),
        "due_date": date_format(today + timezone.timedelta(days=30), "DATE_FORMAT"),
        "answer_date": date_format(today + timezone.timedelta(days=15), "DATE_FORMAT"),
        "tracking_url": organization.absolute_url("/suivi/EXEMPLE/"),
        "comment": _("Merci de joindre un justificatif de domicile récent."),
        "organization": organization.name,
    }


EMPTY_ROW = {"code": "", "subject": "", "body": "", "legal_basis": "", "signatory": ""}


def rows_from_document(templates) -> list[dict]:
    rows = [
        {
            "code": code,
            "subject": t.get("subject", ""),
            "body": t.get("body", ""),
            # A document's parts (catalog.validation.DOCUMENT_PARTS), edited beside the text.
            "legal_basis": t.get("legal_basis", ""),
            "signatory": t.get("signatory", ""),
            "appeal": t.get("appeal") is True,
        }
        # By code: the same order on every database (PostgreSQL's jsonb keeps its keys
        # sorted by length, SQLite's JSON in the order written).
        for code, t in sorted((templates or {}).items())
        if isinstance(t, dict)
    ]
    rows.append({**EMPTY_ROW, "new": True})
    return rows


def rows_from_post(data) -> list[dict]:
    """The rows as posted (what the administrator typed, kept on an error)."""
    try:
        count = min(int(data.get("count", "0")), MAX_TEMPLATES)
    except ValueError:
        count = 0
    rows = []
    for index in range(count + 1):
        row = {
            "code": data.get(f"code_{index}", "").strip(),
            "subject": data.get(f"subject_{index}", ""),
            "body": data.get(f"body_{index}", ""),
            "legal_basis": data.get(f"legal_basis_{index}", ""),
            "signatory": data.get(f"signatory_{index}", ""),
            "appeal": bool(data.get(f"appeal_{index}")),
            "delete": bool(data.get(f"delete_{index}")),
            "new": index == count,
        }
        rows.append(row)
    return rows


def document_from_rows(rows) -> tuple[dict, list[str]]:
    """The `templates` document the rows make, and what keeps it from being one."""
    templates, errors = {}, []
    for row in rows:
        if row.get("delete"):
            continue
        if row.get("new") and not (row["code"] or row["subject"].strip() or row["body"].strip()):
            continue
        if not row["code"]:
            errors.append(_("Donnez un code à chaque modèle (par exemple : demande-complement)."))
            continue
        if row["code"] in templates:
            errors.append(_("Deux modèles ont le code « %(code)s ».") % {"code": row["code"]})
            continue
        template = {"subject": row["subject"], "body": row["body"]}
        # A document's parts, only when given: a notification's template stays two keys.
        for part in ("legal_basis", "signatory"):
            if row.get(part, "").strip():
                template[part] = row[part].strip()
        if row.get("appeal"):
            template["appeal"] = True
        templates[row["code"]] = template
    return templates, errors


def previews(procedure, templates: dict) -> list[dict]:
    """Each template rendered on the sample case; empty when a template cannot be."""
    if notification_template_errors(templates):
        return []
    variables = sample_variables(procedure)
    shown = []
    for code, template in templates.items():
        body = render_admin_template(template["body"], variables)
        shown.append(
            {
                "code": code,
                "subject": " ".join(render_admin_template(template["subject"], variables).split()),
                "body": body,
                "sms": sms_length(body),
            }
        )
    return shown


# What each variable shows, beside it in the editor's list.
VARIABLE_DESCRIPTIONS = {
    "reference": gettext_lazy("Numéro de la demande"),
    "name": gettext_lazy("Nom du demandeur"),
    "procedure": gettext_lazy("Titre de la démarche"),
    "state": gettext_lazy("État de la demande"),
    "due_date": gettext_lazy("Date limite de traitement"),
    "answer_date": gettext_lazy("Date limite de réponse à une demande de complément"),
    "tracking_url": gettext_lazy("Lien de suivi de la demande"),
    "comment": gettext_lazy("Commentaire de l'agent"),
    "organization": gettext_lazy("Nom de l'organisation"),
}
# The editor's list: (variable, what it shows), in the catalog's order.
VARIABLES = tuple(
    (name, VARIABLE_DESCRIPTIONS.get(name, "")) for name in NOTIFICATION_TEMPLATE_VARIABLES
)
