"""Filing a request on the portal: the form's steps, drafts (saved, resumed by link,
autosaved, deleted), the summary that files the case, and the confirmation page."""

from django.conf import settings
from django.contrib import messages
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guichet.appointments.procedure import book_case_slots
from guichet.cases import actions
from guichet.cases.access import get_draft, helper_mandates
from guichet.cases.models import Case, Channel, Draft, new_draft_token
from guichet.catalog.formschema import clean_page, is_answer, item_type
from guichet.catalog.models import InfoPage, Procedure
from guichet.catalog.search import page_result
from guichet.core import addresses
from guichet.core.ratelimit import client_key, hit
from guichet.organization.models import Place
from guichet.organization.places import place_cards

from ._common import _private, _see_other
from .filing_guard import HONEYPOT_FIELD, count_filing, filing_refusal
from .forms import ANSWER_PREFIX, AnswersForm, ContactForm, DraftLinkForm
from .steps import PAGE, SUMMARY, Flow, answer_data, merge

# The cases this browser filed lately: only it may see their confirmation page.
SESSION_SUBMITTED = "portal_submitted_cases"
SESSION_SUBMITTED_KEEP = 10
# The drafts this (anonymous) browser started, so that it is offered to resume them.
SESSION_DRAFTS = "portal_drafts"
SESSION_DRAFTS_KEEP = 10
# Resume links sent by e-mail, per client address and per hour: enough for a citizen,
# too few to make the portal a spam relay.
DRAFT_LINK_RATE_LIMIT = 5
DRAFT_LINK_RATE_WINDOW = 3600
RELATED_ANSWERS = 5
# Autosaves per client address and per minute: one every two seconds of typing is plenty.
AUTOSAVE_RATE_LIMIT = 40
# The token a first step proposes for the draft it may create, signed so that a visitor
# cannot choose one.
NEW_DRAFT_SALT = "guichet.portal.new-draft"


def _published_procedure(request, slug) -> Procedure:
    return get_object_or_404(
        Procedure.objects.for_organization(request.organization)
        .published()
        .select_related("current_version"),
        slug=slug,
    )


def _draft_and_procedure(request, slug, token) -> tuple[Procedure, Draft]:
    draft = get_draft(request.organization, token, request.user)
    procedure = draft.procedure
    if procedure.slug != slug or not procedure.is_published or procedure.current_version is None:
        raise Http404
    return procedure, draft


def _visitor_draft(request, procedure) -> Draft | None:
    """The draft this visitor left for this procedure: a signed-in citizen's own, or one
    that this browser started."""
    drafts = Draft.objects.filter(procedure=procedure)
    if request.user.is_authenticated:
        return drafts.filter(citizen=request.user).first()
    tokens = request.session.get(SESSION_DRAFTS, [])
    if not tokens:
        return None
    return drafts.filter(citizen__isnull=True, token__in=tokens).first()


def _remember_draft(request, draft) -> None:
    if request.user.is_authenticated:
        return
    tokens = [token for token in request.session.get(SESSION_DRAFTS, []) if token != draft.token]
    request.session[SESSION_DRAFTS] = [*tokens, draft.token][-SESSION_DRAFTS_KEEP:]


def _forget_draft(request, token: str) -> None:
    tokens = request.session.get(SESSION_DRAFTS, [])
    if token in tokens:
        request.session[SESSION_DRAFTS] = [other for other in tokens if other != token]


def _step_url(procedure, draft, step) -> str:
    if step.kind == SUMMARY:
        return reverse("portal:draft_summary", args=[procedure.slug, draft.token])
    return reverse("portal:draft_step", args=[procedure.slug, draft.token, step.number])


def _proposed_token(request) -> str | None:
    """The draft token this page proposed (see `_step_context`), if it came back intact."""
    signed = request.POST.get("new_draft", "")
    if not signed:
        return None
    try:
        return signing.loads(signed, salt=NEW_DRAFT_SALT)
    except signing.BadSignature:
        return None


def _save(request, procedure, draft, raw, step) -> Draft:
    """Saves what was typed, and the step to come back to; creates the draft if need be,
    with the token its page proposed."""
    draft = actions.save_draft(
        procedure=procedure,
        data=raw,
        page=step.number,
        draft=draft,
        citizen=request.user,
        token=_proposed_token(request) if draft is None else None,
    )
    _remember_draft(request, draft)
    return draft


