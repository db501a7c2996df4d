"""The agents' back office: the inbox, a case's page, and what agents do on it.

Each view checks access first (agent_required, then get_case_for_agent for one case), parses
a form, calls a domain action, and redirects; no view writes a case row itself.
"""

from collections import defaultdict

from allauth.account import views as allauth_views
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import render
from django.template import TemplateSyntaxError
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from guichet.accounts.models import User
from guichet.cases import actions
from guichet.cases.access import get_case_for_agent
from guichet.cases.actions import MAX_MESSAGE_LENGTH
from guichet.cases.audit import log_access
from guichet.cases.downloads import attachment_response
from guichet.cases.duplicates import likely_duplicates
from guichet.cases.models import Case, Label
from guichet.cases.read_receipts import service_read_case
from guichet.cases.templating import render_reply_template
from guichet.catalog.formschema import display_answers
from guichet.catalog.models import ProcedureVersion, ReplyTemplate
from guichet.core.http import see_other
from guichet.notify.outbox import notifications_by_event

from .decorators import agent_required
from .exports import csv_response, xlsx_response
from .forms import (
    AssignForm,
    BulkForm,
    InboxFilterForm,
    LabelForm,
    LinkForm,
    MessageForm,
    NoteForm,
    SavedViewForm,
    TransferForm,
    TransitionForm,
    add_action_error,
    inbox_query,
)
from .journal import journal
from .models import SavedView
from .paging import InboxPage

# Tab counts stop there ("999+"): a count over millions of cases would cost a full scan.
INBOX_COUNT_LIMIT = 999
INBOX_PAGE_SIZE = 50


def exports_in_background(cases, current_tab: dict) -> bool:
    """Whether the view's exports are prepared by the worker: at least
    GUICHET_EXPORT_BACKGROUND_FROM cases. The tab's count stops at INBOX_COUNT_LIMIT; past it,
    a bound above the limit is checked with one more bounded count."""
    threshold = settings.GUICHET_EXPORT_BACKGROUND_FROM
    if not current_tab["more"]:
        return current_tab["count"] >= threshold
    if threshold <= INBOX_COUNT_LIMIT + 1:
        return True
    return cases.order_by().values("pk")[:threshold].count() >= threshold


class LoginView(allauth_views.LoginView):
    """allauth's login in the back office's layout: the same rate limits on failures as the
    portal's, then the second factor (allauth.mfa) for the accounts that have one. Agents
    land in their inbox (guichet.accounts.adapter)."""

    template_name = "backoffice/login.html"


login = LoginView.as_view()


@never_cache
@agent_required
@require_safe
def inbox(request):
    form = InboxFilterForm(request.GET, membership=request.membership)
    visible = Case.objects.visible_to(request.membership)
    cases = form.filter(visible.for_listing().prefetch_related("labels"), user=request.user)
    tabs = form.tabs(visible, user=request.user, limit=INBOX_COUNT_LIMIT)
    current = next(tab for tab in tabs if tab["current"])
    page = InboxPage(
        cases,
        request.GET,
        sort=form.filters().get("sort") or "",
        count=current["count"],
        more=current["more"],
        size=INBOX_PAGE_SIZE,
    )
    # One Workflow per procedure: reading the workflow document for every row would parse
    # the same JSON again and again.
    # Each case shows with its version's workflow: fetched once per version on the page.
    rows = list(page)
    versions = ProcedureVersion.objects.filter(pk__in={case.version_id for case in rows})
    workflows = {
        version.pk: version.get_workflow() for version in versions.only("workflow", "translations")
    }
    for case in rows:
        case.state_label = workflows[case.version_id].state(case.state).agent_label
    # The transitions the ticked cases may take, by code (each case is checked on its own).
    bulk_transitions = {}
    for workflow in workflows.values():
        for transition in workflow.transitions:
            if transition.allows(request.membership.role):
                bulk_transitions.setdefault(transition.code, transition.label)
    return render(
        request,
        "backoffice/inbox.html",
        {
            "form": form,
            "page_obj": page,
            "saved_views": SavedView.objects.for_member(request.membership).select_related(
                "service"
            ),
            "view_form": SavedViewForm(membership=request.membership),
            "bulk_form": BulkForm(membership=request.membership),
            "label_names": [label.name for label in form.fields["label"].queryset],
            "bulk_transitions": sorted(bulk_transitions.items(), key=lambda item: item[1]),
            "current_query": form.query_string(),
            "nav": "inbox",
            "tabs": tabs,
            "current_tab": current,
            "exports_in_background": exports_in_background(cases, current),
        },
    )


