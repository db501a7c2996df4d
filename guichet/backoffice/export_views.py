"""Large exports of the inbox, prepared by the worker: asked for, followed, downloaded.

Only the agent who asked sees an export (get_export_for): anybody else gets a 404, the same
answer as for an export that does not exist.
"""

from django.conf import settings
from django.http import FileResponse, Http404, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from guichet.core.http import see_other

from .actions import start_export
from .decorators import agent_required
from .exports import CONTENT_TYPES
from .forms import inbox_query
from .models import Export

RECENT_EXPORTS = 20


def get_export_for(user, organization, pk) -> Export:
    """One of the exports `user` asked for in `organization`; Http404 for any other."""
    export = Export.objects.of(user, organization).filter(pk=pk).first()
    if export is None:
        raise Http404
    return export


@never_cache
@agent_required
@require_http_methods(["GET", "HEAD", "POST"])
def exports(request):
    """GET: one's recent exports. POST (`format`, and the inbox's `query`): asks the worker
    for an export of that view, then shows its progress."""
    error = ""
    if request.method == "POST":
        file_format = request.POST.get("format", "")
        if file_format in Export.Format.values:
            export = start_export(
                user=request.user,
                organization=request.organization,
                query=inbox_query(QueryDict(request.POST.get("query", "")), request.membership),
                file_format=file_format,
                language=request.LANGUAGE_CODE,
            )
            return see_other(reverse("backoffice:export", args=[export.pk]))
        error = _("Choisissez le format de l'export : CSV ou Excel.")
    recent = Export.objects.of(request.user, request.organization)[:RECENT_EXPORTS]
    return render(
        request,
        "backoffice/exports.html",
        {
            "exports": recent,
            "error": error,
            "keep_hours": settings.GUICHET_EXPORT_KEEP_HOURS,
            "nav": "inbox",
        },
        status=400 if error else 200,
    )


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def export_detail(request, pk):
    export = get_export_for(request.user, request.organization, pk)
    return render(request, "backoffice/export.html", {"export": export, "nav": "inbox"})


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def export_progress(request, pk):
    """The export page's progress, polled by htmx until the export is done or failed."""
    export = get_export_for(request.user, request.organization, pk)
    return render(request, "backoffice/includes/export_progress.html", {"export": export})


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def export_file(request, pk):
    export = get_export_for(request.user, request.organization, pk)
    if export.status != Export.Status.DONE or not export.file:
        raise Http404
    try:
        handle = export.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    return FileResponse(
        handle,
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.format],
    )