@require_http_methods(["GET", "POST"])
@_private
def procedure_form(request, slug):
    """The first step of a procedure's form; the draft is created when it is posted."""
    procedure = _published_procedure(request, slug)
    if request.method == "GET":
        existing = _visitor_draft(request, procedure)
        if existing is not None:
            return render(
                request,
                "portal/draft_offer.html",
                {"procedure": procedure, "draft": existing},
            )
    # Autosave may have created the draft while the citizen typed on this first step.
    draft = _posted_draft(request, procedure) if request.method == "POST" else None
    flow = Flow(procedure, draft.data if draft else None)
    return _step(request, procedure, draft, flow, flow.first_step())


def _posted_draft(request, procedure) -> Draft | None:
    """The draft a first step's form goes on with: the one named in its `draft` field (an
    autosave created it), else the one created with the token the page proposed (an
    autosave whose answer never came back: htmx dropped it for a newer one, or the page was
    posted before it arrived), else this visitor's draft of the procedure, so that one form
    never makes two drafts."""
    for token in (request.POST.get("draft", ""), _proposed_token(request)):
        if token:
            try:
                return _draft_and_procedure(request, procedure.slug, token)[1]
            except Http404:
                pass  # deleted or purged meanwhile, or not created yet
    return _visitor_draft(request, procedure)


@require_GET
@_private
def draft_resume(request, slug, token):
    """The secret link to a draft: on to the step where the citizen left it."""
    procedure, draft = _draft_and_procedure(request, slug, token)
    flow = Flow(procedure, draft.data)
    step = flow.step(draft.page)
    if step is None or not flow.is_visible(step):
        step = flow.first_step()
    _remember_draft(request, draft)
    return HttpResponseRedirect(_step_url(procedure, draft, step))


@require_http_methods(["GET", "POST"])
@_private
def draft_step(request, slug, token, number):
    procedure, draft = _draft_and_procedure(request, slug, token)
    flow = Flow(procedure, draft.data)
    step = flow.step(number)
    if step is None:
        raise Http404
    if step.kind == SUMMARY:
        return HttpResponseRedirect(_step_url(procedure, draft, step))
    if not flow.is_visible(step):
        # The answers hide this step (they changed since the link was made): the next one.
        return _see_other(_step_url(procedure, draft, flow.following(step)))
    return _step(request, procedure, draft, flow, step)


@require_POST
@_private
def draft_delete(request, slug, token):
    """Start over: the draft is forgotten."""
    procedure, draft = _draft_and_procedure(request, slug, token)
    actions.delete_draft(draft=draft)
    _forget_draft(request, token)
    messages.info(request, _("Votre brouillon a été supprimé."))
    return _see_other(reverse("portal:procedure", args=[procedure.slug]))


@require_POST
@_private
def draft_autosave(request, slug, number):
    """Saves a step as the citizen types (htmx), without judging it: the answers are checked
    when they go on. Creates the draft on the first step if need be."""
    procedure = _published_procedure(request, slug)
    if not hit(f"autosave:{client_key(request)}", limit=AUTOSAVE_RATE_LIMIT, window=60):
        return render(
            request,
            "portal/includes/autosave_status.html",
            {"error": _("Enregistrement automatique suspendu un instant.")},
            status=429,
        )
    draft = _posted_draft(request, procedure)
    flow = Flow(procedure, draft.data if draft else None)
    step = flow.step(number)
    first = flow.first_step()
    if step is None or step.kind == SUMMARY or (draft is None and step.number != first.number):
        raise Http404
    posted = request.POST
    shown = set(posted["shown"].split()) if step.kind == PAGE and "shown" in posted else None
    raw = merge(flow.raw, posted, flow.step_names(step, posted, shown))
    try:
        saved = _save(request, procedure, draft, raw, step)
    except ValidationError as error:
        return render(
            request,
            "portal/includes/autosave_status.html",
            {"error": " ".join(error.messages)},
            status=400,
        )
    response = render(
        request,
        "portal/includes/autosave_status.html",
        {"saved": saved, "created": draft is None},
    )
    if draft is None:
        # A reload or a bookmark now opens the draft.
        response["HX-Replace-Url"] = _step_url(procedure, saved, step)
    return response


def _step(request, procedure, draft, flow, step):
    if request.method == "POST":
        return _post_step(request, procedure, draft, flow, step)
    return _render_step(request, procedure, draft, flow, step)


