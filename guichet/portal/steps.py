"""A procedure's form as the citizen goes through it: its steps and what they hold so far.

The steps are the form's pages (catalog.formschema.pages), then the contact details (and
location), then the summary where attachments are chosen and the request is sent. Steps
have fixed numbers, from 1, that the addresses use; the ones the answers hide are skipped,
and the progress shown counts only the others.

What the citizen typed is kept raw, by HTML name ({"answer-kind": ["Éclairage"], ...}),
in the draft: going back never loses anything, and the form engine judges the answers
again each time (conditions included). Files are not kept between steps: they are chosen
on the summary and sent with it, so that nothing is stored for a request never sent.
"""

from dataclasses import dataclass

from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from guichet.catalog.formschema import display_value, evaluate_form, item_type, pages
from guichet.catalog.translations import localized_fields

from .forms import ANSWER_PREFIX, ContactForm, answer_names

PAGE, CONTACT, SUMMARY = "page", "contact", "summary"


@dataclass
class Step:
    number: int  # from 1, in the addresses
    kind: str  # PAGE, CONTACT or SUMMARY
    title: str
    page: object = None  # the formschema Page of a PAGE step


def answer_data(raw: dict) -> MultiValueDict:
    """The answers in `raw` (HTML names) as the form engine reads them (field ids)."""
    return MultiValueDict(
        {
            name.removeprefix(ANSWER_PREFIX): list(values)
            for name, values in raw.items()
            if name.startswith(ANSWER_PREFIX)
        }
    )


def merge(raw: dict, posted, names_to_replace) -> dict:
    """`raw` with the names of one step replaced by what was posted for them."""
    merged = {name: values for name, values in raw.items() if name not in names_to_replace}
    for name in names_to_replace:
        if name in posted:
            # PostgreSQL's jsonb refuses NUL characters: they never belong in an answer.
            merged[name] = [str(value).replace("\x00", "") for value in posted.getlist(name)]
    return merged


class Flow:
    """One procedure's steps, seen with the answers in `raw`."""

    def __init__(self, procedure, raw: dict | None = None):
        self.procedure = procedure
        version = procedure.current_version
        # In the citizen's language: the answers keep the French values (catalog.translations).
        self.fields = localized_fields(version.fields or [], version.translations)
        self.pages = pages(self.fields)
        self.raw = raw or {}
        # No point on a map outside the organization's territory (when it has one).
        self.area = procedure.organization.territory()
        # Files are chosen on the summary: the steps neither show nor require them.
        self.state = evaluate_form(
            self.fields, answer_data(self.raw), with_files=False, area=self.area
        )
        count = len(self.pages)
        self.steps = [
            Step(index + 1, PAGE, page.title or self._default_title(index), page)
            for index, page in enumerate(self.pages)
        ]
        contact_title = (
            _("Vos coordonnées et la localisation")
            if procedure.asks_location
            else _("Vos coordonnées")
        )
        self.steps.append(Step(count + 1, CONTACT, contact_title))
        self.steps.append(Step(count + 2, SUMMARY, _("Récapitulatif et envoi")))

    def _default_title(self, index: int) -> str:
        return _("Votre demande") if index == 0 else _("Étape %(n)s") % {"n": index + 1}

    # --- Steps ---

    def step(self, number: int) -> Step | None:
        return self.steps[number - 1] if 1 <= number <= len(self.steps) else None

    @property
    def contact_step(self) -> Step:
        return self.steps[-2]

    @property
    def summary_step(self) -> Step:
        return self.steps[-1]

    def shown_items(self, step: Step) -> list[dict]:
        """The items a page step shows: visible ones, files aside (see the module's
        docstring)."""
        if step.kind != PAGE:
            return []
        return [
            item
            for item in step.page.items
            if item.get("id") in self.state.visible and item_type(item) != "file"
        ]

    def is_visible(self, step: Step) -> bool:
        if step.kind != PAGE:
            return True
        if step.page.index not in self.state.visible_pages:
            return False
        # A step with nothing to answer or read (files only, say) is skipped.
        return any(item_type(item) != "section" for item in self.shown_items(step))

    def visible_steps(self) -> list[Step]:
        return [step for step in self.steps if self.is_visible(step)]

    def first_step(self) -> Step:
        return self.visible_steps()[0]

    def previous(self, step: Step) -> Step | None:
        earlier = [other for other in self.visible_steps() if other.number < step.number]
        return earlier[-1] if earlier else None

    def following(self, step: Step) -> Step:
        return next(other for other in self.visible_steps() if other.number > step.number)

    def progress(self, step: Step) -> dict:
        steps = self.visible_steps()
        return {
            "steps": steps,
            "current": step,
            "position": next(i for i, other in enumerate(steps, 1) if other.number == step.number),
            "count": len(steps),
        }

    # --- What the steps hold ---

    def answer_ids(self, step: Step) -> list[str]:
        return [
            item["id"]
            for item in (step.page.items if step.kind == PAGE else [])
            if item_type(item) not in ("section", "info", "file")
        ]

    def step_names(self, step: Step, posted, shown_ids=None) -> list[str]:
        """The HTML names a step's POST replaces in the draft: those of its fields that were
        shown (all of them when `shown_ids` is None), whether posted or saved before."""
        if step.kind == CONTACT:
            return list(ContactForm.names)
        if step.kind != PAGE:
            return []
        ids = self.answer_ids(step)
        if shown_ids is not None:
            ids = [item_id for item_id in ids if item_id in shown_ids]
        names = {ANSWER_PREFIX + item_id for item_id in ids}
        return sorted(names | set(answer_names(ids, self.raw)) | set(answer_names(ids, posted)))

    def page_errors(self, step: Step) -> dict:
        """The engine's errors on the visible fields of a page step."""
        shown = {item["id"] for item in self.shown_items(step)}
        return {key: value for key, value in self.state.errors.items() if key in shown}

    def first_incomplete(self) -> Step | None:
        """The first visible page step whose answers do not pass, if any."""
        for step in self.visible_steps():
            if step.kind == PAGE and self.page_errors(step):
                return step
        return None

    def contact_data(self) -> MultiValueDict | None:
        data = {name: self.raw[name] for name in ContactForm.names if name in self.raw}
        return MultiValueDict(data) if data else None

    def file_items(self) -> list[dict]:
        """The file fields the answers show; chosen on the summary."""
        return [
            item
            for item in self.fields
            if isinstance(item, dict)
            and item_type(item) == "file"
            and item.get("id") in self.state.visible
        ]

    def summary(self) -> list[dict]:
        """Each visible page step with its answered visible fields, for the summary."""
        sections = []
        for step in self.visible_steps():
            if step.kind != PAGE:
                continue
            rows = [
                {"label": item.get("label") or item["id"], "value": display_value(item, value)}
                for item in self.shown_items(step)
                if (value := self.state.answers.get(item.get("id"))) is not None
            ]
            sections.append({"step": step, "rows": rows})
        return sections
