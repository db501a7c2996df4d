"""Forms of the procedure designer. They parse what the administrator typed into the JSON
documents of docs/procedures.md; the catalog actions check those documents and write them.

The field editor is built from the contract: the types offered are formschema.FIELD_TYPES
(a type added there shows up here at once), and each type gets the keys the contract gives
it (TYPE_KEYS below; a type unknown to that table gets the common keys only).
"""

import contextlib
import copy
import datetime
import decimal
import json
import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.text import slugify
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guichet.catalog.actions import MAX_RETENTION_MONTHS
from guichet.catalog.formschema import (
    ALLOWED_UPLOAD_EXTENSIONS,
    FIELD_TYPES,
    ID_PATTERN,
    LAYOUT_TYPES,
    TYPE_KEYS,
)
from guichet.catalog.formschema.bounds import ALL_DIRECTIONS as BOUND_DIRECTIONS
from guichet.catalog.formschema.types import MAX_FILES_PER_FIELD, TEXT_LIMIT, TEXTAREA_LIMIT
from guichet.catalog.models import LegalBasis, RetentionAction, Theme
from guichet.catalog.workflow import Category, Workflow
from guichet.lib.sizes import human_size
from guichet.organization.models import Service

from .designer_bounds import BoundsMixin

# The keys of the layout items the editor offers (docs/procedures.md, "Layout items").
LAYOUT_KEYS = {
    "page": ("label", "id"),
    "section": ("label", "id", "help"),
    "info": ("label", "id", "help"),
}
# The order in which the editor shows the keys it knows; a key of TYPE_KEYS it does not know
# is kept in the item as it is, without an input.
KEY_ORDER = (
    "label",
    "id",
    "help",
    "placeholder",
    "max_length",
    "pattern",
    "pattern_message",
    "integer",
    "min",
    "max",
    "at_least",
    "at_most",
    "after",
    "before",
    "choices",
    "widget",
    "extensions",
    "max_size",
    "max_count",
    "meeting_type",
    "required",
)
MEGABYTE = 1024 * 1024
MAX_IMPORT_SIZE = 2 * MEGABYTE


def item_keys(kind: str) -> tuple[str, ...]:
    """The keys the editor offers for an item of type `kind`, in the order shown."""
    if kind in LAYOUT_TYPES:
        keys = set(LAYOUT_KEYS.get(kind, ("label", "id", "help")))
    else:
        keys = {"label", "id", "help", "required", *TYPE_KEYS.get(kind, ())}
    return tuple(key for key in KEY_ORDER if key in keys)


def type_label(kind: str) -> str:
    return str(FIELD_TYPES.get(kind, kind))


def suggest_field_id(label: str, taken, kind: str = "") -> str:
    """An id made from the label (`Nombre d'exemplaires` -> `nombre_d_exemplaires`), free in
    the form."""
    base = re.sub(r"[^a-z0-9_]", "", slugify(label or "").replace("-", "_"))[:56].strip("_")
    if not base or not base[0].isalpha():
        base = f"{kind or 'champ'}_{base}".strip("_")
    base = base if ID_PATTERN.match(base) else "champ"
    candidate, number = base, 2
    while candidate in taken:
        candidate = f"{base}_{number}"
        number += 1
    return candidate


def _json_number(value: decimal.Decimal):
    return int(value) if value == value.to_integral_value() else float(value)


def _parse_json(text: str):
    try:
        return json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ValidationError(
            gettext("Ce n'est pas du JSON valide : %(error)s (ligne %(line)s, colonne %(col)s).")
            % {"error": error.msg, "line": error.lineno, "col": error.colno}
        ) from None
    except (ValueError, RecursionError):
        raise ValidationError(gettext("Ce JSON contient une valeur non admise.")) from None


def _refuse_constant(name):
    raise ValueError(name)


