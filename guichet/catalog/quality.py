"""The quality check of a procedure's draft before it is published: what makes the form
harder to read or fill than it needs to be. Warnings, never blocks; each says where to fix
it (a designer section, and the field when there is one).

The lists below are short on purpose: the words an administration writes without seeing
them, and the data it holds or can get from national services (the "tell us once" principle,
Dites-le-nous une fois).
"""

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .formschema.types import is_answer, item_type
from .translations import missing_count

# Administrative words, and what to write instead: French words for French labels (not
# interface text, so not translated).
JARGON = {
    "pièce justificative": "document",
    "pièces justificatives": "documents",
    "administré": "habitant",
    "pétitionnaire": "vous",
    "requérant": "vous",
    "domiciliation": "adresse",
    "nonobstant": "malgré",
    "susmentionné": "cité plus haut",
    "ledit": "ce",
    "afférent": "lié à",
    "à l'effet de": "pour",
    "dûment": "(à retirer)",
}
LONG_LABEL_WORDS = 15  # a label is a question, not a paragraph
LONG_SENTENCE_WORDS = 25  # in a help text

# Data the administration holds or can get from national services.
TELL_US_ONCE = [
    (
        ("date de naissance", "lieu de naissance", "acte de naissance", "situation familiale",
         "état civil", "acte de mariage"),
        gettext_lazy("l'état civil (service de vérification COMEDEC ou API particulier)"),
    ),
    (
        ("avis d'imposition", "revenu fiscal", "numéro fiscal", "avis d'impôt"),
        gettext_lazy("l'avis d'imposition (API impôt particulier)"),
    ),
    (
        ("quotient familial",),
        gettext_lazy("le quotient familial (API particulier, CAF et MSA)"),
    ),
    (
        ("siret", "siren", "kbis", "extrait k-bis", "k bis"),
        gettext_lazy("l'identifiant de l'entreprise (API entreprise)"),
    ),
]  # fmt: skip

# What the law sets a processing time for (code de l'urbanisme, CRPA), by words of the title.
LEGAL_DEADLINES = [
    (("permis de construire",), gettext_lazy("2 mois (code de l'urbanisme, R.423-23)")),
    (("déclaration préalable",), gettext_lazy("1 mois (code de l'urbanisme, R.423-23)")),
    (("certificat d'urbanisme",), gettext_lazy("1 ou 2 mois (code de l'urbanisme, R.410-9)")),
    (
        ("communication de document", "accès aux documents administratifs"),
        gettext_lazy("1 mois (code des relations entre le public et l'administration, R.311-13)"),
    ),
]

# Documents a procedure itself gives out, that no one should be asked to upload.
PRODUCED_DOCUMENTS = ("accusé de réception", "récépissé")


@dataclass(frozen=True)
class QualityWarning:
    """One problem: a code (for tests and filters), what to say, where to fix it."""

    code: str
    message: str
    section: str
    field_id: str | None = None


def _words(text: str) -> list[str]:
    return re.findall(r"[\w'’-]+", text or "")


def _norm(text: str) -> str:
    return (text or "").lower().replace("’", "'")


def _field_texts(item) -> list[tuple[str, str]]:
    texts = [("label", item.get("label") or ""), ("help", item.get("help") or "")]
    return [(part, text) for part, text in texts if isinstance(text, str) and text]


def _document_templates(procedure) -> list[str]:
    """The subjects of the templates the workflow's `document` actions produce."""
    names = set()
    for transition in (procedure.workflow or {}).get("transitions", []) or []:
        for action in transition.get("actions", []) or []:
            if isinstance(action, dict) and action.get("type") == "document":
                names.add(action.get("template"))
    tacit = (procedure.deadline or {}).get("tacit") or {}
    if isinstance(tacit, dict) and tacit.get("document"):
        names.add(tacit["document"])
    subjects = []
    for name in names:
        template = (procedure.templates or {}).get(name)
        if isinstance(template, dict) and template.get("subject", "").strip():
            # Without the variables: "Attestation de dépôt {{ reference }}" → its words.
            subjects.append(_norm(re.sub(r"{[{%].*?[}%]}", "", template["subject"])).strip())
    return [subject for subject in subjects if subject]


