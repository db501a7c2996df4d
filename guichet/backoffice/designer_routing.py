"""The designer's routing editor: which service receives a new case, rule by rule.

The rules are rows (a condition on the answers and/or on the place → a service), read in
order; each is edited with a form (a field, an operator and a value; a place: the service's
own zone, or a zone drawn for the rule on a map, or pasted / imported as GeoJSON without
JavaScript), moved up or down with buttons, removed after a confirmation. "Tester un cas"
says which rule and which service a given set of answers and point would get, with the very
evaluator that routes filed cases (catalog.routing.decide_route) on the draft's rules. The
rules' JSON document stays editable below, for import and export.

The writes go through catalog.routing_actions (one rule) and update_procedure_routing (the
document), which both judge the rules with routing_errors.
"""

import json

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from guichet.catalog import actions, routing_actions
from guichet.catalog.conditions import OPERATOR_WORDS, OPERATORS, referenced_fields
from guichet.catalog.formschema import LAYOUT_TYPES, evaluate_form, form_field, item_type
from guichet.catalog.routing import DEFAULT, decide_route
from guichet.core.http import see_other
from guichet.lib.geo import area_errors
from guichet.organization.models import Service

from .decorators import admin_required
from .designer import (
    SECTIONS,
    condition_text,
    draft_changed,
    get_procedure_for_admin,
)
from .designer_forms import JsonDocumentForm

SECTION = "procedure_routing"
TEST_PREFIX = "essai-"
# The zone of a rule: none, the service's own area, or one drawn for the rule.
PLACE_NONE, PLACE_SERVICE, PLACE_ZONE = "none", "service", "zone"
ZONE_FILE_MAX = 2 * 1024 * 1024
VALUELESS = ("empty", "not_empty")
DOCUMENT_LABEL = gettext_lazy("Règles d'orientation (JSON)")
DOCUMENT_HELP = gettext_lazy(
    "Une liste de règles, la première qui s'applique désigne le service. Par exemple "
    '[{"service": "voirie-nord", "when": {"field": "quartier", "op": "equals", '
    '"value": "Nord"}}, {"location": true}]. Une liste vide : toutes les demandes '
    "vont au service destinataire."
)


def _render(request, template, procedure, context=None, *, status=200):
    return render(
        request,
        f"backoffice/designer/{template}",
        {
            "procedure": procedure,
            "section": SECTION,
            "section_title": dict(SECTIONS)[SECTION],
            "sections": SECTIONS,
            "draft_changed": draft_changed(procedure),
            "nav": "designer",
            "has_errors": status >= 400,
            **(context or {}),
        },
        status=status,
    )


def _answer_items(procedure) -> list[dict]:
    return [
        item
        for item in procedure.fields or []
        if isinstance(item, dict)
        and isinstance(item.get("id"), str)
        and item_type(item) not in LAYOUT_TYPES
        and item_type(item) != "file"
    ]


def _services(procedure) -> list[Service]:
    return list(
        Service.objects.filter(organization_id=procedure.organization_id).order_by("name", "pk")
    )


def _rules(procedure) -> list:
    return procedure.routing if isinstance(procedure.routing, list) else []


def _rule(procedure, number: int) -> dict:
    rules = _rules(procedure)
    if not 1 <= number <= len(rules) or not isinstance(rules[number - 1], dict):
        raise Http404
    return rules[number - 1]


# --- Rules in words ---------------------------------------------------------------------------


def place_text(rule: dict) -> str:
    if "area" in rule:
        return _("le point est dans la zone dessinée pour cette règle")
    if rule.get("location") is True:
        if rule.get("service"):
            return _("le point est dans le secteur du service")
        return _("le point est dans le secteur d'un service")
    return ""


def service_text(rule: dict, names: dict) -> str:
    slug = rule.get("service")
    if slug:
        return names.get(slug, _("service inconnu « %(slug)s »") % {"slug": slug})
    return _("le premier service (par nom) dont le secteur contient le point")