def procedure_own_answers(procedure) -> list:
    """The published answers written for this procedure, shown beside its first step."""
    return [
        page_result(page)
        for page in InfoPage.objects.visible()
        .filter(organization=procedure.organization, procedures=procedure)
        .order_by("title")[:RELATED_ANSWERS]
    ]


def _step_context(request, procedure, draft, flow, step, link_form) -> dict:
    first = flow.previous(step) is None
    if not request.user.is_authenticated and link_form is None:
        link_form = DraftLinkForm(initial={"draft_email": draft.email if draft else ""})
    if link_form is not None:
        # "Reprendre plus tard" sits below the answers beside the form, outside it in the page
        # yet sent with it (the form attribute).
        link_form.fields["draft_email"].widget.attrs["form"] = "procedure-form"
    return {
        "procedure": procedure,
        "draft": draft,
        "step": step,
        "progress": flow.progress(step),
        "previous": flow.previous(step),
        "link_form": link_form,
        "max_age_days": settings.GUICHET_DRAFT_MAX_AGE_DAYS,
        "action": _step_url(procedure, draft, step)
        if draft
        else reverse("portal:procedure", args=[procedure.slug]),
        "autosave_url": reverse("portal:draft_autosave", args=[procedure.slug, step.number]),
        # The token of the draft this page may create, the same for all its requests.
        "new_draft": None
        if draft
        else request.POST.get("new_draft")
        if _proposed_token(request)
        else signing.dumps(new_draft_token(), salt=NEW_DRAFT_SALT),
        # What the recent cases took, shown on the first step (not what was announced).
        "median_days": Case.objects.median_processing_days(procedure) if first else None,
        # The answers written for this procedure, beside its first step.
        "related_answers": procedure_own_answers(procedure) if first else [],
        # Where the procedure's service receives the public.
        "places": place_cards(
            Place.objects.filter(services=procedure.service_id).prefetch_related("closures")
        )
        if first
        else [],
    }


def _render_step(
    request,
    procedure,
    draft,
    flow,
    step,
    *,
    form=None,
    link_form=None,
    status=200,
    notice=False,
    save_errors=(),
    geocode=None,
):
    context = _step_context(request, procedure, draft, flow, step, link_form)
    if step.kind == PAGE:
        items = flow.shown_items(step)
        if form is None:
            data = MultiValueDict(flow.raw) if flow.raw else None
            form = AnswersForm(data, items=[item for item in items if is_answer(item)])
        rows = []
        for item in items:
            kind = item_type(item)
            if kind in ("section", "info"):
                rows.append({"kind": kind, "item": item})
            else:
                rows.append({"kind": "field", "field": form[ANSWER_PREFIX + item["id"]]})
        context["rows"] = rows
        context["shown"] = " ".join(item["id"] for item in items if item_type(item) != "section")
        context["has_map"] = any(item_type(item) == "address" for item in items)
    else:
        context["has_map"] = procedure.asks_location
    if step.kind != PAGE and form is None:
        data = flow.contact_data()
        if data is not None:
            form = ContactForm(data, procedure=procedure, quiet=True)
        else:
            form = ContactForm(procedure=procedure, initial=ContactForm.initial_for(request.user))
    addresses.attach(form, geocode)
    context.update({"form": form, "notice": notice, "save_errors": save_errors})
    return render(request, "portal/procedure_step.html", context, status=status)


