"""The live preview of one notification template while the administrator types it (htmx,
from the designer's Notifications page): the row's subject and body rendered on the sample
case, the body's SMS length, and what is wrong with the row (an unknown variable, a
syntax error). It saves nothing; saving and the no-JavaScript "Prévisualiser" stay with
`designer.procedure_templates`.

The row travels with its number (`row`) and its inputs as the page names them
(`code_<row>`, `subject_<row>`, `body_<row>`); the answer is the preview, with the row's
error swapped out of band into the row's live region (`tpl-status-<row>`).
"""

from django.shortcuts import render
from django.template import TemplateSyntaxError
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from guichet.cases.templating import render_admin_template
from guichet.catalog.validation import notification_template_errors

from . import notification_editor
from .decorators import admin_required
from .designer import get_procedure_for_admin

MAX_REQUEST = 64 * 1024  # bytes: one row is a subject and a body, not an upload
MAX_SUBJECT = 300  # the subject input's maxlength
MAX_BODY = 10_000  # characters of a body; a notification is an e-mail or an SMS


def _row_number(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 <= number <= notification_editor.MAX_TEMPLATES else None


def row_errors(code: str, subject: str, body: str) -> list[str]:
    """What would keep this row from being saved as it is written: its syntax, its tags and
    its variables (the catalog's own check). A part still empty is not an error while the
    administrator types: saving says it."""
    placeholder = "-"
    template = {
        "subject": subject if subject.strip() else placeholder,
        "body": body if body.strip() else placeholder,
    }
    return notification_template_errors({code or _("nouveau modèle"): template})


def row_preview(procedure, subject: str, body: str) -> dict:
    """The row rendered on the sample case (TemplateSyntaxError when it cannot be)."""
    variables = notification_editor.sample_variables(procedure)
    rendered = render_admin_template(body, variables)
    return {
        "subject": " ".join(render_admin_template(subject, variables).split()),
        "body": rendered,
        "sms": notification_editor.sms_length(rendered),
    }


def _fragment(request, row, *, preview=None, errors=(), status=200):
    return render(
        request,
        "backoffice/designer/template_preview.html",
        {"row": row, "preview": preview, "errors": list(errors)},
        status=status,
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_POST
def template_preview(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    try:
        size = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        size = 0
    row = _row_number(request.POST.get("row"))
    if row is None:
        return _fragment(request, None, errors=[_("Modèle introuvable.")], status=400)
    if size > MAX_REQUEST:
        return _fragment(request, row, errors=[_("Ce modèle est trop long.")], status=400)
    code = request.POST.get(f"code_{row}", "").strip()
    subject = request.POST.get(f"subject_{row}", "")
    body = request.POST.get(f"body_{row}", "")
    if len(subject) > MAX_SUBJECT or len(body) > MAX_BODY:
        return _fragment(
            request,
            row,
            errors=[
                _("L'objet a au plus %(subject)s caractères, le texte %(body)s.")
                % {"subject": MAX_SUBJECT, "body": MAX_BODY}
            ],
            status=400,
        )
    errors = row_errors(code, subject, body)
    if errors:
        return _fragment(request, row, errors=errors, status=400)
    try:
        preview = row_preview(procedure, subject, body)
    except (TemplateSyntaxError, ValueError, TypeError, AttributeError) as error:
        message = _("Ce modèle ne peut pas être affiché : %(error)s") % {"error": error}
        return _fragment(request, row, errors=[message], status=400)
    return _fragment(request, row, preview=preview)