def rule_rows(procedure, services) -> list[dict]:
    labels = {item["id"]: item.get("label") or item["id"] for item in _answer_items(procedure)}
    names = {service.slug: service.name for service in services}
    rules = _rules(procedure)
    rows = []
    for index, rule in enumerate(rules):
        if not isinstance(rule, dict):
            continue
        rows.append(
            {
                "number": index + 1,
                "condition": condition_text(rule.get("when"), labels),
                "place": place_text(rule),
                "service": service_text(rule, names),
                "has_zone": "area" in rule,
                "first": index == 0,
                "last": index == len(rules) - 1,
            }
        )
    return rows


# --- One rule's form --------------------------------------------------------------------------


class RuleForm(forms.Form):
    """One routing rule: a condition on an answer, a place, and the service it designates."""

    service = forms.ChoiceField(label=gettext_lazy("Service qui reçoit la demande"), required=False)
    field = forms.ChoiceField(label=gettext_lazy("Condition sur la réponse à"), required=False)
    op = forms.ChoiceField(
        label=gettext_lazy("Opérateur"),
        required=False,
        # "is one of" takes a list, which this form's single value cannot hold.
        choices=[(op, OPERATOR_WORDS[op]) for op in OPERATORS if op != "in"],
    )
    value = forms.CharField(
        label=gettext_lazy("Valeur"),
        required=False,
        max_length=500,
        help_text=gettext_lazy(
            "Pour un champ oui / non : « Oui » ou « Non » ; pour une liste : l'un de ses choix."
        ),
    )
    place = forms.ChoiceField(
        label=gettext_lazy("Condition sur le lieu"),
        widget=forms.RadioSelect,
        choices=[
            (PLACE_NONE, gettext_lazy("Aucune : le lieu n'est pas regardé")),
            (PLACE_SERVICE, gettext_lazy("Le point de la demande est dans le secteur du service")),
            (PLACE_ZONE, gettext_lazy("Le point de la demande est dans la zone ci-dessous")),
        ],
        initial=PLACE_NONE,
    )
    zone = forms.CharField(
        label=gettext_lazy("Zone (GeoJSON)"),
        required=False,
        help_text=gettext_lazy(
            "Dessinez la zone sur la carte, ou collez une géométrie GeoJSON de type Polygon ou "
            "MultiPolygon, positions en [longitude, latitude]."
        ),
        widget=forms.Textarea(attrs={"rows": 6, "class": "code", "spellcheck": "false"}),
    )
    zone_file = forms.FileField(
        label=gettext_lazy("Ou importer la zone d'un fichier GeoJSON"),
        required=False,
        help_text=gettext_lazy("Un fichier .geojson ou .json de 2 Mo au plus."),
        widget=forms.ClearableFileInput(attrs={"accept": ".geojson,.json,application/geo+json"}),
    )

    def __init__(self, *args, procedure, services, rule=None, **kwargs):
        super().__init__(*args, auto_id="rule_%s", **kwargs)
        self.items = {item["id"]: item for item in _answer_items(procedure)}
        self.rule = rule or {}
        self.fields["service"].choices = [
            ("", _("Le premier service (par nom) dont le secteur contient le point")),
            *[(service.slug, service.name) for service in services],
        ]
        field_choices = [("", _("Aucune condition sur les réponses"))]
        when = self.rule.get("when")
        self.kept_condition = ""
        if when and not _simple(when):
            labels = {key: item.get("label") or key for key, item in self.items.items()}
            self.kept_condition = condition_text(when, labels)
            field_choices.append(("__keep__", _("La condition actuelle (plusieurs critères)")))
        field_choices += [(key, item.get("label") or key) for key, item in self.items.items()]
        self.fields["field"].choices = field_choices
        if not self.is_bound and rule:
            self.initial = _initial(rule)

    def clean_zone_file(self):
        upload = self.cleaned_data.get("zone_file")
        if not upload:
            return None
        if upload.size > ZONE_FILE_MAX:
            raise ValidationError(_("Le fichier dépasse 2 Mo."))
        try:
            return upload.read().decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise ValidationError(_("Ce fichier n'est pas un texte GeoJSON.")) from error

    def clean(self):
        cleaned = super().clean()
        field, op = cleaned.get("field"), cleaned.get("op")
        if field and field != "__keep__" and op not in VALUELESS and not cleaned.get("value"):
            self.add_error("value", _("Indiquez la valeur à comparer."))
        place = cleaned.get("place")
        text = cleaned.get("zone_file") or (cleaned.get("zone") or "").strip()
        cleaned["area"] = None
        if place == PLACE_ZONE:
            if not text:
                self.add_error("zone", _("Dessinez la zone, collez-la ou importez-la."))
            else:
                cleaned["area"] = self._area(text)
        if place in (PLACE_NONE, PLACE_ZONE) and not cleaned.get("service"):
            self.add_error(
                "service",
                _(
                    "Choisissez le service : seule une règle sur le secteur des services peut "
                    "laisser le service au lieu."
                ),
            )
        return cleaned

    def _area(self, text: str):
        try:
            area = json.loads(text)
        except ValueError:
            self.add_error("zone", _("La zone n'est pas un document JSON lisible."))
            return None
        # A drawing tool or a GIS export gives a Feature or a collection of one: its geometry.
        if isinstance(area, dict) and area.get("type") == "FeatureCollection":
            features = area.get("features") or []
            geometries = [f.get("geometry") for f in features if isinstance(f, dict)]
            area = _merge(geometries)
        elif isinstance(area, dict) and area.get("type") == "Feature":
            area = area.get("geometry")
        errors = area_errors(area)
        if errors:
            for error in errors:
                self.add_error("zone", error)
            return None
        return area

    def to_rule(self) -> dict:
        cleaned = self.cleaned_data
        rule = {}
        if cleaned["service"]:
            rule["service"] = cleaned["service"]
        field = cleaned["field"]
        if field == "__keep__":
            rule["when"] = self.rule.get("when")
        elif field:
            condition = {"field": field, "op": cleaned["op"]}
            if cleaned["op"] not in VALUELESS:
                condition["value"] = _typed(self.items.get(field, {}), cleaned["value"])
            rule["when"] = condition
        if cleaned["place"] == PLACE_SERVICE:
            rule["location"] = True
        elif cleaned["place"] == PLACE_ZONE:
            rule["area"] = cleaned["area"]
        return rule