def _case_page(request, case, *, status=200, template_used=None, **forms):
    """The page of one case; `forms` are bound forms to show again with their errors."""
    workflow = case.get_workflow()
    membership = request.membership
    events = list(case.events.select_related("actor"))
    case_messages = list(case.messages.select_related("author"))
    attachments = list(case.attachments.all())
    by_message = defaultdict(list)
    for attachment in attachments:
        if attachment.message_id:
            by_message[attachment.message_id].append(attachment)
    for message in case_messages:
        message.attachment_list = by_message[message.pk]
    if request.method == "GET":
        # An agent of the case's service opening it reads the citizen's messages.
        service_read_case(case=case, messages=case_messages, user=request.user)
    # Each notification written from an event, with its delivery status, in the history.
    notifications = notifications_by_event(case)
    for event in events:
        event.notifications = notifications.get(event.pk, [])
    labels = {field["id"]: field.get("label", field["id"]) for field in case.version.fields}
    for attachment in attachments:
        attachment.field_label = labels.get(attachment.field_id, attachment.field_id)
    # Only what this member's role allows (the action checks it again).
    transitions = workflow.transitions_for(case.state, membership.role)
    context = {
        "case": case,
        "state": workflow.state(case.state),
        "transitions": transitions,
        "answers": display_answers(case.version.fields, case.data),
        "attachments": attachments,
        "case_messages": case_messages,
        "journal": list(reversed(journal(case, events, case_messages))),
        "transition_form": forms.get("transition_form") or TransitionForm(transitions=transitions),
        "assign_form": forms.get("assign_form") or AssignForm(case=case),
        "message_form": forms.get("message_form") or MessageForm(),
        "note_form": forms.get("note_form") or NoteForm(),
        "transfer_form": forms.get("transfer_form") or TransferForm(case=case),
        "reply_templates": list(ReplyTemplate.objects.for_case(case).only("pk", "title")),
        "following": case.followers.filter(user=request.user).exists(),
        "duplicates": likely_duplicates(case, Case.objects.visible_to(membership)),
        "labels": list(case.labels.all()),
        # Booked with the filing by a "choose a slot" item of the form.
        "appointments": list(
            case.appointments.select_related("meeting_type__agenda__place", "counter")
        ),
        "label_names": list(
            Label.objects.filter(organization_id=case.organization_id).values_list(
                "name", flat=True
            )[:500]
        ),
        "label_form": forms.get("label_form") or LabelForm(),
        "link_form": forms.get("link_form") or LinkForm(),
        # Linked cases this member sees (a link to another service's case stays hidden).
        "related_cases": list(
            case.related.filter(pk__in=Case.objects.visible_to(membership).values("pk"))
            .select_related("procedure")
            .only("reference", "state", "category", "version_id", "procedure__title")
        ),
        "merged_cases": list(case.merged_cases.only("reference", "merged_into_id")),
        "has_errors": status >= 400,
        "template_used": template_used,
    }
    return render(request, "backoffice/case_detail.html", context, status=status)


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def case_detail(request, reference):
    case = get_case_for_agent(request.user, request.organization, reference)
    log_access(user=request.user, organization=request.organization, kind="case", case=case)
    return _case_page(request, case)


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def case_attachment(request, reference, pk):
    case = get_case_for_agent(request.user, request.organization, reference)
    attachment = case.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    log_access(
        user=request.user,
        organization=request.organization,
        kind="attachment",
        case=case,
        detail=attachment.original_name,
    )
    return attachment_response(attachment)


def _back_to_case(case):
    """The answer to a successful POST: the browser GETs the case page (no re-submission)."""
    return see_other(reverse("backoffice:case", args=[case.reference]))


def _refused(request, case, form, form_name, error):
    """The domain refused the action to this agent: the page again, with the reason, 403."""
    form.add_error(None, str(error) or _("Vous ne pouvez pas faire cette action."))
    return _case_page(request, case, status=403, **{form_name: form})


@agent_required(hide_from_outsiders=True)
@require_POST
def case_transition(request, reference):
    case = get_case_for_agent(request.user, request.organization, reference)
    transitions = case.get_workflow().transitions_for(case.state, request.membership.role)
    form = TransitionForm(request.POST, transitions=transitions)
    if form.is_valid():
        try:
            case = actions.transition_case(
                case=case,
                transition=form.cleaned_data["transition"],
                actor=request.user,
                comment=form.cleaned_data["comment"],
                expected_state=form.cleaned_data["state"] or None,
            )
        except actions.CaseChanged as error:
            # Another agent was quicker: the case as it is now, the comment kept.
            add_action_error(form, error, "transition")
            case = get_case_for_agent(request.user, request.organization, reference)
            return _case_page(request, case, status=409, transition_form=form)
        except ValidationError as error:
            add_action_error(form, error, "transition")
        except PermissionDenied as error:
            return _refused(request, case, form, "transition_form", error)
        else:
            label = case.get_workflow().state(case.state).agent_label
            messages.success(
                request, _("La demande est maintenant à l'état « %(state)s ».") % {"state": label}
            )
            return _back_to_case(case)
    return _case_page(request, case, status=400, transition_form=form)


