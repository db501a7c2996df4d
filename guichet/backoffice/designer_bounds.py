"""A date's or a number's bounds in the designer's field form (formschema/bounds.py): each
of a date's "after" and "before" as four inputs, each of a number's "at_least" and
"at_most" as three (another number of the form, "strict", the message), so that no
administrator writes their JSON."""

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from guichet.catalog.formschema.bounds import (
    BOUND_DIRECTIONS,
    MAX_DAYS_FROM_TODAY,
    MAX_MESSAGE_LENGTH,
    NUMBER_DIRECTIONS,
)


class BoundsMixin:
    """For FieldForm: `self.others` (the other items), `_earlier_ids(cleaned)` (the ids placed
    before the item) and `self.fields` come from it."""

    def _add_number_bound(self, direction: str) -> None:
        """A number bound: another number of the form, "strict" and the error message."""
        word = _("Au moins") if direction == "at_least" else _("Au plus")
        numbers = [item for item in self.others if item.get("type") == "number" and item.get("id")]
        self.fields[f"{direction}_ref"] = forms.ChoiceField(
            label=gettext("%(word)s : la réponse à une autre question") % {"word": word},
            choices=[
                ("", _("Aucune limite")),
                *[
                    (
                        f"field:{item['id']}",
                        gettext("Le nombre « %(label)s »")
                        % {"label": item.get("label") or item["id"]},
                    )
                    for item in numbers
                ],
            ],
            required=False,
            help_text=_(
                "Facultatif. Un autre nombre, demandé avant dans le formulaire ; les valeurs "
                "fixes se règlent ci-dessus."
            ),
        )
        self._add_strict_and_message(direction, word)

    def _add_bound(self, direction: str) -> None:
        if direction in NUMBER_DIRECTIONS:
            self._add_number_bound(direction)
        else:
            self._add_date_bound(direction)

    def _add_date_bound(self, direction: str) -> None:
        """A date bound (formschema/bounds.py) as four inputs: its reference (another date of
        the form, or today plus some days), the days, "strict" and the error message."""
        word = _("Pas avant") if direction == "after" else _("Pas après")
        dates = [item for item in self.others if item.get("type") == "date" and item.get("id")]
        self.fields[f"{direction}_ref"] = forms.ChoiceField(
            label=word,
            choices=[
                ("", _("Aucune limite")),
                ("today", _("Aujourd'hui, plus ou moins un nombre de jours")),
                *[
                    (
                        f"field:{item['id']}",
                        gettext("La date « %(label)s »")
                        % {"label": item.get("label") or item["id"]},
                    )
                    for item in dates
                ],
            ],
            required=False,
            help_text=_("Facultatif. Une autre date doit être placée avant dans le formulaire."),
        )
        self.fields[f"{direction}_days"] = forms.IntegerField(
            label=gettext("%(word)s : nombre de jours à partir d'aujourd'hui") % {"word": word},
            help_text=_("Avec « Aujourd'hui » : 0 pour le jour même, négatif pour le passé."),
            min_value=-MAX_DAYS_FROM_TODAY,
            max_value=MAX_DAYS_FROM_TODAY,
            required=False,
        )
        self._add_strict_and_message(direction, word)

    def _add_strict_and_message(self, direction: str, word) -> None:
        self.fields[f"{direction}_strict"] = forms.BooleanField(
            label=gettext("%(word)s : refuser aussi le jour même") % {"word": word}
            if direction in BOUND_DIRECTIONS
            else gettext("%(word)s : refuser aussi l'égalité") % {"word": word},
            required=False,
        )
        self.fields[f"{direction}_message"] = forms.CharField(
            label=gettext("%(word)s : message d'erreur") % {"word": word},
            help_text=_("Facultatif. Par défaut, un message qui cite la date limite.")
            if direction in BOUND_DIRECTIONS
            else _("Facultatif. Par défaut, un message qui cite la réponse à respecter."),
            max_length=MAX_MESSAGE_LENGTH,
            required=False,
        )

    @staticmethod
    def _bound_initial(bound) -> dict:
        if not isinstance(bound, dict):
            return {}
        initial = {"strict": bound.get("strict") is True, "message": bound.get("message", "")}
        if isinstance(bound.get("field"), str):
            initial["ref"] = f"field:{bound['field']}"
        elif "days_from_today" in bound:
            initial["ref"] = "today"
            initial["days"] = bound["days_from_today"]
        return initial

    def _clean_bound(self, direction: str, cleaned) -> dict | None:
        """The bound the four inputs make (None for none); errors next to the input."""
        reference = cleaned.get(f"{direction}_ref") or ""
        if not reference:
            return None
        bound = {}
        if reference == "today":
            days = cleaned.get(f"{direction}_days")
            if days is None:
                if f"{direction}_days" not in self.errors:
                    self.add_error(
                        f"{direction}_days",
                        _("Indiquez un nombre de jours (0 pour aujourd'hui)."),
                    )
                return None
            bound["days_from_today"] = days
        else:
            field_id = reference.removeprefix("field:")
            if field_id not in self._earlier_ids(cleaned):
                if direction in BOUND_DIRECTIONS:
                    message = _(
                        "« %(field)s » est placé après cet élément : une date ne se compare "
                        "qu'aux dates demandées avant."
                    )
                else:
                    message = _(
                        "« %(field)s » est placé après cet élément : un nombre ne se compare "
                        "qu'aux nombres demandés avant."
                    )
                self.add_error(f"{direction}_ref", message % {"field": field_id})
                return None
            bound["field"] = field_id
        if cleaned.get(f"{direction}_strict"):
            bound["strict"] = True
        message = (cleaned.get(f"{direction}_message") or "").strip()
        if message:
            bound["message"] = message
        return bound
