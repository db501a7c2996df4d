"""Filing a request on behalf of a citizen who called, came to the counter or wrote: the
procedure found as one types, the person found among earlier requests (or a new contact,
with or without e-mail), the procedure's form on one page, the channel, the scanned letter.
The domain action (cases.actions.submit_case) judges the answers with the same form engine
as the portal and journals the agent as filing for the citizen."""

from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.forms.utils import ErrorDict
from django.http import Http404, HttpResponseRedirect, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from guichet.cases import actions
from guichet.cases.access import get_case_for_agent
from guichet.cases.audit import log_access
from guichet.cases.models import Case, Channel, ReplyBy
from guichet.catalog.formschema import (
    clean_answers,
    display_answers,
    form_field,
    is_answer,
    item_type,
    upload_limits,
    upload_rules,
    validate_upload,
)
from guichet.catalog.models import Procedure
from guichet.core import addresses

from .decorators import agent_required
from .people import _matching

ANSWER_PREFIX = "answer-"
PROCEDURES_LIMIT = 30
PEOPLE_LIMIT = 10
AGENT_CHANNELS = [
    (Channel.PHONE.value, Channel.PHONE.label),
    (Channel.COUNTER.value, Channel.COUNTER.label),
    (Channel.MAIL.value, Channel.MAIL.label),
]


def _fileable(organization):
    """The procedures an agent may file for: every one with a published version, open to
    the public or not yet (an agent may take a request before the form goes online)."""
    return Procedure.objects.filter(
        organization=organization, current_version__isnull=False
    ).order_by("title")


class ProcedureSearchForm(forms.Form):
    q = forms.CharField(label=_("Démarche"), required=False, max_length=200, strip=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="procedure_%s", **kwargs)
        self.fields["q"].widget.attrs.update(
            {"type": "search", "autocomplete": "off", "aria-controls": "procedure-results"}
        )
        self.fields["q"].help_text = _("Tapez quelques lettres du nom de la démarche.")


@never_cache
@agent_required
@require_safe
def file_start(request):
    """Step one: the procedure, found as the agent types (htmx swaps the list; without
    JavaScript the search button does the same)."""
    form = ProcedureSearchForm(request.GET)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    procedures = _fileable(request.organization)
    if query:
        procedures = procedures.filter(title__icontains=query)
    return render(
        request,
        "backoffice/file_start.html",
        {
            "form": form,
            "query": query,
            "procedures": list(procedures.only("slug", "title")[:PROCEDURES_LIMIT]),
            "limit": PROCEDURES_LIMIT,
            "nav": "file",
        },
    )


