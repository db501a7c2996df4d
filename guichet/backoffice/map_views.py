"""The map of the cases: the inbox's current view (its tab and filters) drawn as clustered
markers, with a preview of a case on a click.

The page holds the filters and an empty map; the points come from a JSON endpoint that takes
the same query string, so that the page shows at once and the points load behind it. The map
draws at most GUICHET_MAP_MAX_POINTS cases, read as plain values (no model instances).
"""

from urllib.parse import quote

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guichet.cases.models import Case
from guichet.catalog.models import ProcedureVersion

from . import views
from .decorators import agent_required
from .forms import InboxFilterForm

# What a point needs, in this order (see map_points).
POINT_COLUMNS = (
    "reference",
    "latitude",
    "longitude",
    "procedure__title",
    "version_id",
    "state",
    "category",
    "created_at",
)
# The filters the page shows as inputs: the tab is the tabs' links, the zone the map itself.
NOT_INPUTS = {"tab", "zone"}


@never_cache
@agent_required
@require_safe
def case_map(request):
    form = InboxFilterForm(request.GET, membership=request.membership)
    visible = Case.objects.visible_to(request.membership)
    tabs = form.tabs(visible, user=request.user, limit=views.INBOX_COUNT_LIMIT)
    return render(
        request,
        "backoffice/map.html",
        {
            "form": form,
            "filter_fields": [form[name] for name in form.fields if name not in NOT_INPUTS],
            "current_query": form.query_string(),
            "max_points": settings.GUICHET_MAP_MAX_POINTS,
            "nav": "inbox",
            "tabs": tabs,
            "current_tab": next(tab for tab in tabs if tab["current"]),
        },
    )


@never_cache
@agent_required
@require_safe
def map_points(request):
    """The current view's cases that have a position: at most GUICHET_MAP_MAX_POINTS of
    them, the first in the view's order, and whether some were left out."""
    form = InboxFilterForm(request.GET, membership=request.membership)
    visible = Case.objects.visible_to(request.membership)
    cases = form.filter(visible, user=request.user).filter(
        latitude__isnull=False, longitude__isnull=False
    )
    limit = settings.GUICHET_MAP_MAX_POINTS
    rows = list(cases.values_list(*POINT_COLUMNS)[: limit + 1])
    truncated = len(rows) > limit
    rows = rows[:limit]
    # Each version's workflow read once, whatever the number of cases.
    versions = ProcedureVersion.objects.filter(pk__in={row[4] for row in rows}).only(
        "workflow", "translations"
    )
    workflows = {version.pk: version.get_workflow() for version in versions}
    # One reverse() for all the links (references are letters, digits and dashes).
    case_url = reverse("backoffice:case", args=["REFERENCE"])
    points = []
    for reference, latitude, longitude, procedure, version_id, state, category, created in rows:
        points.append(
            {
                "reference": reference,
                "latitude": latitude,
                "longitude": longitude,
                "procedure": procedure,
                "state": workflows[version_id].state(state).agent_label,
                "category": category,
                "created": timezone.localdate(created).isoformat(),
                "url": case_url.replace("REFERENCE", quote(reference)),
            }
        )
    summary = ngettext(
        "%(count)s demande localisée sur la carte.",
        "%(count)s demandes localisées sur la carte.",
        len(points),
    ) % {"count": number_format(len(points), force_grouping=True)}
    return JsonResponse({"points": points, "truncated": truncated, "summary": summary})