class FieldForm(BoundsMixin, forms.Form):
    """One item of the form (a field, a page, a section or a text), for its type's keys.

    `field` is the item being edited (None for a new one), `items` the form's items (the
    edited one among them); `locked` says the id was published and may no longer change;
    `placing` offers to place a new item before another.
    """

    def __init__(
        self, data=None, *, kind, field=None, items=(), locked=False, placing=False,
        meeting_types=(),
    ):  # fmt: skip
        super().__init__(data, auto_id="item_%s")
        self.kind = kind
        self.item = field
        self.items = list(items)
        others = [item for item in self.items if item is not field]
        self.others = others
        self.other_ids = {item.get("id") for item in others}
        self.locked = locked
        self.bounds = {}
        builders = {
            "label": self._label,
            "id": self._id,
            "help": self._help,
            "placeholder": lambda: forms.CharField(
                label=_("Exemple affiché dans la case"),
                help_text=_("Facultatif. Par exemple : 12 rue de la Mairie."),
                max_length=200,
                required=False,
            ),
            "required": lambda: forms.BooleanField(label=_("Réponse obligatoire"), required=False),
            "max_length": lambda: forms.IntegerField(
                label=_("Nombre maximal de caractères"),
                help_text=_("Facultatif."),
                min_value=1,
                max_value=TEXT_LIMIT if kind == "text" else TEXTAREA_LIMIT,
                required=False,
            ),
            "pattern": lambda: forms.CharField(
                label=_("Motif à respecter (expression régulière)"),
                help_text=_("Facultatif. Par exemple ^[0-9]{5}$ pour un code postal."),
                max_length=500,
                required=False,
            ),
            "pattern_message": lambda: forms.CharField(
                label=_("Message si le motif n'est pas respecté"),
                help_text=_("Par exemple : Saisissez les 5 chiffres du code postal."),
                max_length=300,
                required=False,
            ),
            "integer": lambda: forms.BooleanField(
                label=_("Nombres entiers seulement"), required=False
            ),
            "min": lambda: self._bound(_("Valeur minimale")),
            "max": lambda: self._bound(_("Valeur maximale")),
            "choices": lambda: forms.CharField(
                label=_("Choix proposés"),
                help_text=_("Un choix par ligne."),
                error_messages={"required": _("Proposez au moins un choix.")},
                widget=forms.Textarea(attrs={"rows": 6}),
                max_length=10000,
            ),
            "widget": lambda: forms.ChoiceField(
                label=_("Présentation"),
                choices=[("select", _("Liste déroulante")), ("radio", _("Boutons radio"))],
                required=False,
            ),
            "extensions": lambda: forms.MultipleChoiceField(
                label=_("Formats acceptés"),
                help_text=_("Aucune case cochée : tous les formats de la liste."),
                choices=[(ext, ext) for ext in ALLOWED_UPLOAD_EXTENSIONS],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            ),
            "max_size": lambda: forms.DecimalField(
                label=_("Taille maximale par fichier (Mo)"),
                help_text=gettext("Facultatif ; %(size)s au plus.")
                % {"size": human_size(settings.GUICHET_MAX_UPLOAD_SIZE)},
                min_value=decimal.Decimal("0.01"),
                max_value=decimal.Decimal(settings.GUICHET_MAX_UPLOAD_SIZE) / MEGABYTE,
                decimal_places=2,
                required=False,
            ),
            "max_count": lambda: forms.IntegerField(
                label=_("Nombre maximal de fichiers"),
                help_text=_("Facultatif ; 1 par défaut."),
                min_value=1,
                max_value=MAX_FILES_PER_FIELD,
                required=False,
            ),
            "meeting_type": lambda: forms.TypedChoiceField(
                label=_("Type de rendez-vous"),
                help_text=_("Les créneaux libres de ce type sont proposés."),
                choices=[("", _("Choisir…")), *meeting_types],
                coerce=int,
                error_messages={
                    "required": _("Choisissez un type de rendez-vous (menu Rendez-vous).")
                },
            ),
        }
        for key in item_keys(kind):
            if key in BOUND_DIRECTIONS:
                self._add_bound(key)
            else:
                self.fields[key] = builders[key]()
        if placing:
            # A new item goes at the end, or before another: a step (`page`) opens before
            # the items it holds, and a condition reads the answers placed before it.
            self.fields["before"] = forms.ChoiceField(
                label=_("Position"),
                choices=[("", _("À la fin du formulaire"))]
                + [
                    (
                        item.get("id"),
                        gettext("Avant « %(label)s »")
                        % {"label": item.get("label") or item.get("id")},
                    )
                    for item in self.others
                ],
                required=False,
                help_text=_(
                    "Une étape ou une section regroupe les éléments qui la suivent : placez-la "
                    "avant le premier d'entre eux."
                )
                if kind in ("page", "section")
                else "",
            )
        if field is not None:
            # Also what a disabled input (a published id) shows once the form is bound.
            self.initial = self._initial(field)

    # --- Fields that depend on the type -----------------------------------------------------

    def _label(self):
        if self.kind == "page":
            return forms.CharField(label=_("Titre de l'étape"), max_length=300)
        if self.kind == "section":
            return forms.CharField(label=_("Titre de la section"), max_length=300)
        if self.kind == "info":
            return forms.CharField(label=_("Titre (facultatif)"), max_length=300, required=False)
        return forms.CharField(label=_("Libellé de la question"), max_length=300)

    def _help(self):
        if self.kind == "info":
            return forms.CharField(
                label=_("Texte"), widget=forms.Textarea(attrs={"rows": 5}), max_length=5000
            )
        return forms.CharField(
            label=_("Aide"),
            help_text=_("Facultatif. Affichée sous le libellé."),
            widget=forms.Textarea(attrs={"rows": 3}),
            max_length=2000,
            required=False,
        )

    def _id(self):
        if self.locked:
            return forms.CharField(
                label=_("Identifiant"),
                help_text=_(
                    "Publié : il ne change plus, les réponses reçues sont enregistrées sous ce nom."
                ),
                disabled=True,
                required=False,
            )
        return forms.CharField(
            label=_("Identifiant"),
            help_text=_(
                "Minuscules, chiffres et _, en commençant par une lettre. Laissez vide pour le "
                "former à partir du libellé. Il ne change plus une fois la démarche publiée."
            ),
            max_length=64,
            required=False,
            widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
        )

    def _bound(self, label):
        if self.kind == "date":
            return forms.DateField(
                label=label,
                help_text=_("Facultatif."),
                required=False,
                widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            )
        return forms.DecimalField(label=label, help_text=_("Facultatif."), required=False)

    def _initial(self, field: dict) -> dict:
        initial = {}
        for direction in BOUND_DIRECTIONS:
            if f"{direction}_ref" in self.fields:
                for name, value in self._bound_initial(field.get(direction)).items():
                    initial[f"{direction}_{name}"] = value
        for key in self.fields:
            value = field.get(key)
            if value is None:
                continue
            if key == "choices" and isinstance(value, list):
                value = "\n".join(str(choice) for choice in value)
            elif key == "max_size" and isinstance(value, int):
                value = (decimal.Decimal(value) / MEGABYTE).quantize(decimal.Decimal("0.01"))
            elif key in ("min", "max") and self.kind == "date" and isinstance(value, str):
                with contextlib.suppress(ValueError):
                    value = datetime.date.fromisoformat(value)
            initial[key] = value
        return initial

    # --- Cleaning ---------------------------------------------------------------------------

    def clean_id(self):
        if self.locked:
            return self.item["id"]
        value = self.cleaned_data.get("id", "").strip()
        if not value:
            return ""  # made from the label in clean()
        if not ID_PATTERN.match(value):
            raise ValidationError(
                _(
                    "L'identifiant ne peut contenir que des minuscules sans accent, des chiffres "
                    "et _, et commence par une lettre (64 caractères au plus)."
                )
            )
        if value in self.other_ids:
            raise ValidationError(_("Un autre élément du formulaire a déjà cet identifiant."))
        return value

    def clean_choices(self):
        choices = [line.strip() for line in self.cleaned_data["choices"].splitlines()]
        choices = [choice for choice in choices if choice]
        if not choices:
            raise ValidationError(_("Proposez au moins un choix."))
        doubles = sorted({choice for choice in choices if choices.count(choice) > 1})
        if doubles:
            raise ValidationError(
                _("Ce choix est proposé deux fois : %(choice)s.") % {"choice": doubles[0]}
            )
        return choices

    def clean_pattern(self):
        pattern = self.cleaned_data["pattern"]
        if pattern:
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValidationError(
                    _("Ce motif n'est pas une expression régulière valide : %(error)s.")
                    % {"error": error}
                ) from None
        return pattern

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min"), cleaned.get("max")
        if low is not None and high is not None and low > high:
            self.add_error("max", _("La valeur maximale doit être supérieure à la minimale."))
        if "id" in cleaned and not cleaned["id"] and "id" not in self.errors:
            cleaned["id"] = suggest_field_id(cleaned.get("label", ""), self.other_ids, self.kind)
        # Kept apart from cleaned_data: "before" there is where a new item goes.
        self.bounds = {
            direction: self._clean_bound(direction, cleaned)
            for direction in BOUND_DIRECTIONS
            if f"{direction}_ref" in self.fields
        }
        return cleaned

    def _earlier_ids(self, cleaned) -> set:
        """The ids of the items placed before this one (where a new one is to go)."""
        if "before" in self.fields:
            before = cleaned.get("before")
            ids = [item.get("id") for item in self.others]
            earlier = self.others[: ids.index(before)] if before in ids else self.others
        else:
            position = next(i for i, item in enumerate(self.items) if item is self.item)
            earlier = self.items[:position]
        return {item.get("id") for item in earlier}

    def _json_value(self, key):
        if key in BOUND_DIRECTIONS and f"{key}_ref" in self.fields:
            return self.bounds.get(key)
        value = self.cleaned_data.get(key)
        if isinstance(value, str):
            value = value.strip()
        if key in ("min", "max") and value is not None:
            return value.isoformat() if isinstance(value, datetime.date) else _json_number(value)
        if key == "max_size" and value is not None:
            return int(value * MEGABYTE)
        return value

    def to_field(self) -> dict:
        """The item as the contract writes it: the edited item's other keys are kept, keys
        left empty are dropped."""
        original = self.item or {}
        # A new item starts with its id and type, so that its JSON reads well.
        field = copy.deepcopy(original) if original else {"id": "", "type": self.kind}
        field["type"] = self.kind
        for key in item_keys(self.kind):
            value = self._json_value(key)
            # An unticked box adds no key to an item that did not have it.
            if (value is False and key not in original) or value in (None, "", []):
                field.pop(key, None)
            else:
                field[key] = value
        return field


