"""The information side of the portal: pages and FAQ, and the search across them and the
procedures (guichet/catalog/search.py)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from guichet.catalog import search as search_engine
from guichet.catalog.actions import (
    count_self_service_answer,
    record_page_feedback,
    record_search_miss,
)
from guichet.catalog.markdown import render as render_markdown
from guichet.catalog.models import InfoPage, InfoPageKind, LifeEvent, Procedure, Theme
from guichet.core.http import see_other
from guichet.core.ratelimit import client_key, hit
from guichet.organization.models import Place
from guichet.organization.places import place_cards, week_lines

from ._common import _needs_organization
from .filing_views import procedure_own_answers

MAX_QUERY_LENGTH = 200
SUGGESTIONS = 6
RESULTS = 30
# Answers shown beside a request form, and how much of what is typed is searched.
ANSWERS = 4
MAX_ANSWER_QUERY = 1000
# Feedback and "it answered my question" per client address and hour.
FEEDBACK_RATE_LIMIT = 30
FEEDBACK_RATE_WINDOW = 3600
SESSION_FEEDBACK = "portal_feedback_pages"
SESSION_ANSWERED = "portal_answered_pages"


class FeedbackForm(forms.Form):
    helpful = forms.ChoiceField(choices=[("oui", "oui"), ("non", "non")])
    comment = forms.CharField(
        label=gettext_lazy("Un commentaire ? (facultatif, sans données personnelles)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="feedback_%s", **kwargs)


_see_other = see_other


def _once_per_session(request, key: str, page: InfoPage) -> bool:
    """True the first time this browser does `key` for `page` (a vote counts once)."""
    done = request.session.get(key, [])
    if page.pk in done:
        return False
    request.session[key] = [*done, page.pk][-200:]
    return True


def get_visible_page(request, slug) -> InfoPage:
    """A page citizens may read, of this organization; 404 for anything else (a draft, an
    expired page, another organization's)."""
    page = (
        InfoPage.objects.visible()
        .filter(organization=request.organization, slug=slug)
        .prefetch_related("procedures", "related_pages", "places__closures")
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
    return _render_page(request, page, themes, related, procedures, FeedbackForm())


def _render_page(request, page, themes, related, procedures, feedback_form, status=200):
    return render(
        request,
        "portal/info_page.html",
        {
            "feedback_form": feedback_form,
            "places": place_cards(page.places.all()),
            "feedback_given": page.pk in request.session.get(SESSION_FEEDBACK, []),
            "page": page,
            "body": render_markdown(page.display_body),
            "themes": themes,
            "related": related,
            "procedures": procedures,
            "is_faq": page.kind == InfoPageKind.FAQ,
        },
        status=status,
    )


@require_POST
@_needs_organization
def info_feedback(request, slug):
    """ "Was this page useful?": counted once per browser, the comment kept for the author."""
    page = get_visible_page(request, slug)
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        theme_labels = dict(Theme.choices)
        themes = [(code, theme_labels[code]) for code in page.themes if code in theme_labels]
        return _render_page(request, page, themes, [], [], form, status=400)
    if not hit(
        f"feedback:{client_key(request)}",
        limit=FEEDBACK_RATE_LIMIT,
        window=FEEDBACK_RATE_WINDOW,
    ):
        messages.error(request, _("Trop d'avis envoyés : réessayez dans une heure."))
        return _see_other(reverse("portal:info_page", args=[page.slug]))
    if _once_per_session(request, SESSION_FEEDBACK, page):
        try:
            record_page_feedback(
                page=page,
                helpful=form.cleaned_data["helpful"] == "oui",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError:  # the form already bounds the comment
            raise Http404 from None
    messages.success(request, _("Merci pour votre avis : il est transmis à l'auteur de la page."))
    return _see_other(reverse("portal:info_page", args=[page.slug]) + "#feedback-title")


@require_POST
@_needs_organization
def info_answered(request, slug):
    """ "This answered my question", beside a request form: counted, and no request is made."""
    page = get_visible_page(request, slug)
    if hit(
        f"feedback:{client_key(request)}",
        limit=FEEDBACK_RATE_LIMIT,
        window=FEEDBACK_RATE_WINDOW,
    ) and _once_per_session(request, SESSION_ANSWERED, page):
        count_self_service_answer(page=page)
    messages.success(
        request,
        _(
            "Tant mieux ! Aucune demande n'a été envoyée. Si vous aviez commencé un "
            "formulaire, vous pouvez le reprendre plus tard depuis la démarche."
        ),
    )
    return _see_other(reverse("portal:info_page", args=[page.slug]))


@require_GET
@_needs_organization
def procedure_answers(request, slug):
    """The published answers closest to what the citizen is typing in a request form
    (htmx, beside the form): what they write is searched, never stored."""
    procedure = (
        Procedure.objects.published().filter(organization=request.organization, slug=slug).first()
    )
    if procedure is None:
        raise Http404
    typed = " ".join(
        value
        for key, values in request.GET.lists()
        if key.startswith("answer-")
        for value in values
        if isinstance(value, str)
    )[:MAX_ANSWER_QUERY]
    # The procedure's own answers stay first; what is typed adds the closest others, once.
    results = procedure_own_answers(procedure)
    if len(typed.strip()) >= 3:
        shown = {result.object.pk for result in results}
        found = search_engine.search(
            request.organization, typed, limit=ANSWERS + len(shown), kinds=["page", "faq"]
        )
        results += [result for result in found if result.object.pk not in shown][:ANSWERS]
    return render(
        request,
        "portal/includes/answers.html",
        {"results": results, "procedure": procedure, "typed": bool(typed.strip())},
    )


def _query(request) -> str:
    return (request.GET.get("q") or "").strip()[:MAX_QUERY_LENGTH]


@require_GET
@_needs_organization
def search(request):
    """The results page: works without JavaScript."""
    query = _query(request)
    results = search_engine.search(request.organization, query, limit=RESULTS) if query else []
    if query and not results:
        record_search_miss(organization=request.organization, query=query)
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


LISTED_PAGE_FIELDS = (
    "slug",
    "kind",
    "title",
    "summary",
    "title_en",
    "summary_en",
    "themes",
    "life_events",
)


def listed_pages(organization):
    """The organization's visible pages, with what a list shows of them."""
    return list(
        InfoPage.objects.visible()
        .filter(organization=organization)
        .only(*LISTED_PAGE_FIELDS)
        .order_by("title")
    )


@require_GET
@_needs_organization
def theme(request, code):
    """A theme: its online procedures, its information pages and questions."""
    labels = dict(Theme.choices)
    if code not in labels:
        raise Http404
    procedures = list(
        Procedure.objects.for_organization(request.organization)
        .published()
        .filter(theme=code)
        .only("title", "slug", "summary")
        .order_by("title")
    )
    pages = [page for page in listed_pages(request.organization) if code in page.themes]
    return render(
        request,
        "portal/topic.html",
        {
            "label": labels[code],
            "procedures": procedures,
            "pages": [p for p in pages if p.kind == InfoPageKind.PAGE],
            "questions": [p for p in pages if p.kind == InfoPageKind.FAQ],
        },
    )


@require_GET
@_needs_organization
def life_event(request, code):
    """A moment of life: the pages written for it and the procedures they lead to."""
    labels = dict(LifeEvent.choices)
    if code not in labels:
        raise Http404
    pages = [page for page in listed_pages(request.organization) if code in page.life_events]
    procedures = list(
        Procedure.objects.for_organization(request.organization)
        .published()
        .filter(info_pages__in=[page.pk for page in pages])
        .distinct()
        .only("title", "slug", "summary")
        .order_by("title")
    )
    return render(
        request,
        "portal/topic.html",
        {
            "label": labels[code],
            "procedures": procedures,
            "pages": [p for p in pages if p.kind == InfoPageKind.PAGE],
            "questions": [p for p in pages if p.kind == InfoPageKind.FAQ],
            "is_life_event": True,
        },
    )


def navigation(organization) -> dict:
    """The themes and life events that have something to show, for the home page."""
    pages = listed_pages(organization)
    themes_with_pages = {code for page in pages for code in page.themes}
    events = {code for page in pages for code in page.life_events}
    return {
        "themes_with_pages": themes_with_pages,
        "life_events": [(code, label) for code, label in LifeEvent.choices if code in events],
        "faq": [page for page in pages if page.kind == InfoPageKind.FAQ][:8],
    }


@require_GET
@_needs_organization
def place(request, slug):
    """A place where the public is received: address, phone, hours, closures, map."""
    found = (
        Place.objects.filter(organization=request.organization, slug=slug)
        .prefetch_related("closures", "services")
        .first()
    )
    if found is None:
        raise Http404
    [card] = place_cards([found])
    return render(
        request, "portal/place.html", {"card": card, "place": found, "week": week_lines(found)}
    )
