"""The information side of the portal: pages and FAQ, and the search across them and the
procedures (guichet/catalog/search.py)."""

from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from guichet.catalog import search as search_engine
from guichet.catalog.markdown import render as render_markdown
from guichet.catalog.models import InfoPage, InfoPageKind, Theme

from .views import _needs_organization

MAX_QUERY_LENGTH = 200
SUGGESTIONS = 6
RESULTS = 30


def get_visible_page(request, slug) -> InfoPage:
    """A page citizens may read, of this organization; 404 for anything else (a draft, an
    expired page, another organization's)."""
    page = (
        InfoPage.objects.visible()
        .filter(organization=request.organization, slug=slug)
        .prefetch_related("procedures", "related_pages")
        .first()
    )
    if page is None:
        raise Http404
    return page


@require_GET
@_needs_organization
def info_page(request, slug):
    page = get_visible_page(request, slug)
    theme_labels = dict(Theme.choices)
    themes = [(code, theme_labels[code]) for code in page.themes if code in theme_labels]
    related = [
        other
        for other in InfoPage.objects.visible().filter(
            pk__in=[p.pk for p in page.related_pages.all()], organization=request.organization
        )
    ]
    procedures = [p for p in page.procedures.all() if p.is_published and p.current_version_id]
    return render(
        request,
        "portal/info_page.html",
        {
            "page": page,
            "body": render_markdown(page.display_body),
            "themes": themes,
            "related": related,
            "procedures": procedures,
            "is_faq": page.kind == InfoPageKind.FAQ,
        },
    )


def _query(request) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]


@require_GET
@_needs_organization
def search(request):
    """The results page: works without JavaScript."""
    query = _query(request)
    results = search_engine.search(request.organization, query, limit=RESULTS) if query else []
    return render(request, "portal/search.html", {"query": query, "results": results})


@require_GET
@_needs_organization
def search_suggestions(request):
    """The few best answers while one types (htmx swaps them under the search box)."""
    query = _query(request)
    results = (
        search_engine.search(request.organization, query, limit=SUGGESTIONS)
        if len(query) >= 2
        else []
    )
    return render(
        request, "portal/includes/search_suggestions.html", {"query": query, "results": results}
    )