class FieldTypeForm(forms.Form):
    """The type of a new item; the types are read from formschema.FIELD_TYPES."""

    type = forms.ChoiceField(label=_("Type d'élément"))

    def __init__(self, data=None):
        super().__init__(data, auto_id="new_%s")
        self.fields["type"].choices = [(kind, str(label)) for kind, label in FIELD_TYPES.items()]


class ProcedureDescriptionForm(forms.Form):
    """What the portal says of a procedure."""

    title = forms.CharField(label=_("Titre"), max_length=200)
    service = forms.ModelChoiceField(
        label=_("Service destinataire"),
        queryset=Service.objects.none(),
        help_text=_("Il reçoit les demandes, sauf règle d'orientation contraire."),
    )
    theme = forms.ChoiceField(label=_("Thème"), choices=Theme.choices)
    summary = forms.CharField(
        label=_("Résumé"),
        max_length=300,
        required=False,
        help_text=_("Une phrase, affichée dans la liste des démarches du portail."),
    )
    description = forms.CharField(
        label=_("Description"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Affichée au-dessus du formulaire : qui peut demander, pièces à prévoir…"),
    )
    to_prepare = forms.CharField(
        label=_("À préparer"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Une pièce ou une information par ligne : le portail les liste avant le formulaire."
        ),
    )
    asks_location = forms.BooleanField(
        label=_("Demander une localisation"),
        required=False,
        help_text=_(
            "Le demandeur indique une adresse et, s'il le souhaite, un point sur la carte."
        ),
    )
    processing_days = forms.IntegerField(
        label=_("Délai annoncé (jours)"),
        required=False,
        min_value=0,
        max_value=3660,
        help_text=_(
            "Facultatif. Affiché sur le portail ; les échéances suivent le réglage « Délai »."
        ),
    )

    # Open311 GeoReport v2 (api/open311.py): citizen apps and tools that speak it list the
    # procedure as a service, under its group and keywords.
    open311 = forms.BooleanField(
        label=_("Publier sur Open311"),
        required=False,
        help_text=_(
            "Les applications et outils qui parlent Open311 GeoReport v2 (/open311/v2/) "
            "pourront déposer des demandes de cette démarche, une fois celle-ci publiée."
        ),
    )
    open311_group = forms.CharField(
        label=_("Groupe Open311"),
        max_length=100,
        required=False,
        help_text=_("Facultatif. Par défaut, le nom du service destinataire."),
    )
    open311_keywords = forms.CharField(
        label=_("Mots-clés Open311"),
        max_length=300,
        required=False,
        help_text=_("Facultatif. Séparés par des virgules, par exemple : voirie, trottoir, trou."),
    )

    OPEN311_FIELDS = ("open311", "open311_group", "open311_keywords")

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["service"].queryset = Service.objects.filter(
            organization=organization
        ).order_by("name")

    def description_data(self) -> dict:
        """The cleaned data for catalog.actions.update_procedure (without Open311's)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in self.OPEN311_FIELDS}

    def checkbox_fields(self):
        return [self[name] for name in self.fields if name == "asks_location"]

    def other_fields(self):
        return [self[name] for name in self.fields if name != "asks_location"]


class ProcedureCreateForm(ProcedureDescriptionForm):
    slug = forms.CharField(
        label=_("Nom court"),
        max_length=100,
        required=False,
        help_text=_(
            "L'adresse de la démarche sur le portail : minuscules, chiffres et tirets. "
            "Laissez vide pour le former à partir du titre."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )

    field_order = ["title", "slug", "service", "theme", "summary", "description"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The announced delay and Open311 are set afterwards, with the rest of the procedure.
        for name in ("processing_days", *self.OPEN311_FIELDS):
            del self.fields[name]


class JsonDocumentForm(forms.Form):
    """A whole JSON document (workflow, routing rules, templates) in a text area."""

    document = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 24, "class": "code", "spellcheck": "false"}),
    )

    def __init__(self, data=None, *, expected: type, label, help_text="", value=None):
        super().__init__(data, auto_id="json_%s")
        self.expected = expected
        self.fields["document"].label = label
        self.fields["document"].help_text = help_text
        if value is not None:
            self.initial = {"document": json.dumps(value, ensure_ascii=False, indent=2)}

    def clean_document(self):
        text = self.cleaned_data["document"].strip()
        if not text:
            return self.expected()
        value = _parse_json(text)
        if not isinstance(value, self.expected):
            raise ValidationError(
                _("Le document doit être un objet JSON ({…}).")
                if self.expected is dict
                else _("Le document doit être une liste JSON ([…]).")
            )
        return value


class RetentionForm(forms.Form):
    """How long closed requests are kept, and what becomes of them."""

    retention_months = forms.IntegerField(
        label=_("Durée de conservation après la clôture (mois)"),
        min_value=1,
        max_value=MAX_RETENTION_MONTHS,
        required=False,
    )
    retention_action = forms.ChoiceField(
        label=_("À l'issue de cette durée"),
        choices=RetentionAction.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "Anonymiser efface l'identité et les coordonnées du demandeur, ses réponses, "
            "messages, pièces jointes et commentaires, et garde la démarche, les dates et les "
            "états pour les statistiques. Supprimer efface la demande et tout son historique."
        ),
    )

    purpose = forms.CharField(
        label=_("Finalité du traitement"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Pourquoi les données des demandeurs sont traitées, pour le registre des "
            "traitements (RGPD, article 30). Laissez vide pour « Instruction des demandes "
            "… et réponse aux demandeurs »."
        ),
    )
    legal_basis = forms.ChoiceField(
        label=_("Base légale"),
        choices=LegalBasis.choices,
        required=False,
        help_text=_(
            "Pour une collectivité, le plus souvent une mission d'intérêt public ou une "
            "obligation légale."
        ),
    )
    legal_basis_detail = forms.CharField(
        label=_("Texte de référence"),
        required=False,
        max_length=500,
        help_text=_(
            "Facultatif. Par exemple : Code général des collectivités territoriales, art. L2212-2."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="retention_%s", **kwargs)
        self.fields["retention_months"].help_text = gettext(
            "Laissez vide pour tout conserver. Par exemple 24 pour deux ans ; au plus %(max)s mois."
        ) % {"max": MAX_RETENTION_MONTHS}


class DeadlineForm(forms.Form):
    """The `deadline` document, one input per key."""

    days = forms.IntegerField(
        label=_("Délai de traitement (jours)"),
        help_text=_("Laissez vide pour ne fixer aucun délai."),
        min_value=1,
        max_value=3660,
        required=False,
    )
    unit = forms.ChoiceField(
        label=_("Unité"),
        choices=[
            ("business", _("Jours ouvrés (hors week-ends et jours fériés)")),
            ("calendar", _("Jours calendaires")),
        ],
    )
    at_risk_days = forms.IntegerField(
        label=_("Alerte « à risque » (jours ouvrés avant l'échéance)"),
        min_value=0,
        max_value=3660,
    )
    alsace_moselle = forms.BooleanField(
        label=_("Jours fériés d'Alsace-Moselle (Vendredi saint, 26 décembre)"), required=False
    )
    tacit_decision = forms.ChoiceField(
        label=_("Décision implicite à l'échéance"),
        choices=[
            ("", _("Aucune")),
            ("accept", _("Le silence vaut accord")),
            ("reject", _("Le silence vaut rejet")),
        ],
        required=False,
    )
    tacit_state = forms.ChoiceField(
        label=_("État de la demande après la décision implicite"),
        help_text=_("Un état de clôture du circuit."),
        required=False,
    )
    tacit_document = forms.ChoiceField(
        label=_("Document remis avec la décision implicite"),
        help_text=_(
            "Facultatif : un modèle de la démarche, produit et joint à la demande (une "
            "attestation d'acceptation tacite, par exemple)."
        ),
        required=False,
    )

    def __init__(self, data=None, *, deadline: dict, workflow: dict, templates=None):
        super().__init__(data, auto_id="deadline_%s")
        keys = sorted(templates) if isinstance(templates, dict) else []
        self.fields["tacit_document"].choices = [("", _("Aucun"))] + [(key, key) for key in keys]
        try:
            states = Workflow(workflow).states
        except (KeyError, TypeError, AttributeError):
            states = {}
        self.fields["tacit_state"].choices = [("", "---------")] + [
            (code, f"{state.agent_label} ({code})")
            for code, state in states.items()
            if state.category == Category.CLOSED
        ]
        deadline = deadline if isinstance(deadline, dict) else {}
        tacit = deadline.get("tacit") if isinstance(deadline.get("tacit"), dict) else {}
        self.initial = {
            "days": deadline.get("days"),
            "unit": deadline.get("unit", "business"),
            "at_risk_days": deadline.get("at_risk_days", 3),
            "alsace_moselle": deadline.get("alsace_moselle", False),
            "tacit_decision": tacit.get("decision", ""),
            "tacit_state": tacit.get("state", ""),
            "tacit_document": tacit.get("document", ""),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("tacit_decision") and not cleaned.get("tacit_state"):
            self.add_error("tacit_state", _("Choisissez l'état où passe la demande."))
        if cleaned.get("tacit_decision") and not cleaned.get("days") and "days" not in self.errors:
            self.add_error("days", _("Une décision implicite a besoin d'un délai."))
        return cleaned

    def to_document(self) -> dict:
        cleaned = self.cleaned_data
        if not cleaned.get("days"):
            return {}
        document = {
            "days": cleaned["days"],
            "unit": cleaned["unit"],
            "alsace_moselle": cleaned["alsace_moselle"],
            "at_risk_days": cleaned["at_risk_days"],
        }
        if cleaned.get("tacit_decision"):
            document["tacit"] = {
                "decision": cleaned["tacit_decision"],
                "state": cleaned["tacit_state"],
            }
            if cleaned.get("tacit_document"):
                document["tacit"]["document"] = cleaned["tacit_document"]
        return document


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Fichier JSON"),
        help_text=_("Une démarche exportée depuis Guichet (format guichet.procedure)."),
    )
    publish = forms.BooleanField(label=_("Publier la démarche dès l'import"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="import_%s", **kwargs)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_SIZE:
            raise ValidationError(
                _("Le fichier dépasse %(size)s.") % {"size": human_size(MAX_IMPORT_SIZE)}
            )
        return upload.read()


def add_errors(form, error: ValidationError, field: str | None = None) -> None:
    """Shows a catalog action's ValidationError on `form`: keyed messages on their input when
    the form has it, the others on `field` (None: above the form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)