def _check_field(item, produced) -> list[QualityWarning]:
    warnings = []
    field_id = item.get("id")
    label = item.get("label") if isinstance(item.get("label"), str) else ""
    kind = item_type(item)
    if not label.strip():
        warnings.append(
            QualityWarning(
                "no_label",
                _("Ce champ n'a pas d'intitulé : un lecteur d'écran ne peut pas l'annoncer."),
                "procedure_field",
                field_id,
            )
        )
    if kind == "file" and not (item.get("help") or "").strip():
        warnings.append(
            QualityWarning(
                "no_help",
                _(
                    "Ce champ de fichier n'a pas d'aide : dites quel document est attendu, "
                    "sous quels formats et jusqu'à quelle taille."
                ),
                "procedure_field",
                field_id,
            )
        )
    for part, text in _field_texts(item):
        lowered = _norm(text)
        for word, plain in JARGON.items():
            if re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", lowered):
                warnings.append(
                    QualityWarning(
                        "jargon",
                        _("« %(word)s » : écrivez plutôt « %(plain)s ».")
                        % {"word": word, "plain": plain},
                        "procedure_field",
                        field_id,
                    )
                )
        if part == "label" and len(_words(text)) > LONG_LABEL_WORDS:
            warnings.append(
                QualityWarning(
                    "long_label",
                    _(
                        "Intitulé long (%(count)s mots) : gardez une question courte et "
                        "mettez les précisions dans l'aide."
                    )
                    % {"count": len(_words(text))},
                    "procedure_field",
                    field_id,
                )
            )
        if part == "help":
            for sentence in re.split(r"[.!?;]\s", text):
                if len(_words(sentence)) > LONG_SENTENCE_WORDS:
                    warnings.append(
                        QualityWarning(
                            "long_sentence",
                            _("Phrase longue dans l'aide : coupez-la en phrases plus courtes."),
                            "procedure_field",
                            field_id,
                        )
                    )
                    break
    lowered = _norm(label + " " + (item.get("help") or ""))
    for words, source in TELL_US_ONCE:
        if any(word in lowered for word in words):
            warnings.append(
                QualityWarning(
                    "tell_us_once",
                    _(
                        "Dites-le-nous une fois : l'administration peut obtenir %(source)s "
                        "sans le demander à l'usager."
                    )
                    % {"source": source},
                    "procedure_field",
                    field_id,
                )
            )
            break
    if kind == "file" and any(document in _norm(label) for document in produced):
        warnings.append(
            QualityWarning(
                "produced_document",
                _(
                    "Ce champ demande un document que la démarche produit elle-même : "
                    "ne le demandez pas à l'usager."
                ),
                "procedure_field",
                field_id,
            )
        )
    return warnings


def quality_report(procedure) -> list[QualityWarning]:
    """The warnings of `procedure`'s draft, in the order of the form, then the procedure's."""
    produced = [*PRODUCED_DOCUMENTS, *_document_templates(procedure)]
    warnings = []
    for item in procedure.fields or []:
        if isinstance(item, dict) and is_answer(item):
            warnings.extend(_check_field(item, produced))
    title = _norm(procedure.title)
    has_deadline = bool((procedure.deadline or {}).get("days"))
    if not has_deadline:
        for words, delay in LEGAL_DEADLINES:
            if any(word in title for word in words):
                warnings.append(
                    QualityWarning(
                        "no_deadline",
                        _(
                            "La loi fixe un délai pour cette démarche (%(delay)s) : "
                            "indiquez-le, avec ce que vaut le silence de l'administration."
                        )
                        % {"delay": delay},
                        "procedure_deadline",
                    )
                )
                break
    missing = missing_count(procedure, "en")
    if missing:
        warnings.append(
            QualityWarning(
                "missing_english",
                ngettext(
                    "%(count)s texte n'a pas de version anglaise : le demandeur qui lit en "
                    "anglais le verra en français.",
                    "%(count)s textes n'ont pas de version anglaise : le demandeur qui lit en "
                    "anglais les verra en français.",
                    missing,
                )
                % {"count": missing},
                "procedure_translations",
            )
        )
    return warnings
