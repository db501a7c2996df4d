"""Procedures in other languages than French (docs/procedures.md, `translations`).

French is the reference: the five documents are written in French. A procedure's
`translations` holds, per language, the texts that citizens read, keyed by what they
translate:

    {"en": {
        "title": "...", "summary": "...", "description": "...", "to_prepare": "...",
        "fields": {"<field id>": {"label": "...", "help": "...", "placeholder": "...",
                                   "pattern_message": "...", "after_message": "...",
                                   "before_message": "...", "at_least_message": "...",
                                   "at_most_message": "...",
                                   "choices": {"<French choice>": "<English>"}}},
        "states": {"<state code>": {"label": "..."}},
        "templates": {"<template key>": {"subject": "...", "body": "..."}}}}

Every function here is pure: it overlays a language onto the French, text by text, and
keeps the French wherever the translation is missing or blank. Answers stay French (a
choice's value is its French text, what conditions and routing compare): only what is shown
changes. The title, summary, description and what to prepare are read from the procedure
(they are not versioned); the fields, states and templates from the version a case or form
uses, which froze the translations with its French at publication.
"""

import copy
from dataclasses import dataclass, field

from django.utils.translation import get_language, gettext, override

LANGUAGES = ("en",)
PROCEDURE_TEXTS = ("title", "summary", "description", "to_prepare")
FIELD_TEXTS = ("label", "help", "placeholder", "pattern_message")
BOUND_TEXTS = {
    "after": "after_message",
    "before": "before_message",
    "at_least": "at_least_message",
    "at_most": "at_most_message",
}
TEMPLATE_TEXTS = ("subject", "body")


def target_language(language: str | None = None) -> str | None:
    """The language to overlay: `language` or the active one; None for French."""
    code = (language or get_language() or "fr")[:2]
    return code if code in LANGUAGES else None


def texts_for(translations, language: str | None) -> dict:
    """The translations of one language, {} when there are none or the document is odd."""
    if not language or not isinstance(translations, dict):
        return {}
    texts = translations.get(language)
    return texts if isinstance(texts, dict) else {}


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def _pick(texts: dict, key: str, french):
    """The translated text when there is one, the French otherwise."""
    return _text(texts.get(key)) or french


def _part(texts: dict, part: str, key: str) -> dict:
    section = texts.get(part)
    entry = section.get(key) if isinstance(section, dict) else None
    return entry if isinstance(entry, dict) else {}


# --- Overlays ---------------------------------------------------------------------------------


def procedure_text(procedure, name: str, language: str | None = None) -> str:
    """The procedure's title, summary, description or things to prepare in the language."""
    texts = texts_for(procedure.translations, target_language(language))
    return _pick(texts, name, getattr(procedure, name))


def localized_fields(fields, translations, language: str | None = None) -> list:
    """The form's items with their texts in the language. A choice keeps its French value;
    its label to show is in `choice_labels` (read by catalog.formschema.fields)."""
    texts = texts_for(translations, target_language(language))
    if not texts or not isinstance(fields, list):
        return fields
    localized = []
    for item in fields:
        if not isinstance(item, dict):
            localized.append(item)
            continue
        entry = _part(texts, "fields", str(item.get("id", "")))
        if not entry:
            localized.append(item)
            continue
        item = copy.deepcopy(item)
        for key in FIELD_TEXTS:
            if key in item and _text(entry.get(key)):
                item[key] = _text(entry[key])
        for direction, key in BOUND_TEXTS.items():
            bound = item.get(direction)
            if isinstance(bound, dict) and "message" in bound and _text(entry.get(key)):
                bound["message"] = _text(entry[key])
        choices = entry.get("choices")
        if isinstance(choices, dict) and isinstance(item.get("choices"), list):
            item["choice_labels"] = {
                choice: _text(choices.get(choice))
                for choice in item["choices"]
                if isinstance(choice, str) and _text(choices.get(choice))
            }
        localized.append(item)
    return localized


def localized_workflow(workflow, translations, language: str | None = None):
    """The workflow with its states' labels for citizens in the language (agents' labels,
    read in the back office, stay French)."""
    texts = texts_for(translations, target_language(language))
    if not texts or not isinstance(workflow, dict) or not isinstance(workflow.get("states"), list):
        return workflow
    workflow = dict(workflow)
    states = []
    for state in workflow["states"]:
        label = _text(_part(texts, "states", str(state.get("code", ""))).get("label"))
        if isinstance(state, dict) and label:
            state = {**state, "label": label}
            # The agent's label defaulted to the citizen's: it stays the French one.
            state.setdefault("agent_label", workflow_state_french(workflow, state["code"]))
        states.append(state)
    workflow["states"] = states
    return workflow


def workflow_state_french(workflow: dict, code: str) -> str:
    for state in workflow.get("states", []):
        if isinstance(state, dict) and state.get("code") == code:
            return state.get("agent_label") or state.get("label", "")
    return ""


def localized_template(template, translations, key: str, language: str | None = None):
    """A notification template (subject and body) in the language, per text."""
    texts = texts_for(translations, target_language(language))
    if not texts or not isinstance(template, dict):
        return template
    entry = _part(texts, "templates", key)
    return {
        **template,
        **{name: _pick(entry, name, template.get(name, "")) for name in TEMPLATE_TEXTS},
    }


# --- What there is to translate ---------------------------------------------------------------


@dataclass
class Entry:
    """One French text and its translation (blank when missing)."""

    path: tuple  # where the translation goes, e.g. ("fields", "nom", "choices", "Oui")
    label: str  # what the text is, for the translator
    french: str
    translation: str = ""
    multiline: bool = False
    # The software's own English for a text it ships (the default workflow's state labels,
    # in the message catalogue): shown when the procedure gives none.
    catalogue: str = ""

    @property
    def missing(self) -> bool:
        return not (self.translation or self.catalogue)


