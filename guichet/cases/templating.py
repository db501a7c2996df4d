"""Administrators' templates (a procedure version's `templates`): the e-mails of `notify`
actions and the documents of `document` actions.

They are rendered by an engine that loads no file and no tag library, with a context of
plain strings only: they show the documented variables (docs/procedures.md) and use the
built-in tags and filters, nothing more.
"""

import datetime
import html

from django.template import Context, Engine, TemplateSyntaxError
from django.template.defaulttags import DebugNode
from django.template.loader_tags import ExtendsNode, IncludeNode
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .deadlines import local_date

# Text: no HTML escaping here; documents escape the rendered text themselves.
_ADMIN_TEMPLATES = Engine(loaders=[], libraries={}, autoescape=False)


def render_admin_template(text: str, variables: dict[str, str]) -> str:
    """Renders an administrator's template; TemplateSyntaxError when it cannot be used."""
    template = _ADMIN_TEMPLATES.from_string(text or "")
    for forbidden in (DebugNode, IncludeNode, ExtendsNode):
        if template.nodelist.get_nodes_by_type(forbidden):
            raise TemplateSyntaxError("debug, include and extends are not allowed here")
    return template.render(Context(variables, autoescape=False))


def tracking_url(case) -> str:
    return case.organization.absolute_url(reverse("portal:track", args=[case.tracking_code]))


def template_variables(case, state, comment: str = "") -> dict[str, str]:
    """The variables documented for administrators' templates (docs/procedures.md)."""
    due_date = ""
    if case.due_at:
        due_date = formats.date_format(local_date(case.due_at), "DATE_FORMAT")
    return {
        "reference": case.reference,
        "name": case.contact_name,
        "procedure": case.procedure.title,
        "state": state.label,
        "due_date": due_date,
        "tracking_url": tracking_url(case),
        "comment": comment,
        "organization": case.organization.name,
    }


def render_document(case, template: dict, variables: dict, *, at: datetime.datetime) -> str:
    """A self-contained HTML document from a `templates` entry: its subject as the title,
    its body as paragraphs, under the organization's name and address, dated. Everything
    rendered is escaped: answers and comments are the citizen's and the agent's words."""
    title = " ".join(render_admin_template(template.get("subject", ""), variables).split())
    body = render_admin_template(template.get("body", ""), variables)
    if not title or not body.strip():
        raise TemplateSyntaxError("empty subject or body")
    organization = case.organization
    paragraphs = "\n".join(
        "<p>" + html.escape(block.strip()).replace("\n", "<br>") + "</p>"
        for block in body.split("\n\n")
        if block.strip()
    )
    address = html.escape(organization.address).replace("\n", "<br>")
    date = formats.date_format(timezone.localtime(at).date(), "DATE_FORMAT")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(case.language or "fr")}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{html.escape(title)}</title>\n"
        "<style>body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;"
        "line-height:1.5;color:#1b1b1b}header{border-bottom:2px solid #1b1b1b;"
        "margin-bottom:1.5rem}small{color:#4a4a4a}@media print{body{margin:0}}</style>\n"
        "</head>\n<body>\n"
        f"<header><p><strong>{html.escape(organization.name)}</strong><br>{address}</p></header>\n"
        f"<p><small>{html.escape(_('Le %(date)s') % {'date': date})} · "
        f"{html.escape(_('Demande %(reference)s') % {'reference': case.reference})}</small></p>\n"
        f"<h1>{html.escape(title)}</h1>\n{paragraphs}\n</body>\n</html>\n"
    )