def _simple(condition) -> bool:
    return isinstance(condition, dict) and "field" in condition and "op" in condition


def _merge(geometries) -> dict | None:
    """Polygons of several features as one MultiPolygon (a zone in several parts)."""
    polygons = []
    for geometry in geometries:
        if not isinstance(geometry, dict):
            return None
        if geometry.get("type") == "Polygon":
            polygons.append(geometry.get("coordinates"))
        elif geometry.get("type") == "MultiPolygon":
            polygons.extend(geometry.get("coordinates") or [])
        else:
            return geometry
    if len(polygons) == 1:
        return {"type": "Polygon", "coordinates": polygons[0]}
    return {"type": "MultiPolygon", "coordinates": polygons} if polygons else None


def _typed(item: dict, value: str):
    """The value as the answers hold it: a boolean for yes / no, a number for a number."""
    kind = item_type(item) if item else "text"
    if kind == "yesno":
        folded = value.strip().casefold()
        if folded in ("oui", "yes", "true", "vrai"):
            return True
        if folded in ("non", "no", "false", "faux"):
            return False
    if kind == "number":
        try:
            number = float(value.replace(",", "."))
        except ValueError:
            return value
        return int(number) if number.is_integer() else number
    return value.strip()


def _initial(rule: dict) -> dict:
    when = rule.get("when")
    initial = {"service": rule.get("service") or ""}
    if _simple(when):
        value = when.get("value", "")
        if isinstance(value, bool):
            value = _("Oui") if value else _("Non")
        initial.update({"field": when.get("field"), "op": when.get("op"), "value": value})
    elif when:
        initial["field"] = "__keep__"
    if "area" in rule:
        initial["place"] = PLACE_ZONE
        initial["zone"] = json.dumps(rule["area"], ensure_ascii=False)
    elif rule.get("location") is True:
        initial["place"] = PLACE_SERVICE
    else:
        initial["place"] = PLACE_NONE
    return initial


