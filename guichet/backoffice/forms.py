"""Forms of the back office: they parse input; the domain actions decide and write."""

import datetime
import math
import re
from typing import NamedTuple

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guichet.cases import search
from guichet.cases.actions import MAX_MESSAGE_LENGTH
from guichet.cases.models import Case, Channel, Label
from guichet.catalog.formschema import (
    ALLOWED_UPLOAD_EXTENSIONS,
    form_data,
    form_field,
    is_answer,
    item_type,
)
from guichet.catalog.models import Procedure, ProcedureVersion
from guichet.catalog.workflow import MERGED_STATE, Category, merged_state
from guichet.core.choices import ModelChoiceField
from guichet.core.counting import bounded_counts
from guichet.lib.sizes import human_size
from guichet.organization.access import visible_services
from guichet.organization.models import Membership, Role, Service

User = get_user_model()


def agents_of(membership):
    """The members of the organization who work on what `membership` sees."""
    members = Membership.objects.filter(
        organization_id=membership.organization_id, is_active=True
    ).filter(Q(role=Role.ADMINISTRATOR) | Q(services__in=visible_services(membership)))
    return User.objects.filter(memberships__in=members).order_by("first_name", "last_name", "email")


def assignable_agents(case):
    """Who may take `case`: the members of its service, and the organization's administrators
    (the same rule as guichet.cases.access.can_handle)."""
    members = Membership.objects.filter(
        organization_id=case.organization_id, is_active=True
    ).filter(Q(role=Role.ADMINISTRATOR) | Q(services=case.service_id))
    return User.objects.filter(memberships__in=members, is_active=True).order_by(
        "first_name", "last_name", "email"
    )


class Zone(NamedTuple):
    """An area of the map, in decimal degrees: what the map's "filter on this zone" sends."""

    south: float
    west: float
    north: float
    east: float

    def __str__(self):
        # The query string's form: "south,west,north,east".
        return ",".join(str(value) for value in self)


class ZoneField(forms.CharField):
    """A Zone read from "south,west,north,east" (decimal degrees, south < north, west < east)."""

    widget = forms.HiddenInput
    MAX_LENGTH = 100

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        invalid = ValidationError(gettext("Cette zone n'existe pas."), code="invalid")
        if len(value) > self.MAX_LENGTH:
            raise invalid
        try:
            numbers = [float(part) for part in value.split(",")]
        except ValueError:
            raise invalid from None
        if len(numbers) != 4 or not all(math.isfinite(number) for number in numbers):
            raise invalid
        zone = Zone(*numbers)
        if not (-90 <= zone.south < zone.north <= 90 and -180 <= zone.west < zone.east <= 180):
            raise invalid
        return zone


def state_choices(organization_id) -> list[tuple[str, str]]:
    """The states of the organization's procedures (their current versions), by code; a code
    that several workflows name differently shows every name."""
    versions = ProcedureVersion.objects.filter(
        pk__in=Procedure.objects.filter(organization_id=organization_id).values("current_version")
    ).only("workflow", "translations")
    names = {}
    for version in versions:
        for state in version.get_workflow().states.values():
            names.setdefault(state.code, []).append(str(state.agent_label))
    names.setdefault(MERGED_STATE, [str(merged_state().agent_label)])
    choices = [(code, " / ".join(dict.fromkeys(labels))) for code, labels in names.items()]
    return sorted(choices, key=lambda choice: choice[1].casefold())