def _post_step(request, procedure, draft, flow, step):
    action = request.POST.get("action", "next")
    # A candidate address picked after "Chercher" fills the address and its point.
    posted = addresses.apply_pick(request.POST)
    shown = set(posted["shown"].split()) if step.kind == PAGE and "shown" in posted else None
    raw = merge(flow.raw, posted, flow.step_names(step, posted, shown))
    flow = Flow(procedure, raw)

    searched = addresses.wants_search(posted)
    if searched or posted.get("geocode-use"):
        # The address search without JavaScript: the step again, nothing judged yet.
        draft = _save(request, procedure, draft, raw, step)
        result = addresses.search_for_form(request, searched) if searched else None
        return _render_step(request, procedure, draft, flow, step, geocode=result)

    if action == "back" and flow.previous(step) is not None:
        # Back keeps what was typed on this step, without judging it.
        target = flow.previous(step)
    elif action == "link":
        return _request_link(request, procedure, draft, flow, step)
    else:
        target = None

    if target is None:  # Next: this step must pass first
        if step.kind == PAGE:
            errors, appeared = _page_errors(flow, step, raw, shown)
            if errors or appeared:
                if draft is not None:
                    draft = _save(request, procedure, draft, raw, step)
                form = AnswersForm(
                    posted, items=[item for item in flow.shown_items(step) if is_answer(item)]
                )
                if errors:
                    form.add_domain_errors(ValidationError(errors))
                return _render_step(
                    request,
                    procedure,
                    draft,
                    flow,
                    step,
                    form=form,
                    notice=bool(appeared),
                    status=400 if errors else 200,
                )
        else:
            form = ContactForm(posted, procedure=procedure)
            if not form.is_valid():
                if draft is not None:
                    draft = _save(request, procedure, draft, raw, step)
                return _render_step(request, procedure, draft, flow, step, form=form, status=400)
        target = flow.following(step)
    try:
        draft = _save(request, procedure, draft, raw, target)
    except ValidationError as error:
        return _render_step(
            request, procedure, draft, flow, step, status=400, save_errors=error.messages
        )
    return _see_other(_step_url(procedure, draft, target))


def _page_errors(flow, step, raw, shown) -> tuple[dict, set]:
    """The errors of a page step's shown fields, and the items the answers just revealed
    (a field whose condition reads another field of the same step)."""
    state = flow.state
    before = {
        key: value for key, value in state.answers.items() if state.page_of[key] < step.page.index
    }
    try:
        clean_page(
            flow.fields,
            step.page.index,
            answer_data(raw),
            None,
            before,
            with_files=False,
            area=flow.area,
        )
        errors = {}
    except ValidationError as error:
        errors = error.error_dict
    if shown is None:
        return errors, set()
    now = {item["id"] for item in flow.shown_items(step) if item_type(item) != "section"}
    appeared = now - shown
    # Fields just revealed are shown without errors: the citizen has not seen them yet.
    return {key: value for key, value in errors.items() if key not in appeared}, appeared


def _request_link(request, procedure, draft, flow, step):
    """Saves the step as it is and e-mails the link to resume it (anonymous citizens)."""
    link_form = DraftLinkForm(request.POST)
    if request.user.is_authenticated or not link_form.is_valid():
        return _render_step(request, procedure, draft, flow, step, link_form=link_form, status=400)
    allowed = hit(
        f"draft-link:{client_key(request)}",
        limit=DRAFT_LINK_RATE_LIMIT,
        window=DRAFT_LINK_RATE_WINDOW,
    )
    if not allowed:
        link_form.add_error("draft_email", _("Trop de demandes : réessayez plus tard."))
        response = _render_step(
            request, procedure, draft, flow, step, link_form=link_form, status=429
        )
        response["Retry-After"] = str(DRAFT_LINK_RATE_WINDOW)
        return response
    try:
        draft = _save(request, procedure, draft, flow.raw, step)
        actions.request_draft_link(
            draft=draft, email=link_form.cleaned_data["draft_email"], language=request.LANGUAGE_CODE
        )
    except ValidationError as error:
        return _render_step(
            request, procedure, draft, flow, step, status=400, save_errors=error.messages
        )
    messages.success(
        request,
        _("Le lien pour reprendre votre demande a été envoyé à %(email)s.")
        % {"email": link_form.cleaned_data["draft_email"]},
    )
    return _see_other(_step_url(procedure, draft, step))