@agent_required(hide_from_outsiders=True)
@require_POST
def case_assign(request, reference):
    case = get_case_for_agent(request.user, request.organization, reference)
    form = AssignForm(request.POST, case=case)
    if form.is_valid():
        assignee = form.cleaned_data["assignee"]
        try:
            actions.assign_case(case=case, assignee=assignee, actor=request.user)
        except ValidationError as error:
            add_action_error(form, error, "assignee")
        except PermissionDenied as error:
            return _refused(request, case, form, "assign_form", error)
        else:
            if assignee is None:
                text = _("La demande n'est plus attribuée.")
            elif assignee == request.user:
                text = _("La demande vous est attribuée.")
            else:
                text = _("La demande est attribuée à %(name)s.") % {"name": assignee}
            messages.success(request, text)
            return _back_to_case(case)
    return _case_page(request, case, status=400, assign_form=form)


@agent_required(hide_from_outsiders=True)
@require_POST
def case_message(request, reference):
    case = get_case_for_agent(request.user, request.organization, reference)
    if "use_template" in request.POST:
        return _use_reply_template(request, case)
    form = MessageForm(request.POST, request.FILES)
    if form.is_valid():
        attachment = form.cleaned_data["attachment"]
        try:
            actions.post_message(
                case=case,
                body=form.cleaned_data["body"],
                from_citizen=False,
                author=request.user,
                files=[attachment] if attachment else [],
            )
        except ValidationError as error:
            # Errors without a field name come from the attached file.
            add_action_error(form, error, "attachment")
        except PermissionDenied as error:
            return _refused(request, case, form, "message_form", error)
        else:
            messages.success(request, _("Votre message a été envoyé au demandeur."))
            return _back_to_case(case)
    return _case_page(request, case, status=400, message_form=form)


def _use_reply_template(request, case):
    """ "Utiliser ce modèle": the chosen template's text added below what the agent typed,
    nothing sent. With htmx only the text area comes back; without, the whole page."""
    draft = request.POST.get("body", "").replace("\r\n", "\n")[:MAX_MESSAGE_LENGTH]
    chosen = request.POST.get("modele", "")
    template = None
    if chosen.isdigit():
        template = ReplyTemplate.objects.for_case(case).filter(pk=int(chosen)).first()
    status, error = 400, None
    if template is None:
        error = _("Choisissez un modèle de réponse.")
    else:
        try:
            text = render_reply_template(template.body, case)
        except TemplateSyntaxError:
            error = _("Ce modèle ne peut pas être utilisé.")
        else:
            draft, status = f"{draft.rstrip()}\n\n{text}" if draft.strip() else text, 200
    form = MessageForm({"body": draft})
    form.is_valid()  # shows at once a variable that the template could not fill
    if error:
        # In place of "required" for an empty draft: the error is the template's.
        form.errors["body"] = form.error_class([error])
    used = template if status == 200 else None
    if request.headers.get("HX-Request"):
        return render(
            request,
            "backoffice/includes/reply_body.html",
            {
                "message_form": form,
                "template_used": template if status == 200 else None,
                "oob": True,
            },
            status=status,
        )
    return _case_page(
        request,
        case,
        status=status,
        message_form=form,
        template_used=used,
    )


@agent_required(hide_from_outsiders=True)
@require_POST
def case_note(request, reference):
    case = get_case_for_agent(request.user, request.organization, reference)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            actions.add_internal_note(case=case, body=form.cleaned_data["body"], actor=request.user)
        except ValidationError as error:
            add_action_error(form, error, "body")
        except PermissionDenied as error:
            return _refused(request, case, form, "note_form", error)
        else:
            messages.success(request, _("La note interne est ajoutée à l'historique."))
            return _back_to_case(case)
    return _case_page(request, case, status=400, note_form=form)


