"""The English beside the French in the forms of services, places, agendas and meeting
types: one optional English input per text that citizens read, saved into the object's
`translations` ({"en": {...}}; their `localized` shows the French where it is blank)."""

from django import forms
from django.utils.translation import gettext_lazy

ENGLISH_LABEL = gettext_lazy("%(label)s en anglais")


def add_english_fields(form: forms.Form, names: tuple) -> None:
    """An `<name>_en` input after each French field of `names`, of the same kind."""
    for name in names:
        french = form.fields[name]
        widget = (
            forms.Textarea(attrs={"rows": 3, "lang": "en"})
            if isinstance(french.widget, forms.Textarea)
            else forms.TextInput(attrs={"lang": "en"})
        )
        form.fields[f"{name}_en"] = forms.CharField(
            label=ENGLISH_LABEL % {"label": french.label},
            required=False,
            max_length=getattr(french, "max_length", None),
            widget=widget,
            help_text=gettext_lazy("Vide : les lecteurs en anglais voient le français."),
        )


def english_values(cleaned: dict, names: tuple) -> dict:
    """The `translations` document from the form's English inputs."""
    english = {name: cleaned[f"{name}_en"].strip() for name in names if cleaned.get(f"{name}_en")}
    return {"en": english} if english else {}


def french_and_translations(cleaned: dict, names: tuple) -> dict:
    """The form's values as a domain write takes them: the French fields as they are, the
    English inputs gathered into `translations`."""
    english = {f"{name}_en" for name in names}
    values = {name: value for name, value in cleaned.items() if name not in english}
    return values | {"translations": english_values(cleaned, names)}


def english_initial(obj, names: tuple) -> dict:
    texts = obj.translations.get("en") if isinstance(obj.translations, dict) else None
    texts = texts if isinstance(texts, dict) else {}
    return {f"{name}_en": texts.get(name, "") for name in names}


def side_by_side(form: forms.Form, names: tuple) -> list:
    """(French field, English field) pairs, for the template."""
    return [(form[name], form[f"{name}_en"]) for name in names]
