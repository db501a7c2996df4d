"""More of what agents do on a case: labels, links and merges of duplicates, corrections of
the answers. Each view checks access, parses a form, calls a domain action, redirects."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from guichet.cases import actions
from guichet.cases.access import get_case_for_agent
from guichet.cases.audit import log_access
from guichet.lib.text import parse_id

from .decorators import agent_required
from .forms import AnswersEditForm, LabelForm, LinkForm
from .views import _back_to_case, _case_page, _refused


@agent_required(hide_from_outsiders=True)
@require_POST
def case_labels(request, reference):
    """Adds the label typed (`label`) or removes the one named (`remove`, its id)."""
    case = get_case_for_agent(request.user, request.organization, reference)
    remove = request.POST.get("remove", "")
    if remove:
        label = case.labels.filter(pk=parse_id(remove) or 0).first()
        if label is None:
            raise Http404
        actions.label_case(case=case, actor=request.user, remove=[label])
        messages.success(request, _("L'étiquette « %(name)s » est retirée.") % {"name": label})
        return _back_to_case(case)
    form = LabelForm(request.POST)
    if form.is_valid():
        try:
            actions.label_case(case=case, actor=request.user, add=[form.cleaned_data["label"]])
        except ValidationError as error:
            form.add_error("label", error.messages)
        except PermissionDenied as error:
            return _refused(request, case, form, "label_form", error)
        else:
            messages.success(request, _("L'étiquette est ajoutée."))
            return _back_to_case(case)
    return _case_page(request, case, status=400, label_form=form)


@agent_required(hide_from_outsiders=True)
@require_POST
def case_link(request, reference):
    """Links or unlinks another case, or merges one of the two into the other."""
    case = get_case_for_agent(request.user, request.organization, reference)
    form = LinkForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            other = get_case_for_agent(request.user, request.organization, data["other"])
        except Http404:
            form.add_error("other", _("Aucune demande de ce numéro parmi celles que vous voyez."))
            return _case_page(request, case, status=400, link_form=form)
        try:
            if data["action"] in (LinkForm.LINK, LinkForm.UNLINK):
                link = data["action"] == LinkForm.LINK
                actions.link_cases(case=case, other=other, actor=request.user, link=link)
                text = _("Les demandes sont liées.") if link else _("Les demandes sont déliées.")
            elif data["action"] == LinkForm.MERGE_HERE:
                actions.merge_case(
                    duplicate=other, into=case, actor=request.user, reason=data["reason"]
                )
                text = _("%(reference)s est clôturée comme doublon de cette demande.") % {
                    "reference": other.reference
                }
            else:
                actions.merge_case(
                    duplicate=case, into=other, actor=request.user, reason=data["reason"]
                )
                text = _("Cette demande est clôturée comme doublon de %(reference)s.") % {
                    "reference": other.reference
                }
        except ValidationError as error:
            form.add_error("other", error.messages)
        except PermissionDenied as error:
            return _refused(request, case, form, "link_form", error)
        else:
            messages.success(request, text)
            return _back_to_case(case)
    return _case_page(request, case, status=400, link_form=form)


@never_cache
@agent_required(hide_from_outsiders=True)
@require_http_methods(["GET", "POST"])
def case_answers(request, reference):
    """The citizen's answers to correct, with the reason; the journal keeps both versions."""
    case = get_case_for_agent(request.user, request.organization, reference)
    status = 200
    if request.method == "POST":
        form = AnswersEditForm(request.POST, case=case)
        try:
            actions.edit_answers(
                case=case,
                data=form.answers(),
                reason=request.POST.get("reason", ""),
                actor=request.user,
            )
        except ValidationError as error:
            form.add_action_errors(error)
            status = 400
        except PermissionDenied as error:
            form.add_error(None, str(error))
            status = 403
        else:
            messages.success(
                request, _("Les réponses sont corrigées ; le demandeur en est informé.")
            )
            return _back_to_case(case)
    else:
        log_access(user=request.user, organization=request.organization, kind="case", case=case)
        form = AnswersEditForm(case=case)
    return render(
        request,
        "backoffice/case_answers.html",
        {"case": case, "form": form, "closed": case.is_closed or bool(case.anonymized_at)},
        status=status,
    )
