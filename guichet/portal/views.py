"""The citizen portal: find a procedure, file a request, follow it with its tracking code."""

import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from guichet.cases import actions
from guichet.cases.access import get_case_by_tracking_code
from guichet.cases.models import Case, Channel, EventKind
from guichet.catalog.formschema import display_answers
from guichet.catalog.models import Procedure, Theme
from guichet.core.ratelimit import client_address, hit

from .forms import MessageForm, ProcedureForm, TrackingLookupForm

# The cases this browser filed lately: only it may see their confirmation page.
SESSION_SUBMITTED = "portal_submitted_cases"
SESSION_SUBMITTED_KEEP = 10
TRACKING_RATE_WINDOW = 600  # seconds


def _see_other(url: str) -> HttpResponseRedirect:
    """After a POST: the browser GETs the next page (303 See Other)."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response


def _private(view):
    """For pages that carry a case's secret: never cached, never indexed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _needs_organization(view):
    """Until an organization is configured, the portal says so instead of failing."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.organization is None:
            return render(request, "portal/no_organization.html")
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@_needs_organization
def home(request):
    procedures = (
        Procedure.objects.for_organization(request.organization)
        .published()
        .only("title", "slug", "summary", "theme")
        .order_by("title")
    )
    by_theme = {}
    for procedure in procedures:
        theme = procedure.theme if procedure.theme in Theme.values else Theme.GENERAL
        by_theme.setdefault(theme, []).append(procedure)
    themes = [
        {"code": code, "label": label, "procedures": by_theme[code]}
        for code, label in Theme.choices
        if code in by_theme
    ]
    return render(
        request, "portal/home.html", {"themes": themes, "lookup_form": TrackingLookupForm()}
    )


@require_http_methods(["GET", "POST"])
def procedure_form(request, slug):
    procedure = get_object_or_404(
        Procedure.objects.for_organization(request.organization).published(), slug=slug
    )
    if request.method == "POST":
        form = ProcedureForm(request.POST, request.FILES, procedure=procedure)
        if form.is_valid():
            try:
                case = actions.submit_case(
                    procedure=procedure,
                    channel=Channel.WEB,
                    citizen=request.user if request.user.is_authenticated else None,
                    language=request.LANGUAGE_CODE,
                    **form.submission(),
                )
            except ValidationError as error:
                form.add_domain_errors(error)
            else:
                submitted = request.session.get(SESSION_SUBMITTED, [])
                request.session[SESSION_SUBMITTED] = [*submitted, case.pk][-SESSION_SUBMITTED_KEEP:]
                return _see_other(reverse("portal:confirmation", args=[procedure.slug]))
        status = 400
    else:
        form = ProcedureForm(procedure=procedure, initial=ProcedureForm.initial_for(request.user))
        status = 200
    return render(
        request, "portal/procedure_form.html", {"procedure": procedure, "form": form}, status=status
    )


@require_GET
@_private
def confirmation(request, slug):
    # Only the cases this session filed: the page shows the secret tracking code.
    case = (
        Case.objects.for_organization(request.organization)
        .filter(pk__in=request.session.get(SESSION_SUBMITTED, []), procedure__slug=slug)
        .select_related("procedure")
        .order_by("-pk")
        .first()
    )
    if case is None:
        raise Http404
    return render(request, "portal/confirmation.html", {"case": case})


@require_http_methods(["GET", "POST"])
@_private  # the form may show back a tracking code, the redirect names one
@_needs_organization
def track_lookup(request):
    if request.method == "GET":
        return render(request, "portal/track_lookup.html", {"form": TrackingLookupForm()})

    form = TrackingLookupForm(request.POST)
    allowed = hit(
        f"tracking:{client_address(request)}",
        limit=settings.GUICHET_TRACKING_RATE_LIMIT,
        window=TRACKING_RATE_WINDOW,
    )
    if not allowed:
        response = render(
            request, "portal/track_lookup.html", {"form": form, "too_many": True}, status=429
        )
        response["Retry-After"] = str(TRACKING_RATE_WINDOW)
        return response
    if form.is_valid():
        try:
            case = get_case_by_tracking_code(
                request.organization,
                form.cleaned_data["code"],
                reference=form.cleaned_data["reference"],
            )
        except Http404:
            # One message whichever part was wrong: nothing to learn by trying.
            form.add_error(None, _("Référence ou code de suivi incorrect."))
        else:
            return _see_other(reverse("portal:track", args=[case.tracking_code]))
    return render(request, "portal/track_lookup.html", {"form": form}, status=400)


def _timeline(case) -> list[dict]:
    """The citizen's view of the journal: public events, with the messages they announce.

    Two queries whatever its length: the events and the messages.
    """
    workflow = case.get_workflow()
    events = case.events.public().filter(
        kind__in=[
            EventKind.SUBMITTED,
            EventKind.TRANSITIONED,
            EventKind.MESSAGE,
            EventKind.TACIT_DECISION,
        ]
    )
    messages_by_pk = {message.pk: message for message in case.messages.all()}
    entries = []
    for event in events:
        entry = {"kind": event.kind, "at": event.created_at}
        if event.kind == EventKind.TRANSITIONED:
            entry["state"] = workflow.state(event.payload.get("to", ""))
            entry["comment"] = event.payload.get("comment", "")
        elif event.kind == EventKind.TACIT_DECISION:
            # Shown as the change of state it is, with what the silence meant.
            entry["kind"] = EventKind.TRANSITIONED
            entry["state"] = workflow.state(event.payload.get("to", ""))
            entry["comment"] = (
                _("Sans réponse avant l'échéance, le silence de l'administration vaut accord.")
                if event.payload.get("decision") == "accept"
                else _("Sans réponse avant l'échéance, le silence de l'administration vaut rejet.")
            )
        elif event.kind == EventKind.MESSAGE:
            entry["message"] = messages_by_pk.pop(event.payload.get("message"), None)
            if entry["message"] is None:
                continue
        entries.append(entry)
    # Messages that no event announces (imported history) still belong to the exchange.
    for message in messages_by_pk.values():
        entries.append({"kind": EventKind.MESSAGE, "at": message.created_at, "message": message})
    entries.sort(key=lambda entry: entry["at"])
    return entries


@require_http_methods(["GET", "POST"])
@_private
def track(request, code):
    case = get_case_by_tracking_code(request.organization, code)
    if request.method == "GET" and code != case.tracking_code:
        # One address per case, whatever the way the code was typed.
        return HttpResponseRedirect(reverse("portal:track", args=[case.tracking_code]))
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                actions.post_message(
                    case=case,
                    body=form.cleaned_data["body"],
                    from_citizen=True,
                    author=request.user if request.user.is_authenticated else None,
                    files=form.uploads(),
                )
            except ValidationError as error:
                form.add_domain_errors(error)
            else:
                messages.success(request, _("Votre message a été envoyé au service."))
                return _see_other(reverse("portal:track", args=[case.tracking_code]))
        status = 400
    else:
        form = MessageForm()

    attachments = {}
    for item in case.attachments.all():
        attachments.setdefault(item.message_id, []).append(item)
    timeline = _timeline(case)
    for entry in timeline:
        if "message" in entry:
            entry["attachments"] = attachments.get(entry["message"].pk, [])
    labels = {field["id"]: field.get("label", field["id"]) for field in case.version.fields}
    context = {
        "case": case,
        "state": case.state_info,
        "answers": display_answers(case.version.fields, case.data),
        "answer_files": [
            {"label": labels.get(item.field_id, item.field_id), "attachment": item}
            for item in attachments.get(None, [])
        ],
        "timeline": timeline,
        "form": form,
    }
    return render(request, "portal/track.html", context, status=status)


@require_GET
@_private
def attachment(request, code, pk):
    case = get_case_by_tracking_code(request.organization, code)
    attachment = get_object_or_404(case.attachments.all(), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=attachment.original_name)