@agent_required(hide_from_outsiders=True)
@require_POST
def case_transfer(request, reference):
    case = get_case_for_agent(request.user, request.organization, reference)
    form = TransferForm(request.POST, case=case)
    if form.is_valid():
        try:
            case = actions.transfer_case(
                case=case,
                service=form.cleaned_data["service"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            add_action_error(form, error)
        except PermissionDenied as error:
            return _refused(request, case, form, "transfer_form", error)
        else:
            messages.success(
                request,
                _("La demande est transférée au service %(service)s.")
                % {"service": case.service.name},
            )
            if Case.objects.visible_to(request.membership).filter(pk=case.pk).exists():
                return _back_to_case(case)
            return _see_other(reverse("backoffice:inbox"))  # no longer this agent's to see
    return _case_page(request, case, status=400, transfer_form=form)


@agent_required(hide_from_outsiders=True)
@require_POST
def case_follow(request, reference):
    case = get_case_for_agent(request.user, request.organization, reference)
    follow = request.POST.get("follow") == "1"
    actions.follow_case(case=case, user=request.user, follow=follow)
    if follow:
        messages.success(
            request, _("Vous suivez cette demande : ses nouvelles vous sont envoyées.")
        )
    else:
        messages.success(request, _("Vous ne suivez plus cette demande."))
    return _back_to_case(case)


@agent_required
@require_POST
def view_save(request):
    """Keeps the inbox's current filters (posted as `query`) under a name."""
    form = SavedViewForm(request.POST, membership=request.membership)
    query = inbox_query(QueryDict(request.POST.get("query", "")), request.membership)
    if not form.is_valid():
        messages.error(
            request,
            _("La vue n'a pas été enregistrée : %(errors)s")
            % {"errors": " ".join(str(e) for errors in form.errors.values() for e in errors)},
        )
        return _see_other(f"{reverse('backoffice:inbox')}?{query}")
    view = SavedView.objects.create(
        organization=request.organization,
        owner=request.user,
        service=form.cleaned_data["service"],
        name=form.cleaned_data["name"],
        query=query,
    )
    messages.success(request, _("La vue « %(name)s » est enregistrée.") % {"name": view.name})
    return _see_other(f"{reverse('backoffice:inbox')}?{query}")


@agent_required
@require_POST
def view_delete(request, pk):
    """Deletes one of one's own views (another's: 404)."""
    deleted, _rows = SavedView.objects.filter(
        organization=request.organization, owner=request.user, pk=pk
    ).delete()
    if not deleted:
        raise Http404
    messages.success(request, _("La vue est supprimée."))
    return _see_other(reverse("backoffice:inbox"))


_see_other = see_other


def _export_selection(request, data):
    """The ticked cases (those this member sees) as a file, in the inbox's order."""
    references = data["cases"]
    cases = (
        Case.objects.visible_to(request.membership)
        .filter(reference__in=references)
        .order_by(*InboxFilterForm.ORDERINGS[""])
    )
    log_access(
        user=request.user,
        organization=request.organization,
        kind="export",
        detail=(_("sélection : %(references)s") % {"references": ", ".join(references)})[:300],
    )
    if data["action"] == BulkForm.EXPORT_XLSX:
        return xlsx_response(cases)
    return csv_response(cases)


@agent_required
@require_POST
def bulk_action(request):
    """Applies one action to the ticked cases, each through its domain action: a case this
    member does not see, or that refuses the action, is reported, the others done."""
    back = request.POST.get("next", "")
    if not back.startswith("/backoffice/") or "//" in back or "\\" in back:
        back = reverse("backoffice:inbox")
    form = BulkForm(request.POST, membership=request.membership)
    if not form.is_valid() or not form.cleaned_data["cases"]:
        messages.error(request, _("Cochez des demandes et choisissez une action."))
        return _see_other(back)
    data = form.cleaned_data
    if data["action"] in (BulkForm.EXPORT_CSV, BulkForm.EXPORT_XLSX):
        return _export_selection(request, data)
    assignee = None
    if data["action"] == BulkForm.ASSIGN and data["assignee"]:
        assignee = User.objects.filter(pk=int(data["assignee"])).first()
    done, refused = [], []
    for reference in data["cases"]:
        try:
            case = get_case_for_agent(request.user, request.organization, reference)
            if data["action"] == BulkForm.ASSIGN:
                actions.assign_case(case=case, assignee=assignee, actor=request.user)
            elif data["action"] == BulkForm.LABEL:
                actions.label_case(case=case, actor=request.user, add=[data["label"]])
            else:
                actions.transition_case(
                    case=case, transition=data["transition"], actor=request.user
                )
        except Http404:
            refused.append(_("%(reference)s : introuvable") % {"reference": reference[:32]})
        except (ValidationError, PermissionDenied) as error:
            reason = " ".join(getattr(error, "messages", [])) or _("action refusée")
            refused.append(f"{reference} : {reason}")
        else:
            done.append(reference)
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)s demande traitée : %(references)s.",
                "%(count)s demandes traitées : %(references)s.",
                len(done),
            )
            % {"count": len(done), "references": ", ".join(done)},
        )
    if refused:
        messages.error(
            request,
            _("Non traitées : %(reasons)s.") % {"reasons": " ; ".join(refused)},
        )
    return _see_other(back)
