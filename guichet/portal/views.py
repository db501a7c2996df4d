"""The citizen portal: find a procedure, file a request, follow it with its tracking code."""

import functools

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import add_never_cache_headers
from django.utils.datastructures import MultiValueDict
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from guichet.accounts.deletion import DeleteAccountForm, delete_account
from guichet.accounts.export import personal_data_zip
from guichet.accounts.profile import ProfileForm
from guichet.cases import actions
from guichet.cases.access import get_case_by_tracking_code, get_draft
from guichet.cases.actions import MERGED_EXPLANATION
from guichet.cases.models import Attachment, Case, Channel, Draft, EventKind
from guichet.catalog.formschema import clean_page, display_answers, is_answer, item_type
from guichet.catalog.models import InfoPage, Procedure, Theme
from guichet.catalog.search import page_result
from guichet.core.http import see_other
from guichet.core.ratelimit import client_address, hit
from guichet.organization.models import Place
from guichet.organization.places import place_cards

from .forms import (
    ANSWER_PREFIX,
    AnswersForm,
    ContactForm,
    DraftLinkForm,
    MessageForm,
    TrackingLookupForm,
)
from .steps import PAGE, SUMMARY, Flow, answer_data, merge

# The cases this browser filed lately: only it may see their confirmation page.
SESSION_SUBMITTED = "portal_submitted_cases"
SESSION_SUBMITTED_KEEP = 10
# The drafts this (anonymous) browser started, so that it is offered to resume them.
SESSION_DRAFTS = "portal_drafts"
SESSION_DRAFTS_KEEP = 10
TRACKING_RATE_WINDOW = 600  # seconds
# Resume links sent by e-mail, per client address and per hour: enough for a citizen,
# too few to make the portal a spam relay.
DRAFT_LINK_RATE_LIMIT = 5
DRAFT_LINK_RATE_WINDOW = 3600
# The requests "my space" lists, the latest first.
MY_SPACE_LIMIT = 200
RELATED_ANSWERS = 5
# Autosaves per client address and per minute: one every two seconds of typing is plenty.
AUTOSAVE_RATE_LIMIT = 40


_see_other = see_other


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
    from .info import navigation  # the information side of the portal imports this module

    info = navigation(request.organization)
    themes = [
        {"code": code, "label": label, "procedures": by_theme.get(code, [])}
        for code, label in Theme.choices
        if code in by_theme or code in info["themes_with_pages"]
    ]
    return render(
        request,
        "portal/home.html",
        {"themes": themes, "lookup_form": TrackingLookupForm(), **info},
    )


@require_GET
@_needs_organization
def accessibility(request):
    """The accessibility statement (déclaration d'accessibilité) that RGAA requires."""
    return render(request, "portal/accessibility.html")


@require_GET
@_needs_organization
def my_space(request):
    """A signed-in citizen's requests and drafts in this organization."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    unread = Count("messages", filter=Q(messages__from_citizen=False, messages__read_at=None))
    cases = list(
        Case.objects.for_organization(request.organization)
        .filter(citizen=request.user)
        .select_related("procedure", "version")
        .annotate(unread=unread)
        .order_by("-created_at")[:MY_SPACE_LIMIT]
    )
    documents = (
        Attachment.objects.filter(case__in=[case.pk for case in cases])
        .exclude(generated_from="")
        .select_related("case")
        .order_by("-created_at")
    )
    workflows = {}
    for case in cases:
        if case.version_id not in workflows:
            workflows[case.version_id] = case.version.get_workflow()
        case.state_label = workflows[case.version_id].state(case.state).label
    drafts = (
        Draft.objects.for_organization(request.organization)
        .filter(citizen=request.user, procedure__current_version__isnull=False)
        .select_related("procedure")
        .order_by("-updated_at")
    )
    response = render(
        request,
        "portal/my_space.html",
        {
            "cases": cases,
            "drafts": drafts,
            "documents": documents,
            "unread": sum(case.unread for case in cases),
            "limit": MY_SPACE_LIMIT,
        },
    )
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@_needs_organization
def my_profile(request):
    """The citizen's name, phone and language (the site's, and their e-mails')."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, instance=request.user)
        if form.is_valid():
            user = form.save()
            translation.activate(user.language)
            messages.success(request, _("Votre profil est enregistré."))
            response = _see_other(reverse("portal:my_space"))
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME, user.language, samesite="Lax", httponly=True
            )
            return response
        status = 400
    else:
        form = ProfileForm(instance=request.user)
    response = render(request, "portal/my_profile.html", {"form": form}, status=status)
    add_never_cache_headers(response)
    return response


@require_GET
@_needs_organization
def my_data(request):
    """What the citizen's data holds, and the button to download it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    response = render(request, "portal/my_data.html")
    add_never_cache_headers(response)
    return response


@require_POST
@_needs_organization
def my_data_download(request):
    """The citizen's data as a zip (a POST: no link prefetch ever builds one)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("portal:my_data"), reverse("account_login"))
    archive = personal_data_zip(request.user)
    name = f"mes-donnees-{timezone.localdate():%Y-%m-%d}.zip"
    response = HttpResponse(archive, content_type="application/zip")
    response["Content-Disposition"] = content_disposition_header(True, name)
    add_never_cache_headers(response)
    return response