class FilingForm(forms.Form):
    """Who asks, how they reached us and how to answer them."""

    channel = forms.ChoiceField(
        label=_("Canal"), choices=AGENT_CHANNELS, widget=forms.RadioSelect, initial="phone"
    )
    contact_name = forms.CharField(label=_("Nom et prénom du demandeur"), max_length=200)
    contact_email = forms.EmailField(label=_("Adresse e-mail"), required=False, max_length=254)
    contact_phone = forms.CharField(
        label=_("Téléphone"),
        required=False,
        max_length=32,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    contact_postal_address = forms.CharField(
        label=_("Adresse postale"),
        required=False,
        max_length=500,
        help_text=_("Pour répondre par courrier à qui n'a ni e-mail ni mobile."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    reply_by = forms.ChoiceField(
        label=_("Accusé de réception et réponses"),
        choices=ReplyBy.choices,
        widget=forms.RadioSelect,
        initial="email",
    )
    address = forms.CharField(
        label=_("Adresse ou lieu concerné"),
        required=False,
        max_length=300,
        help_text=_("Numéro, rue et commune, ou un lieu-dit."),
    )
    scan = forms.FileField(
        label=_("Courrier numérisé"), required=False, validators=[validate_upload]
    )

    def __init__(self, *args, procedure, **kwargs):
        super().__init__(*args, auto_id="filing_%s", **kwargs)
        self.fields["scan"].help_text = (
            gettext("Facultatif. Le courrier reçu, pour un dépôt par courrier.")
            + " "
            + upload_rules(*upload_limits())
        )
        if not procedure.asks_location:
            del self.fields["address"]

    def submission(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "channel": cleaned["channel"],
            "contact_name": cleaned["contact_name"],
            "contact_email": cleaned["contact_email"],
            "contact_phone": cleaned["contact_phone"],
            "contact_postal_address": cleaned["contact_postal_address"],
            "reply_by": cleaned["reply_by"],
            "address": cleaned.get("address", ""),
            "scans": [cleaned["scan"]] if cleaned.get("scan") else [],
        }


class FilingAnswersForm(forms.Form):
    """The procedure's answer fields, all steps on one page, named "answer-<id>". Nothing is
    judged here: submit_case does it with the form engine, knowing which questions apply;
    the agent may leave what is optional."""

    def __init__(self, data=None, files=None, *, procedure):
        super().__init__(data, files, auto_id="id_%s")
        today = timezone.localdate()
        self.rows = []
        for item in procedure.current_version.fields:
            if not isinstance(item, dict) or not isinstance(item.get("id"), str):
                continue
            kind = item_type(item)
            if kind in ("page", "section"):
                self.rows.append({"kind": "heading", "item": item})
            elif is_answer(item):
                name = ANSWER_PREFIX + item["id"]
                self.fields[name] = form_field(item, today=today)
                self.rows.append({"kind": "field", "name": name})
        for row in self.rows:
            if row["kind"] == "field":
                row["field"] = self[row["name"]]

    def full_clean(self):
        self._errors = forms.utils.ErrorDict()
        self.cleaned_data = {}

    def answers(self) -> QueryDict:
        result = QueryDict(mutable=True)
        for name, values in (self.data or {}).lists():
            if name.startswith(ANSWER_PREFIX):
                result.setlist(name.removeprefix(ANSWER_PREFIX), values)
        return result

    def answer_files(self) -> MultiValueDict:
        return MultiValueDict(
            {
                name.removeprefix(ANSWER_PREFIX): self.files.getlist(name)
                for name in self.files or {}
                if name.startswith(ANSWER_PREFIX)
            }
        )


def _add_errors(filing, answers, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        filing.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        if ANSWER_PREFIX + key in answers.fields:
            answers.add_error(ANSWER_PREFIX + key, errors)
        elif key in filing.fields:
            filing.add_error(key, errors)
        elif key == "scan":
            filing.add_error("scan", errors)
        else:
            filing.add_error(None, errors)


def _people(request, query: str) -> list[dict]:
    """Earlier requesters that match, one per e-mail address or phone, to reuse their
    contact details."""
    if len(query) < 3:
        return []
    rows = (
        _matching(Case.objects.visible_to(request.membership), query)
        .values("contact_email", "contact_phone")
        .annotate(last=Max("created_at"), name=Max("contact_name"))
        .order_by("-last")[: PEOPLE_LIMIT * 3]
    )
    found = {}
    for row in rows:
        key = row["contact_email"].lower() or row["contact_phone"]
        if key and key not in found:
            found[key] = {
                "name": row["name"],
                "email": row["contact_email"],
                "phone": row["contact_phone"],
            }
    return list(found.values())[:PEOPLE_LIMIT]


@never_cache
@agent_required
@require_http_methods(["GET", "POST"])
def file_case(request, slug):
    """Step two: the person, the form, the channel; one page, keyboard first."""
    procedure = _fileable(request.organization).filter(slug=slug).first()
    if procedure is None:
        raise Http404
    person_query = request.GET.get("personne", "").strip()[:200]
    status = 200
    if request.method == "POST":
        # A candidate address picked after "Chercher" fills the address and its point.
        posted = addresses.apply_pick(request.POST)
        filing = FilingForm(posted, request.FILES, procedure=procedure)
        answers = FilingAnswersForm(posted, request.FILES, procedure=procedure)
        searched = addresses.wants_search(posted)
        searching = bool(searched or posted.get("geocode-use"))
        if searching:
            # The address search without JavaScript: the page again, nothing filed or judged.
            geocode = addresses.search_for_form(request, searched) if searched else None
            addresses.attach(answers, geocode)
            for form in (filing, answers):
                form._errors, form.cleaned_data = ErrorDict(), {}
        elif filing.is_valid():
            try:
                case = actions.submit_case(
                    procedure=procedure,
                    data=answers.answers(),
                    files=answers.answer_files(),
                    actor=request.user,
                    language=request.LANGUAGE_CODE,
                    **filing.submission(),
                )
            except ValidationError as error:
                _add_errors(filing, answers, error)
            except PermissionDenied as error:
                filing.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    gettext("Demande %(reference)s enregistrée pour %(name)s.")
                    % {"reference": case.reference, "name": case.contact_name},
                )
                target = "case_letter" if case.reply_by == ReplyBy.LETTER else "case"
                return HttpResponseRedirect(
                    reverse(f"backoffice:{target}", args=[case.reference]), status=303
                )
        else:
            # Shows the answers' errors too, so that nothing is fixed twice.
            try:
                clean_answers(
                    procedure.current_version.fields,
                    answers.answers(),
                    answers.answer_files(),
                    area=request.organization.territory(),
                )
            except ValidationError as error:
                _add_errors(filing, answers, error)
        status = 200 if searching else 400
    else:
        initial = {
            "contact_name": request.GET.get("nom", "")[:200],
            "contact_email": request.GET.get("email", "")[:254],
            "contact_phone": request.GET.get("tel", "")[:32],
        }
        if initial["contact_email"]:
            initial["reply_by"] = ReplyBy.EMAIL
        elif initial["contact_phone"]:
            initial["reply_by"] = ReplyBy.SMS
        filing = FilingForm(initial=initial, procedure=procedure)
        answers = FilingAnswersForm(procedure=procedure)
    people = [
        {
            **person,
            "url": "?"
            + urlencode({"nom": person["name"], "email": person["email"], "tel": person["phone"]}),
        }
        for person in _people(request, person_query)
    ]
    return render(
        request,
        "backoffice/file_case.html",
        {
            "procedure": procedure,
            "filing": filing,
            "answers": answers,
            "person_query": person_query,
            "people": people,
            "nav": "file",
            "has_map": any(
                item_type(item) == "address"
                for item in procedure.current_version.fields
                if isinstance(item, dict)
            ),
        },
        status=status,
    )


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def case_letter(request, reference):
    """The acknowledgement of receipt as a letter to print and post, for a citizen reached
    by post only (a PDF comes with the acknowledgement's own work)."""
    case = get_case_for_agent(request.user, request.organization, reference)
    log_access(user=request.user, organization=request.organization, kind="case", case=case)
    return render(
        request,
        "backoffice/case_letter.html",
        {
            "case": case,
            "organization": request.organization,
            "answers": display_answers(case.version.fields, case.data),
            "tracking_url": request.organization.absolute_url(
                reverse("portal:track", args=[case.tracking_code])
            ),
        },
    )