@require_http_methods(["GET", "POST"])
@_private
def draft_summary(request, slug, token):
    """Every visible answer, with a link to change it; the attachments; sending."""
    procedure, draft = _draft_and_procedure(request, slug, token)
    flow = Flow(procedure, draft.data)
    step = flow.summary_step
    action = request.POST.get("action", "submit") if request.method == "POST" else None
    if action == "back":
        return _see_other(_step_url(procedure, draft, flow.previous(step)))
    if action == "link":
        return _request_link(request, procedure, draft, flow, step)

    contact_data = flow.contact_data()
    contact = ContactForm(contact_data, procedure=procedure) if contact_data else None
    incomplete = flow.first_incomplete()
    if incomplete is None and (contact is None or not contact.is_valid()):
        incomplete = flow.contact_step
    if incomplete is not None:
        messages.warning(request, _incomplete_message(flow, incomplete))
        return _see_other(_step_url(procedure, draft, incomplete))

    files_form = AnswersForm(items=flow.file_items())
    errors, status = [], 200
    refusal = None
    # The people who gave this account a mandate for this procedure: it may file for them.
    mandates = (
        [m for m in helper_mandates(request.user, procedure.organization) if m.covers(procedure.pk)]
        if request.user.is_authenticated
        else []
    )
    acting_for = next((m for m in mandates if str(m.pk) == request.POST.get("pour", "")), None)
    if action == "submit":
        refusal = filing_refusal(request, draft, contact.cleaned_data["contact_email"])
    if refusal is not None:
        files_form.add_error(None, refusal.message)
        status = refusal.status
    elif action == "submit":
        files = MultiValueDict(
            {
                name.removeprefix(ANSWER_PREFIX): request.FILES.getlist(name)
                for name in request.FILES
                if name.startswith(ANSWER_PREFIX)
            }
        )
        submission = contact.submission()
        citizen = request.user if request.user.is_authenticated else None
        if acting_for is not None:
            # Filed for the person who gave the mandate: their request, their details.
            citizen = acting_for.citizen
            submission |= {
                "contact_name": citizen.get_full_name() or citizen.email,
                "contact_email": citizen.email,
                "contact_phone": citizen.phone,
            }
        try:
            # The slots chosen are booked with the filing, in its transaction: one taken
            # meanwhile undoes it all, and the summary says which to choose again.
            with transaction.atomic():
                case = actions.submit_case(
                    procedure=procedure,
                    data=answer_data(draft.data),
                    files=files,
                    channel=Channel.WEB,
                    citizen=citizen,
                    actor=request.user if acting_for is not None else None,
                    language=request.LANGUAGE_CODE,
                    draft=draft,
                    **submission,
                )
                book_case_slots(case)
        except ValidationError as error:
            errors = _summary_errors(procedure, draft, flow, files_form, error)
            status = 400
        else:
            count_filing(request, case.contact_email)
            _forget_draft(request, token)
            submitted = request.session.get(SESSION_SUBMITTED, [])
            request.session[SESSION_SUBMITTED] = [*submitted, case.pk][-SESSION_SUBMITTED_KEEP:]
            return _see_other(reverse("portal:confirmation", args=[procedure.slug]))

    context = _step_context(request, procedure, draft, flow, step, None)
    context.update(
        {
            "sections": [
                {**section, "url": _step_url(procedure, draft, section["step"])}
                for section in flow.summary()
            ],
            "contact": contact,
            "contact_url": _step_url(procedure, draft, flow.contact_step),
            "contact_title": flow.contact_step.title,
            "form": files_form,
            "errors": errors,
            "honeypot": HONEYPOT_FIELD,
            "mandates": mandates,
            "acting_for": acting_for.pk if acting_for else None,
        }
    )
    response = render(request, "portal/procedure_summary.html", context, status=status)
    if refusal is not None and refusal.retry_after:
        response["Retry-After"] = str(refusal.retry_after)
    return response


def _incomplete_message(flow, step) -> str:
    """Why the summary sends back to a step: a slot taken since it was chosen says so."""
    if step.kind == PAGE:
        slots = {item.get("id") for item in flow.fields if item_type(item) == "slot"}
        for key, errors in flow.page_errors(step).items():
            if key in slots and errors:
                return str(errors[0])
    return _("Complétez cette étape avant d'envoyer votre demande.")


def _summary_errors(procedure, draft, flow, files_form, error) -> list[dict]:
    """Puts the action's errors on the attachments they concern; the others (answers that
    no longer pass, contact details) are listed with a link to their step."""
    if not hasattr(error, "error_dict"):
        files_form.add_error(None, error)
        return []
    file_ids = {item["id"] for item in flow.file_items()}
    labels = {
        item.get("id"): item.get("label") or item.get("id")
        for item in flow.fields
        if isinstance(item, dict)
    }
    others = []
    for key, messages_ in error.message_dict.items():
        if key in file_ids:
            files_form.add_error(ANSWER_PREFIX + key, error.error_dict[key])
            continue
        page = flow.state.page_of.get(key)
        step = flow.steps[page] if page is not None else flow.contact_step
        for message in messages_:
            others.append(
                {
                    "label": labels.get(key, ""),
                    "message": message,
                    "url": _step_url(procedure, draft, step),
                }
            )
    return others


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