@dataclass
class Group:
    """The texts of one part of the procedure: its description, a step, a field..."""

    key: str
    title: str
    entries: list = field(default_factory=list)

    @property
    def missing(self) -> int:
        return sum(1 for entry in self.entries if entry.missing)


def _lookup(texts: dict, path: tuple) -> str:
    node = texts
    for step in path:
        if not isinstance(node, dict):
            return ""
        node = node.get(step)
    return _text(node)


def translatable_groups(procedure, language: str = "en", labels: dict | None = None) -> list:
    """Every French text of the procedure's draft that citizens read, grouped by part, with
    its translation. `labels` names the kinds of text (the designer passes translated ones)."""
    names = {
        "title": "Titre",
        "summary": "Résumé",
        "description": "Description",
        "to_prepare": "À préparer",
        "label": "Libellé",
        "help": "Aide",
        "placeholder": "Exemple de saisie",
        "pattern_message": "Message si le format est faux",
        "after_message": "Message si la date est trop tôt",
        "before_message": "Message si la date est trop tard",
        "at_least_message": "Message si le nombre est trop petit",
        "at_most_message": "Message si le nombre est trop grand",
        "choice": "Choix",
        "state": "Libellé pour le demandeur",
        "subject": "Objet",
        "body": "Texte",
        "description_group": "Présentation de la démarche",
        "states_group": "États du traitement",
        "template_group": "Modèle",
    }
    names.update(labels or {})
    texts = texts_for(procedure.translations, language)

    def entry(path, label, french, multiline=False):
        return Entry(path, label, french, _lookup(texts, path), multiline)

    groups = []
    described = Group("description", names["description_group"])
    for name in PROCEDURE_TEXTS:
        french = _text(getattr(procedure, name))
        if french:
            described.entries.append(
                entry((name,), names[name], french, name in ("description", "to_prepare"))
            )
    groups.append(described)
    for item in procedure.fields if isinstance(procedure.fields, list) else []:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        item_id = str(item["id"])
        group = Group(f"field-{item_id}", _text(item.get("label")) or item_id)
        for key in FIELD_TEXTS:
            if _text(item.get(key)):
                group.entries.append(
                    entry(("fields", item_id, key), names[key], _text(item[key]), key == "help")
                )
        for direction, key in BOUND_TEXTS.items():
            bound = item.get(direction)
            if isinstance(bound, dict) and _text(bound.get("message")):
                group.entries.append(
                    entry(("fields", item_id, key), names[key], _text(bound["message"]))
                )
        for choice in item.get("choices") or []:
            if isinstance(choice, str) and choice.strip():
                group.entries.append(
                    entry(("fields", item_id, "choices", choice), names["choice"], choice)
                )
        if group.entries:
            groups.append(group)
    workflow = procedure.workflow if isinstance(procedure.workflow, dict) else {}
    states = Group("states", names["states_group"])
    for state in workflow.get("states", []):
        if isinstance(state, dict) and _text(state.get("label")) and state.get("code"):
            code, french = str(state["code"]), _text(state["label"])
            found = entry(("states", code, "label"), f"{names['state']} « {code} »", french)
            with override(language):
                shipped = gettext(french)
            found.catalogue = shipped if shipped != french else ""
            states.entries.append(found)
    if states.entries:
        groups.append(states)
    templates = procedure.templates if isinstance(procedure.templates, dict) else {}
    for key, template in templates.items():
        if not isinstance(template, dict):
            continue
        group = Group(f"template-{key}", f"{names['template_group']} « {key} »")
        for name in TEMPLATE_TEXTS:
            if _text(template.get(name)):
                group.entries.append(
                    entry(
                        ("templates", key, name), names[name], _text(template[name]), name == "body"
                    )
                )
        if group.entries:
            groups.append(group)
    return groups


def missing_count(procedure, language: str = "en") -> int:
    """How many French texts of the draft have no translation in `language`."""
    return sum(group.missing for group in translatable_groups(procedure, language))


def with_translations(translations, language: str, values: list[tuple[tuple, str]]) -> dict:
    """`translations` with the texts of `language` replaced by `values` ((path, text) pairs
    as `translatable_groups` gives them). Blank texts are left out; the other languages are
    kept. What no longer matches a French text (a field removed) is dropped."""
    document = {}
    for path, value in values:
        value = value.strip() if isinstance(value, str) else ""
        if not value:
            continue
        node = document
        for step in path[:-1]:
            node = node.setdefault(step, {})
        node[path[-1]] = value
    result = {
        code: texts
        for code, texts in (translations.items() if isinstance(translations, dict) else [])
        if code != language
    }
    if document:
        result[language] = document
    return result


def version_fields(version, language: str | None = None) -> list:
    """A published version's form in the language, with the translations frozen with it."""
    return localized_fields(version.fields or [], version.translations, language)


def shape_errors(translations) -> list[str]:
    """What is wrong with a `translations` document's shape (imports check it): an object
    of languages, each an object whose leaves are texts. Empty messages when it is sound;
    the messages are plain paths, for the caller to put in a sentence."""
    if not isinstance(translations, dict):
        return ["translations"]
    errors = []

    def walk(node, path):
        if isinstance(node, str):
            return
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{path}.{key}")
            return
        errors.append(path)

    for language, texts in translations.items():
        if language not in LANGUAGES or not isinstance(texts, dict):
            errors.append(f"translations.{language}")
        else:
            walk(texts, f"translations.{language}")
    return errors
