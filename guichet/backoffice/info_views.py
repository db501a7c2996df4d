"""The back office of the information pages and FAQ: list, write, history, feedback."""

import datetime

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q, Sum
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from guichet.cases.models import Case, Message
from guichet.catalog.actions import save_info_page
from guichet.catalog.models import InfoPage, Procedure, SearchMiss, Theme
from guichet.core.http import see_other
from guichet.lib.text import parse_id

from .decorators import info_editor_required
from .designer_forms import add_errors
from .info_forms import InfoPageForm, initial_for

LIST_LIMIT = 500


def get_info_page_for_editor(request, pk) -> InfoPage:
    """A page of the request's organization; 404 for any other."""
    page = InfoPage.objects.filter(organization=request.organization, pk=pk).first()
    if page is None:
        raise Http404
    return page


def status_of(page, now) -> str:
    if not page.is_published:
        return "draft"
    if page.expires_at and page.expires_at <= now:
        return "expired"
    if page.published_at and page.published_at > now:
        return "scheduled"
    return "published"


@never_cache
@info_editor_required
@require_safe
def info_list(request):
    now, today = timezone.now(), timezone.localdate()
    pages = (
        InfoPage.objects.for_organization(request.organization)
        .select_related("author")
        .order_by("title")
    )
    show = request.GET.get("voir", "")
    if show == "a-relire":
        pages = pages.due_for_review(today)
    elif show == "mes-pages":
        pages = pages.filter(author=request.user)
    query = (request.GET.get("q") or "").strip()[:200]
    if query:
        pages = pages.filter(Q(title__icontains=query) | Q(summary__icontains=query))
    rows = [
        {
            "page": page,
            "status": status_of(page, now),
            "due": page.review_at is not None and page.review_at <= today,
        }
        for page in pages[:LIST_LIMIT]
    ]
    mine_due = (
        InfoPage.objects.for_organization(request.organization)
        .due_for_review(today)
        .filter(author=request.user)
        .count()
    )
    return render(
        request,
        "backoffice/info/list.html",
        {"rows": rows, "show": show, "query": query, "mine_due": mine_due, "nav": "info"},
    )


def _see_other(page):
    return see_other(reverse("backoffice:info_page", args=[page.pk]))


def _save(request, form, page):
    data = dict(form.cleaned_data)
    try:
        return save_info_page(
            organization=request.organization,
            actor=request.user,
            page=page,
            procedures=data.pop("procedures"),
            related_pages=data.pop("related_pages"),
            places=data.pop("places"),
            **data,
        )
    except ValidationError as error:
        add_errors(form, error)
        return None


@never_cache
@info_editor_required
@require_http_methods(["GET", "HEAD", "POST"])
def info_create(request):
    status = 200
    if request.method == "POST":
        form = InfoPageForm(request.POST, organization=request.organization)
        if form.is_valid() and (page := _save(request, form, None)):
            messages.success(request, _("La page « %(title)s » est créée.") % {"title": page})
            return _see_other(page)
        status = 400
    else:
        initial = {"kind": request.GET.get("type", "page"), "audience": "tous"}
        source = _reply_to_reuse(request)
        if source is not None:
            initial.update(faq_from_reply(source))
        form = InfoPageForm(organization=request.organization, initial=initial)
    return render(
        request,
        "backoffice/info/form.html",
        {"form": form, "page": None, "from_reply": "depuis-message" in request.GET, "nav": "info"},
        status=status,
    )


def _reply_to_reuse(request) -> Message | None:
    """The agent's reply named by ?depuis-message=, if this member may see its case."""
    raw = request.GET.get("depuis-message", "")
    if not raw:
        return None
    pk = parse_id(raw)
    if pk is None:
        raise Http404
    message = (
        Message.objects.filter(pk=pk, from_citizen=False)
        .select_related("case", "case__procedure")
        .first()
    )
    if message is None or message.case.organization_id != request.organization.pk:
        raise Http404
    if not Case.objects.visible_to(request.membership).filter(pk=message.case_id).exists():
        raise Http404
    return message