# --- "Tester un cas" --------------------------------------------------------------------------


class TestCaseForm(forms.Form):
    """Answers and a point, to see which rule would route them."""

    latitude = forms.DecimalField(
        label=gettext_lazy("Latitude"),
        required=False,
        min_value=-90,
        max_value=90,
        help_text=gettext_lazy("En degrés décimaux, par exemple 48.8566."),
    )
    longitude = forms.DecimalField(
        label=gettext_lazy("Longitude"),
        required=False,
        min_value=-180,
        max_value=180,
        help_text=gettext_lazy("En degrés décimaux, par exemple 2.3522."),
    )

    def __init__(self, data=None, *, items):
        super().__init__(data, auto_id="test_%s")
        self.answer_names = []
        for item in items:
            name = TEST_PREFIX + item["id"]
            field = form_field({**item, "required": False})
            self.fields[name] = field
            self.answer_names.append(name)

    def answer_fields(self):
        return [self[name] for name in self.answer_names]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error(
                "latitude", _("Une position a besoin d'une latitude et d'une longitude.")
            )
        return cleaned


def _tested_items(procedure) -> list[dict]:
    """The answer fields that the rules read, in form order."""
    read = set()
    for rule in _rules(procedure):
        if isinstance(rule, dict) and rule.get("when"):
            read |= referenced_fields(rule["when"])
    return [item for item in _answer_items(procedure) if item["id"] in read]


def test_case(procedure, form: TestCaseForm, services) -> dict:
    """Which rule and which service the answers and point of `form` (valid) would get."""
    data = MultiValueDict(
        {
            name.removeprefix(TEST_PREFIX): form.data.getlist(name)
            for name in form.data
            if name.startswith(TEST_PREFIX)
        }
    )
    # The answers as a filing would store them: hidden fields dropped, values typed.
    state = evaluate_form(procedure.fields or [], data, with_files=False)
    latitude, longitude = form.cleaned_data["latitude"], form.cleaned_data["longitude"]
    decision = decide_route(
        version=procedure,
        organization=procedure.organization_id,
        answers=state.answers,
        latitude=float(latitude) if latitude is not None else None,
        longitude=float(longitude) if longitude is not None else None,
        default_service=procedure.service,
    )
    rows = {row["number"]: row for row in rule_rows(procedure, services)}
    number = None if decision.rule == DEFAULT else decision.rule + 1
    return {"number": number, "row": rows.get(number), "service": decision.service}


# --- Views ------------------------------------------------------------------------------------


def _editor_page(request, procedure, *, document_form=None, status=200):
    services = _services(procedure)
    items = _tested_items(procedure)
    testing = "essai" in request.GET
    test_form = TestCaseForm(request.GET if testing else None, items=items)
    result = None
    if testing and test_form.is_valid():
        result = test_case(procedure, test_form, services)
    elif testing:
        status = 400
    if document_form is None:
        document_form = JsonDocumentForm(
            expected=list, label=DOCUMENT_LABEL, help_text=DOCUMENT_HELP, value=procedure.routing
        )
    context = {
        "rows": rule_rows(procedure, services),
        "services": services,
        "test_form": test_form,
        "testing": testing,
        "result": result,
        "form": document_form,
        "has_map": True,
        "json_open": document_form.is_bound,
    }
    return _render(request, "routing_editor.html", procedure, context, status=status)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def routing_editor(request, pk):
    """The rules as rows, "Tester un cas", and the whole document (JSON) to edit or paste."""
    procedure = get_procedure_for_admin(request, pk)
    if request.method != "POST":
        return _editor_page(request, procedure)
    form = JsonDocumentForm(
        request.POST, expected=list, label=DOCUMENT_LABEL, help_text=DOCUMENT_HELP
    )
    if form.is_valid():
        try:
            actions.update_procedure_routing(
                procedure=procedure, routing=form.cleaned_data["document"], actor=request.user
            )
        except ValidationError as error:
            form.add_error("document", error)
        else:
            messages.success(request, _("Les règles d'orientation sont enregistrées."))
            return see_other(reverse("backoffice:procedure_routing", args=[procedure.pk]))
    return _editor_page(request, procedure, document_form=form, status=400)