class InboxFilterForm(forms.Form):
    """The inbox's filters, read from the query string.

    A value that does not validate (a stale link, a hand-made address) is ignored: the inbox
    shows with that filter off, never an error page.
    """

    # The tabs: views of the inbox that agents switch between, each with its count.
    TODO, MINE, FOLLOWED, WAITING, AT_RISK, OVERDUE, CLOSED, ALL = (
        "todo",
        "mine",
        "followed",
        "waiting",
        "at_risk",
        "overdue",
        "closed",
        "all",
    )
    TABS = [
        (TODO, _("À traiter")),
        (MINE, _("Mes demandes")),
        (FOLLOWED, _("Suivies")),
        (WAITING, _("En attente du demandeur")),
        (AT_RISK, _("Échéance proche")),
        (OVERDUE, _("En retard")),
        (CLOSED, _("Clôturées")),
        (ALL, _("Toutes")),
    ]
    ME, NOBODY = "me", "none"
    ORDERINGS = {
        "": [F("due_at").asc(nulls_last=True), "created_at", "pk"],
        "created": ["-created_at", "-pk"],
        "updated": ["-updated_at", "-pk"],
    }
    SORT_CHOICES = [
        ("", _("Échéance la plus proche")),
        ("created", _("Dépôt le plus récent")),
        ("updated", _("Mise à jour la plus récente")),
    ]

    tab = forms.ChoiceField(choices=TABS, required=False)
    q = forms.CharField(
        label=_("Rechercher"),
        required=False,
        max_length=200,
        help_text=_("Référence, nom, e-mail, téléphone, adresse, réponses ou messages."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    procedure = ModelChoiceField(
        label=_("Démarche"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=_("Toutes"),
    )
    service = ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("Tous")
    )
    state = forms.ChoiceField(label=_("État"), required=False)
    assignee = forms.ChoiceField(label=_("Agent en charge"), required=False)
    channel = forms.ChoiceField(
        label=_("Canal"), choices=[("", _("Tous")), *Channel.choices], required=False
    )
    since = forms.DateField(
        label=_("Déposée depuis le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = forms.DateField(
        label=_("Déposée jusqu'au"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    label = ModelChoiceField(
        label=_("Étiquette"), queryset=Label.objects.none(), required=False, empty_label=_("Toutes")
    )
    sort = forms.ChoiceField(label=_("Trier par"), choices=SORT_CHOICES, required=False)
    # An area drawn by the map page's "filter on this zone" (see map_views.py).
    zone = ZoneField(label=_("Zone sur la carte"), required=False)

    def __init__(self, data, *, membership):
        # A copy, because values that do not validate are dropped from it (see filters()).
        super().__init__(data.copy())
        self.fields["procedure"].queryset = Procedure.objects.for_organization(
            membership.organization_id
        ).only("pk", "title")
        self.fields["service"].queryset = visible_services(membership).only("pk", "name")
        self.fields["state"].choices = [("", _("Tous")), *state_choices(membership.organization_id)]
        self.fields["label"].queryset = Label.objects.filter(
            organization_id=membership.organization_id
        )
        self.fields["assignee"].choices = [
            ("", _("Tous")),
            (self.ME, _("Moi")),
            (self.NOBODY, _("Personne (non attribuées)")),
            *((str(agent.pk), str(agent)) for agent in agents_of(membership)),
        ]

    def filters(self) -> dict:
        """The valid filters; the fields that did not validate are reset to their default."""
        if not self.is_valid():
            for name in list(self.errors):
                self.data.pop(name, None)
            self.full_clean()
        return self.cleaned_data

    @classmethod
    def in_tab(cls, cases, tab: str, *, user):
        """The cases a tab shows."""
        if tab == cls.MINE:
            return cases.open().filter(assignee=user)
        if tab == cls.FOLLOWED:
            return cases.filter(followers__user=user)
        if tab == cls.WAITING:
            return cases.filter(category=Category.WAITING)
        if tab == cls.AT_RISK:
            return cases.at_risk()
        if tab == cls.OVERDUE:
            return cases.overdue()
        if tab == cls.CLOSED:
            return cases.filter(category=Category.CLOSED)
        if tab == cls.ALL:
            return cases
        return cases.filter(category__in=[Category.NEW, Category.OPEN])  # to handle

    def current_tab(self) -> str:
        return self.filters().get("tab") or self.TODO

    def narrow(self, cases, *, user):
        """`cases` narrowed by the filters other than the tab."""
        filters = self.filters()
        if filters.get("q") and (found := search.matching_ids(filters["q"])) is not None:
            cases = cases.filter(pk__in=found)
        if filters.get("procedure"):
            cases = cases.filter(procedure=filters["procedure"])
        if filters.get("service"):
            cases = cases.filter(service=filters["service"])
        assignee = filters.get("assignee")
        if assignee == self.ME:
            cases = cases.filter(assignee=user)
        elif assignee == self.NOBODY:
            cases = cases.filter(assignee__isnull=True)
        elif assignee:
            cases = cases.filter(assignee_id=int(assignee))
        if filters.get("state"):
            cases = cases.filter(state=filters["state"])
        if filters.get("channel"):
            cases = cases.filter(channel=filters["channel"])
        if filters.get("label"):
            cases = cases.filter(labels=filters["label"])
        zone = timezone.get_current_timezone()
        if filters.get("since"):
            start = datetime.datetime.combine(filters["since"], datetime.time.min, zone)
            cases = cases.filter(created_at__gte=start)
        if filters.get("until"):
            end = datetime.datetime.combine(filters["until"], datetime.time.min, zone)
            cases = cases.filter(created_at__lt=end + datetime.timedelta(days=1))
        if area := filters.get("zone"):
            cases = cases.filter(
                latitude__gte=area.south,
                latitude__lte=area.north,
                longitude__gte=area.west,
                longitude__lte=area.east,
            )
        return cases

    def filter(self, cases, *, user):
        """`cases` of the current tab, narrowed and ordered by the valid filters."""
        cases = self.in_tab(self.narrow(cases, user=user), self.current_tab(), user=user)
        return cases.order_by(*self.ORDERINGS[self.filters().get("sort") or ""])

    def tabs(self, cases, *, user, limit: int) -> list[dict]:
        """Each tab with its count under the current filters; counts stop at `limit` + 1, so
        that a large inbox costs one bounded query per tab. During a full-text search only the
        current tab is counted (the others' `count` is None): each count would read every
        match of the search again (docs/performance.md, "Search")."""
        narrowed = self.narrow(cases, user=user).order_by()
        current = self.current_tab()
        searching = bool(self.filters().get("q"))
        counted = [code for code, _label in self.TABS if code == current or not searching]
        # One statement for all of them (guichet.core.counting).
        counts = dict(
            zip(
                counted,
                bounded_counts(
                    [self.in_tab(narrowed, code, user=user) for code in counted], limit + 1
                ),
                strict=True,
            )
        )
        result = []
        for code, label in self.TABS:
            count = counts.get(code)
            result.append(
                {
                    "code": code,
                    "label": label,
                    "count": None if count is None else min(count, limit),
                    "more": count is not None and count > limit,
                    "current": code == current,
                }
            )
        return result

    def query_string(self) -> str:
        """The valid filters as a query string (a saved view's, an export's)."""
        return _query_string(self)

    @property
    def is_filtered(self) -> bool:
        return any(self.cleaned_data.get(name) for name in self.fields if name != "tab")

    # Folded under "Plus de filtres" on the inbox (the search stays in sight).
    FOLDED = ("procedure", "service", "state", "assignee", "channel", "since", "until", "label")

    @property
    def folded_filters_in_use(self) -> int:
        """How many of the folded filters are in use: the disclosure opens when there is one."""
        data = getattr(self, "cleaned_data", {})
        return sum(1 for name in self.FOLDED if data.get(name))


class TransitionForm(forms.Form):
    """One form for every allowed transition: each is a submit button named `transition`."""

    transition = forms.CharField(max_length=64)
    # The state the page showed: the move is refused if the case has changed since.
    state = forms.CharField(max_length=64, required=False)
    comment = forms.CharField(
        label=_("Commentaire"),
        required=False,
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, transitions=(), **kwargs):
        super().__init__(*args, auto_id="transition_%s", **kwargs)
        # Whether the comment is needed depends on the button pressed: the help says which.
        needing = [transition.label for transition in transitions if transition.comment_required]
        help_text = gettext(
            "Joint au changement d'état : le demandeur peut le lire dans son suivi."
        )
        if needing and len(needing) == len(transitions):
            help_text += " " + gettext("Obligatoire.")
        elif needing:
            help_text += " " + gettext("Obligatoire pour : %(labels)s ; facultatif sinon.") % {
                "labels": ", ".join(f"« {label} »" for label in needing)
            }
        else:
            help_text += " " + gettext("Facultatif.")
        self.fields["comment"].help_text = help_text


class AssignForm(forms.Form):
    assignee = ModelChoiceField(
        label=_("Attribuer à"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Personne (retirer l'attribution)"),
    )

    def __init__(self, *args, case, **kwargs):
        kwargs.setdefault("initial", {"assignee": case.assignee_id})
        super().__init__(*args, auto_id="assign_%s", **kwargs)
        self.fields["assignee"].queryset = assignable_agents(case)


TEMPLATE_VARIABLE = re.compile(r"\{\{[^{}]*\}\}")


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message au demandeur"),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    attachment = forms.FileField(label=_("Pièce jointe (facultatif)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="message_%s", **kwargs)
        self.fields["attachment"].help_text = gettext(
            "Formats acceptés : %(formats)s ; %(size)s au plus."
        ) % {
            "formats": ", ".join(ALLOWED_UPLOAD_EXTENSIONS),
            "size": human_size(settings.GUICHET_MAX_UPLOAD_SIZE),
        }

    def clean_body(self):
        body = self.cleaned_data["body"]
        # What a reply template could not fill (cases.templating.render_reply_template).
        if found := TEMPLATE_VARIABLE.search(body):
            raise ValidationError(
                gettext(
                    "Le message contient une variable inconnue : %(variable)s. Remplacez-la "
                    "par le texte voulu avant d'envoyer."
                )
                % {"variable": found.group(0)}
            )
        return body


class NoteForm(forms.Form):
    body = forms.CharField(
        label=_("Note interne"),
        help_text=_("Visible des agents seulement, jamais du demandeur."),
        max_length=MAX_MESSAGE_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="note_%s", **kwargs)


class TransferForm(forms.Form):
    service = ModelChoiceField(
        label=_("Service destinataire"), queryset=Service.objects.none(), empty_label=None
    )
    reason = forms.CharField(
        label=_("Motif du transfert"),
        help_text=_("Visible des agents seulement."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, auto_id="transfer_%s", **kwargs)
        self.fields["service"].queryset = (
            Service.objects.filter(organization_id=case.organization_id)
            .exclude(pk=case.service_id)
            .only("pk", "name")
        )


def add_action_error(form, error: ValidationError, field: str | None = None) -> None:
    """Shows a domain action's ValidationError on `form`: keyed errors on their field when
    the form has it, the others on `field` (None: the whole form)."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else field, errors)
    else:
        form.add_error(field, error)


class SavedViewForm(forms.Form):
    """Names the inbox's current filters, for oneself or for a service."""

    name = forms.CharField(label=_("Nom de la vue"), max_length=80)
    service = ModelChoiceField(
        label=_("Partager avec"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Personne (vue personnelle)"),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, auto_id="view_%s", **kwargs)
        self.fields["service"].queryset = visible_services(membership).only("pk", "name")


INBOX_FILTER_KEYS = (
    "tab",
    "q",
    "procedure",
    "service",
    "state",
    "assignee",
    "channel",
    "since",
    "until",
    "label",
    "sort",
    "zone",
)


def inbox_query(data, membership) -> str:
    """The valid inbox filters of `data` as a query string (what a saved view keeps)."""
    return InboxFilterForm(data, membership=membership).query_string()


def _query_string(form) -> str:
    from urllib.parse import urlencode

    filters = form.filters()
    pairs = []
    for key in INBOX_FILTER_KEYS:
        value = filters.get(key)
        if value in (None, ""):
            continue
        if isinstance(value, datetime.date):
            value = value.isoformat()
        pairs.append((key, getattr(value, "pk", value)))
    return urlencode(pairs)


class BulkForm(forms.Form):
    """One action on the cases ticked in the inbox: assign them, or move them along."""

    ASSIGN, TRANSITION, LABEL = "assign", "transition", "label"
    EXPORT_CSV, EXPORT_XLSX = "export_csv", "export_xlsx"
    MAX_CASES = 200

    cases = forms.MultipleChoiceField(choices=[])  # references; checked against access later
    action = forms.ChoiceField(
        label=_("Action sur la sélection"),
        choices=[
            (ASSIGN, _("Attribuer à")),
            (TRANSITION, _("Changer l'état")),
            (LABEL, _("Ajouter une étiquette")),
            (EXPORT_CSV, _("Exporter en CSV")),
            (EXPORT_XLSX, _("Exporter en Excel")),
        ],
    )
    assignee = forms.ChoiceField(label=_("Agent"), required=False)
    transition = forms.CharField(label=_("Transition"), required=False, max_length=64)
    label = forms.CharField(
        label=_("Étiquette"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"list": "bulk-label-names", "autocomplete": "off"}),
    )

    def __init__(self, *args, membership, transitions=(), **kwargs):
        super().__init__(*args, auto_id="bulk_%s", **kwargs)
        self.fields["assignee"].choices = [
            ("", _("Personne")),
            *((str(agent.pk), str(agent)) for agent in agents_of(membership)),
        ]
        self.transitions = transitions

    def clean_cases(self):
        return self.data.getlist("cases")[: self.MAX_CASES]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == self.TRANSITION and not cleaned.get("transition"):
            self.add_error("transition", gettext("Choisissez la transition à appliquer."))
        if cleaned.get("action") == self.LABEL and not (cleaned.get("label") or "").strip():
            self.add_error("label", gettext("Indiquez l'étiquette à ajouter."))
        return cleaned

    def full_clean(self):
        # The references are any the inbox showed: the view keeps only those this member sees.
        self.fields["cases"].choices = [(ref, ref) for ref in self.data.getlist("cases")]
        super().full_clean()


class LabelForm(forms.Form):
    """A label to add to a case: an existing one or a new word."""

    label = forms.CharField(
        label=_("Ajouter une étiquette"),
        max_length=50,
        help_text=_("Choisissez une étiquette existante ou tapez-en une nouvelle."),
        widget=forms.TextInput(attrs={"list": "label-names", "autocomplete": "off"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="label_%s", **kwargs)


class LinkForm(forms.Form):
    """Links this case to another, or merges one of the two into the other."""

    LINK, UNLINK, MERGE_HERE, MERGE_THERE = "link", "unlink", "merge_here", "merge_there"

    other = forms.CharField(
        label=_("Référence de l'autre demande"),
        max_length=32,
        help_text=_("Par exemple GU-2026-000123."),
    )
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            (LINK, _("Lier les deux demandes")),
            (UNLINK, _("Délier")),
            (MERGE_HERE, _("Regrouper l'autre demande dans celle-ci (l'autre est clôturée)")),
            (MERGE_THERE, _("Clôturer celle-ci comme doublon de l'autre")),
        ],
        initial=LINK,
        required=False,  # a link when none is chosen
    )
    reason = forms.CharField(
        label=_("Motif (facultatif, pour les agents)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="link_%s", **kwargs)

    def clean_other(self):
        return self.cleaned_data["other"].strip().upper()

    def clean_action(self):
        return self.cleaned_data["action"] or self.LINK


ANSWER_PREFIX = "answer-"


class AnswersEditForm(forms.Form):
    """The answers of a case to correct: its version's answer fields but files, named
    "answer-<id>", shown as stored. The domain action (edit_answers) validates them with the
    form engine; this form renders them and carries its errors."""

    reason = forms.CharField(
        label=_("Motif de la correction"),
        help_text=_(
            "Le demandeur le lit dans le suivi de sa demande, avec les questions corrigées."
        ),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, data=None, *, case):
        self.items = [
            item
            for item in case.version.fields
            if isinstance(item, dict)
            and isinstance(item.get("id"), str)
            and is_answer(item)
            and item_type(item) != "file"
        ]
        if data is None:  # the answers as stored, in the widgets' format
            stored, _errors = form_data(self.items, case.data or {})
            data = QueryDict(mutable=True)
            for name, values in stored.lists():
                data.setlist(ANSWER_PREFIX + name, [v for v in values if v is not None])
        super().__init__(data, auto_id="id_%s")
        for item in self.items:
            field = form_field(item)
            field.required = False  # the engine decides, knowing which questions apply
            self.fields[ANSWER_PREFIX + item["id"]] = field
        self.fields["reason"] = self.fields.pop("reason")  # last, after the answers

    def full_clean(self):  # nothing judged here: see edit_answers
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}

    def answers(self):
        """The posted answers keyed by field id (and "id.part"), as the engine reads them."""
        result = QueryDict(mutable=True)
        for name, values in self.data.lists():
            if name.startswith(ANSWER_PREFIX):
                result.setlist(name.removeprefix(ANSWER_PREFIX), values)
        return result

    def add_action_errors(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, errors in error.error_dict.items():
            name = key if key == "reason" else ANSWER_PREFIX + key
            self.add_error(name if name in self.fields else None, errors)


class TeamFilterForm(forms.Form):
    service = ModelChoiceField(
        label=_("Service"), queryset=Service.objects.none(), required=False, empty_label=_("Tous")
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, auto_id="team_%s", **kwargs)
        self.fields["service"].queryset = visible_services(membership).only("pk", "name")


class ReassignForm(forms.Form):
    """Every open case of one agent to another (or to nobody), in one service or all."""

    source = ModelChoiceField(label=_("Demandes de"), queryset=User.objects.none())
    target = ModelChoiceField(
        label=_("Attribuer à"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("Personne (à attribuer)"),
    )
    service = ModelChoiceField(
        label=_("Dans le service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=_("Tous"),
    )

    def __init__(self, *args, membership, **kwargs):
        super().__init__(*args, auto_id="reassign_%s", **kwargs)
        agents = agents_of(membership).values("pk")
        # A former member may still hold cases: they can be taken from anyone who holds one.
        holders = Case.objects.visible_to(membership).open().values("assignee")
        self.fields["source"].queryset = User.objects.filter(
            Q(pk__in=agents) | Q(pk__in=holders)
        ).order_by("first_name", "last_name", "email")
        self.fields["target"].queryset = User.objects.filter(
            pk__in=agents, is_active=True
        ).order_by("first_name", "last_name", "email")
        self.fields["service"].queryset = visible_services(membership).only("pk", "name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("source") == cleaned.get("target"):
            self.add_error("target", gettext("Choisissez un autre agent que celui qui les a."))
        return cleaned