def faq_from_reply(message: Message) -> dict:
    """A draft question from a reply: the citizen's question (or the request's subject) as
    the question when the form has one, the reply as the answer; never published as is: the
    writer rewrites it and removes personal data first."""
    data = message.case.data or {}
    subject = next(
        (
            value
            for key in ("question", "subject", "objet", "titre", "title")
            if isinstance(value := data.get(key), str) and value.strip()
        ),
        "",
    )
    return {
        "kind": "faq",
        "title": subject.strip()[:200] or message.case.procedure.title,
        "body": message.body,
        "themes": [message.case.procedure.theme],
        "procedures": [message.case.procedure_id],
        "is_published": False,
    }


@never_cache
@info_editor_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def info_edit(request, pk):
    page = get_info_page_for_editor(request, pk)
    status = 200
    if request.method == "POST":
        form = InfoPageForm(request.POST, organization=request.organization, page=page)
        if form.is_valid() and (saved := _save(request, form, page)):
            messages.success(
                request, _("La page « %(title)s » est enregistrée.") % {"title": saved}
            )
            return _see_other(saved)
        status = 400
    else:
        form = InfoPageForm(organization=request.organization, page=page, initial=initial_for(page))
    revisions = page.revisions.select_related("author")[:20]
    feedback = page.feedback.all()[:20]
    return render(
        request,
        "backoffice/info/form.html",
        {
            "form": form,
            "page": page,
            "status": status_of(page, timezone.now()),
            "due": page.review_at is not None and page.review_at <= timezone.localdate(),
            "revisions": revisions,
            "feedback": feedback,
            "nav": "info",
        },
        status=status,
    )


REPORT_WEEKS = 8
REPORT_ROWS = 20
REPORT_MAX_CASES = 20000


def frequent_subjects(organization, since) -> list[tuple[str, str, int]]:
    """The questions citizens asked the town hall lately: the requests of "contact" procedures
    (theme general) since `since`, by procedure and by the answer to their form's first
    choice (the subject they picked), most frequent first."""
    from collections import Counter

    procedures = {
        p.pk: p
        for p in Procedure.objects.filter(organization=organization, theme=Theme.GENERAL)
        .select_related("current_version")
        .only("pk", "title", "current_version__fields")
    }
    first_choice = {}
    for pk, procedure in procedures.items():
        fields = procedure.current_version.fields if procedure.current_version else []
        first_choice[pk] = next(
            (f.get("id") for f in fields if isinstance(f, dict) and f.get("type") == "choice"),
            None,
        )
    counts = Counter()
    rows = (
        Case.objects.filter(procedure_id__in=list(procedures), created_at__gte=since)
        .values_list("procedure_id", "data")
        .order_by()[:REPORT_MAX_CASES]
    )
    for procedure_id, data in rows:
        key = first_choice.get(procedure_id)
        subject = data.get(key) if key and isinstance(data, dict) else None
        counts[(procedures[procedure_id].title, subject if isinstance(subject, str) else "")] += 1
    return [(title, subject, n) for (title, subject), n in counts.most_common(REPORT_ROWS)]


@never_cache
@info_editor_required
@require_safe
def info_topics(request):
    """What to write next: the searches that found nothing and the questions asked lately."""
    since = timezone.now() - datetime.timedelta(weeks=REPORT_WEEKS)
    misses = (
        SearchMiss.objects.filter(organization=request.organization, day__gte=since.date())
        .values("query")
        .annotate(total=Sum("count"))
        .order_by("-total", "query")[:REPORT_ROWS]
    )
    return render(
        request,
        "backoffice/info/topics.html",
        {
            "misses": list(misses),
            "subjects": frequent_subjects(request.organization, since),
            "weeks": REPORT_WEEKS,
            "nav": "info",
        },
    )