def _rule_page(request, procedure, form, *, title, status=200):
    context = {"form": form, "rule_title": title, "has_map": True}
    return _render(request, "routing_rule.html", procedure, context, status=status)


def _save_rule(request, procedure, *, number=None):
    services = _services(procedure)
    rule = _rule(procedure, number) if number else None
    if number:
        title = _("Modifier la règle n° %(n)s") % {"n": number}
    else:
        title = _("Ajouter une règle d'orientation")
    if request.method != "POST":
        form = RuleForm(procedure=procedure, services=services, rule=rule)
        return _rule_page(request, procedure, form, title=title)
    form = RuleForm(request.POST, request.FILES, procedure=procedure, services=services, rule=rule)
    if form.is_valid():
        try:
            if number:
                routing_actions.change_routing_rule(
                    procedure=procedure, index=number - 1, rule=form.to_rule(), actor=request.user
                )
            else:
                routing_actions.add_routing_rule(
                    procedure=procedure, rule=form.to_rule(), actor=request.user
                )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            saved = number or len(_rules(procedure)) + 1
            messages.success(request, _("La règle n° %(n)s est enregistrée.") % {"n": saved})
            url = reverse("backoffice:procedure_routing", args=[procedure.pk])
            return see_other(f"{url}#rule-{saved}")
    return _rule_page(request, procedure, form, title=title, status=400)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def routing_rule_add(request, pk):
    return _save_rule(request, get_procedure_for_admin(request, pk))


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def routing_rule_edit(request, pk, number):
    return _save_rule(request, get_procedure_for_admin(request, pk), number=number)


@admin_required(hide_from_outsiders=True)
@require_POST
def routing_rule_move(request, pk, number):
    procedure = get_procedure_for_admin(request, pk)
    _rule(procedure, number)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    url = reverse("backoffice:procedure_routing", args=[procedure.pk])
    if offset is None:
        messages.error(request, _("Choisissez de monter ou de descendre."))
        response = _editor_page(request, procedure, status=400)
        return response
    try:
        routing_actions.move_routing_rule(
            procedure=procedure, index=number - 1, offset=offset, actor=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return _editor_page(request, procedure, status=400)
    target = max(1, min(len(_rules(procedure)), number + offset))
    if offset < 0:
        text = _("La règle n° %(n)s passe en n° %(target)s : elle est lue plus tôt.")
    else:
        text = _("La règle n° %(n)s passe en n° %(target)s : elle est lue plus tard.")
    messages.success(request, text % {"n": number, "target": target})
    return see_other(f"{url}#rule-{target}")


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def routing_rule_remove(request, pk, number):
    procedure = get_procedure_for_admin(request, pk)
    rule = _rule(procedure, number)
    errors, status = [], 200
    if request.method == "POST":
        try:
            routing_actions.remove_routing_rule(
                procedure=procedure, index=number - 1, actor=request.user
            )
        except ValidationError as error:
            errors, status = error.messages, 400
        else:
            messages.success(request, _("La règle n° %(n)s est supprimée.") % {"n": number})
            return see_other(reverse("backoffice:procedure_routing", args=[procedure.pk]))
    services = _services(procedure)
    row = next(row for row in rule_rows(procedure, services) if row["number"] == number)
    context = {"row": row, "rule": rule, "errors": errors}
    return _render(request, "routing_rule_remove.html", procedure, context, status=status)
