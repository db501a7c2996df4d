"""Following a request with its tracking code: the lookup form, the tracking page (its
timeline and messages), the certificate of tacit acceptance and the case's files. Lookups
are rate-limited per client, so that codes cannot be guessed."""

import datetime
import functools

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guichet.cases import actions
from guichet.cases.access import get_case_by_tracking_code
from guichet.cases.actions import MERGED_EXPLANATION
from guichet.cases.downloads import attachment_response
from guichet.cases.models import EventKind
from guichet.cases.read_receipts import citizen_read_case
from guichet.catalog.formschema import display_answers
from guichet.catalog.translations import version_fields
from guichet.core.ratelimit import client_key, hit, is_limited

from ._common import _needs_organization, _private, _see_other
from .forms import MessageForm, TrackingLookupForm

TRACKING_RATE_WINDOW = 600  # seconds


def _tracking_key(request) -> str:
    return f"tracking:{client_key(request)}"


def _too_many_lookups(request, form=None):
    response = render(
        request,
        "portal/track_lookup.html",
        {"form": form or TrackingLookupForm(), "too_many": True},
        status=429,
    )
    response["Retry-After"] = str(TRACKING_RATE_WINDOW)
    return response


def _limits_guessed_codes(view):
    """The tracking code in the address is a secret that could be guessed: the codes that
    find no case count against the client's address, in the look-up form's counter, and once
    it is spent every address with a code is refused (429) until the window ends."""

    @functools.wraps(view)
    def wrapper(request, code, *args, **kwargs):
        key = _tracking_key(request)
        if is_limited(key, limit=settings.GUICHET_TRACKING_RATE_LIMIT):
            return _too_many_lookups(request)
        try:
            return view(request, code, *args, **kwargs)
        except Http404:
            hit(key, limit=settings.GUICHET_TRACKING_RATE_LIMIT, window=TRACKING_RATE_WINDOW)
            raise

    return wrapper


@require_http_methods(["GET", "POST"])
@_private  # the form may show back a tracking code, the redirect names one
@_needs_organization
def track_lookup(request):
    if request.method == "GET":
        return render(request, "portal/track_lookup.html", {"form": TrackingLookupForm()})

    form = TrackingLookupForm(request.POST)
    allowed = hit(
        _tracking_key(request),
        limit=settings.GUICHET_TRACKING_RATE_LIMIT,
        window=TRACKING_RATE_WINDOW,
    )
    if not allowed:
        return _too_many_lookups(request, form)
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
            EventKind.ANSWERS_EDITED,
            EventKind.MERGED,
            EventKind.CERTIFICATE,
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
        elif event.kind == EventKind.MERGED:
            entry["kind"] = EventKind.TRANSITIONED
            entry["state"] = workflow.state(event.payload.get("to", ""))
            entry["comment"] = gettext(MERGED_EXPLANATION)
        elif event.kind == EventKind.ANSWERS_EDITED:
            # Which answers changed and why; the new values are in the answers above.
            entry["fields"] = [change.get("label", "") for change in event.payload["changes"]]
            entry["comment"] = event.payload.get("reason", "")
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


def _date_or_none(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except (TypeError, ValueError):
        return None


def _tracking_author(request, case):
    """Who writes through the tracking page: the signed-in person when the case is theirs
    (or has no account), or when they hold the citizen's mandate; otherwise the holder of
    the tracking code, unnamed (the code is what gives access here)."""
    user = request.user
    if not user.is_authenticated:
        return None
    if case.citizen_id in (None, user.pk):
        return user
    if actions.active_mandate(user, case.citizen, case.procedure) is not None:
        return user
    return None


@require_http_methods(["GET", "POST"])
@_private
@_limits_guessed_codes
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
                    author=_tracking_author(request, case),
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
    if request.method == "GET":
        # Whoever holds the tracking code is the citizen: the service's messages are read.
        citizen_read_case(case=case, messages=[e["message"] for e in timeline if "message" in e])
    for entry in timeline:
        if "message" in entry:
            entry["attachments"] = attachments.get(entry["message"].pk, [])
    fields = version_fields(case.version)
    labels = {field["id"]: field.get("label", field["id"]) for field in fields}
    waiting = case.waiting_payload()
    context = {
        "case": case,
        "state": case.state_info,
        # A request merged as a duplicate follows the kept one: its state (nothing else).
        "kept_state": case.merged_into.state_info if case.merged_into_id else None,
        "answers": display_answers(fields, case.data),
        "answer_files": [
            {"label": labels.get(item.field_id, item.field_id), "attachment": item}
            for item in attachments.get(None, [])
            if not item.generated_from
        ],
        "documents": [item for item in attachments.get(None, []) if item.generated_from],
        "timeline": timeline,
        "form": form,
        # Whether the citizen's answer starts the clock again (Workflow.reply_transition),
        # and the date by which they are asked to answer, if any.
        "resumes_on_reply": case.reply_transition(waiting) is not None,
        "answer_by": _date_or_none(waiting.get("answer_by")),
    }
    return render(request, "portal/track.html", context, status=status)


@require_POST
@_private
@_limits_guessed_codes
def tacit_certificate(request, code):
    """The citizen asks for the certificate of tacit acceptance: issued (once), then
    downloaded."""
    case = get_case_by_tracking_code(request.organization, code)
    try:
        document = actions.issue_tacit_certificate(case=case)
    except ValidationError as error:
        for text in error.messages:
            messages.error(request, text)
        return _see_other(reverse("portal:track", args=[case.tracking_code]))
    return _see_other(reverse("portal:attachment", args=[case.tracking_code, document.pk]))


@require_GET
@_private
@_limits_guessed_codes
def attachment(request, code, pk):
    case = get_case_by_tracking_code(request.organization, code)
    attachment = get_object_or_404(case.attachments.all(), pk=pk)
    return attachment_response(attachment)