@require_http_methods(["GET", "POST"])
@_needs_organization
def delete_my_account(request):
    """Says what deleting the account does, then does it once the password confirms it."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path(), reverse("account_login"))
    user = request.user
    if user.memberships.exists():
        # An agent's account carries their work: an administrator removes it.
        messages.error(request, _("Un compte d'agent se supprime auprès d'un administrateur."))
        return _see_other(reverse("portal:my_space"))
    status = 200
    if request.method == "POST":
        form = DeleteAccountForm(request.POST, user=user)
        if form.is_valid():
            delete_account(user)
            logout(request)
            messages.success(request, _("Votre compte est supprimé."))
            return _see_other(reverse("portal:home"))
        status = 400
    else:
        form = DeleteAccountForm(user=user)
    open_cases = Case.objects.filter(citizen=user).open()
    erased_at_once = open_cases.filter(organization__open_cases_on_erasure="erase").count()
    response = render(
        request,
        "portal/delete_account.html",
        {
            "form": form,
            "open_count": open_cases.count() - erased_at_once,
            "erased_at_once": erased_at_once,
        },
        status=status,
    )
    add_never_cache_headers(response)
    return response


# --- Filing a request: steps, drafts, summary -------------------------------------------------


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


def _save(request, procedure, draft, raw, step) -> Draft:
    """Saves what was typed, and the step to come back to; creates the draft if need be."""
    draft = actions.save_draft(
        procedure=procedure, data=raw, page=step.number, draft=draft, citizen=request.user
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
    autosave created it), else this visitor's draft of the procedure (an autosave that was
    still on its way when the page was posted), so that one form never makes two drafts."""
    token = request.POST.get("draft", "")
    if token:
        try:
            return _draft_and_procedure(request, procedure.slug, token)[1]
        except Http404:
            pass  # deleted or purged meanwhile
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
    if not hit(f"autosave:{client_address(request)}", limit=AUTOSAVE_RATE_LIMIT, window=60):
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


def _step_context(request, procedure, draft, flow, step, link_form) -> dict:
    first = flow.previous(step) is None
    if not request.user.is_authenticated and link_form is None:
        link_form = DraftLinkForm(initial={"draft_email": draft.email if draft else ""})
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
        # What the recent cases took, shown on the first step (not what was announced).
        "median_days": Case.objects.median_processing_days(procedure) if first else None,
        # The answers written for this procedure, beside its first step.
        "related_answers": [
            page_result(page)
            for page in InfoPage.objects.visible()
            .filter(organization=procedure.organization, procedures=procedure)
            .order_by("title")[:RELATED_ANSWERS]
        ]
        if first
        else [],
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
    context.update({"form": form, "notice": notice, "save_errors": save_errors})
    return render(request, "portal/procedure_step.html", context, status=status)


def _post_step(request, procedure, draft, flow, step):
    action = request.POST.get("action", "next")
    posted = request.POST
    shown = set(posted["shown"].split()) if step.kind == PAGE and "shown" in posted else None
    raw = merge(flow.raw, posted, flow.step_names(step, posted, shown))
    flow = Flow(procedure, raw)

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
        clean_page(flow.fields, step.page.index, answer_data(raw), None, before, with_files=False)
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
        f"draft-link:{client_address(request)}",
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
        messages.warning(request, _("Complétez cette étape avant d'envoyer votre demande."))
        return _see_other(_step_url(procedure, draft, incomplete))

    files_form = AnswersForm(items=flow.file_items())
    errors, status = [], 200
    if action == "submit":
        files = MultiValueDict(
            {
                name.removeprefix(ANSWER_PREFIX): request.FILES.getlist(name)
                for name in request.FILES
                if name.startswith(ANSWER_PREFIX)
            }
        )
        try:
            case = actions.submit_case(
                procedure=procedure,
                data=answer_data(draft.data),
                files=files,
                channel=Channel.WEB,
                citizen=request.user if request.user.is_authenticated else None,
                language=request.LANGUAGE_CODE,
                draft=draft,
                **contact.submission(),
            )
        except ValidationError as error:
            errors = _summary_errors(procedure, draft, flow, files_form, error)
            status = 400
        else:
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
        }
    )
    return render(request, "portal/procedure_summary.html", context, status=status)


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
            EventKind.ANSWERS_EDITED,
            EventKind.MERGED,
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
        # Whoever holds the tracking code is the citizen: the service's messages are read.
        actions.mark_messages_read(case=case, by_citizen=True)

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
        # A request merged as a duplicate follows the kept one: its state (nothing else).
        "kept_state": case.merged_into.state_info if case.merged_into_id else None,
        "answers": display_answers(case.version.fields, case.data),
        "answer_files": [
            {"label": labels.get(item.field_id, item.field_id), "attachment": item}
            for item in attachments.get(None, [])
            if not item.generated_from
        ],
        "documents": [item for item in attachments.get(None, []) if item.generated_from],
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
