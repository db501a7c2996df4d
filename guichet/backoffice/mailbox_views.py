"""The mail that comes in, for administrators: the mailboxes (guichet/notify/mailboxes.py)
and the quarantine of the mails that opened nothing, each turned into a case or discarded."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from guichet.catalog.models import Procedure
from guichet.core.http import see_other
from guichet.notify.inbound import parse
from guichet.notify.mailboxes import MAILBOX_FIELDS, discard, open_quarantined, save_mailbox
from guichet.notify.models import InboundEmail, InboundOutcome, Mailbox
from guichet.organization.models import Service

from .decorators import admin_only
from .designer_forms import add_errors
from .paging import OffsetPage

PAGE_SIZE = 50
RAW_SHOWN = 20000


def _procedures(organization):
    return Procedure.objects.for_organization(organization).filter(current_version__isnull=False)


class MailboxForm(forms.ModelForm):
    # Write-only: never shown back; empty keeps the password recorded.
    password = forms.CharField(
        label=gettext_lazy("Mot de passe IMAP"),
        required=False,
        max_length=200,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
    )

    class Meta:
        model = Mailbox
        fields = list(MAILBOX_FIELDS)
        labels = {"service": gettext_lazy("Service")}
        help_texts = {
            "imap_host": gettext_lazy("Vide : la boîte ne reçoit que par l'adresse HTTP."),
            "imap_folder": gettext_lazy("Le dossier lu, INBOX en général."),
        }

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, auto_id="mailbox_%s", **kwargs)
        self.fields["service"].queryset = Service.objects.filter(organization=organization)
        self.fields["service"].empty_label = gettext_lazy("Toute l'organisation")
        self.fields["procedure"].queryset = _procedures(organization)
        self.fields["imap_port"].min_value = 1
        self.fields["imap_port"].max_value = 65535
        has_password = bool(self.instance.pk and self.instance.imap_password)
        self.fields["password"].help_text = (
            gettext_lazy("Un mot de passe est enregistré ; laissez vide pour le garder.")
            if has_password
            else gettext_lazy("Il n'est jamais réaffiché.")
        )


class OpenCaseForm(forms.Form):
    procedure = forms.ModelChoiceField(
        label=gettext_lazy("Démarche de la demande"), queryset=Procedure.objects.none()
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, auto_id="open_%s", **kwargs)
        self.fields["procedure"].queryset = _procedures(organization)


def _mailbox_for_admin(request, pk) -> Mailbox:
    mailbox = Mailbox.objects.filter(organization=request.organization, pk=pk).first()
    if mailbox is None:
        raise Http404
    return mailbox


def _mail_for_admin(request, pk) -> InboundEmail:
    record = (
        InboundEmail.objects.filter(mailbox__organization=request.organization, pk=pk)
        .select_related("mailbox__procedure", "case", "handled_by")
        .first()
    )
    if record is None:
        raise Http404
    return record


@never_cache
@admin_only
@require_safe
def mailbox_list(request):
    mailboxes = Mailbox.objects.filter(organization=request.organization).select_related(
        "service", "procedure"
    )
    quarantined = InboundEmail.objects.filter(
        mailbox__organization=request.organization, outcome=InboundOutcome.QUARANTINED
    )[:100].count()
    return render(
        request,
        "backoffice/mailboxes/list.html",
        {"mailboxes": mailboxes, "quarantined": quarantined, "nav": "settings"},
    )


def _mailbox_form(request, mailbox=None):
    form = MailboxForm(
        request.POST if request.method == "POST" else None,
        instance=mailbox,
        organization=request.organization,
    )
    if form.is_bound and form.is_valid():
        values = {name: form.cleaned_data[name] for name in MAILBOX_FIELDS}
        try:
            saved = save_mailbox(
                organization=request.organization,
                actor=request.user,
                mailbox=mailbox,
                password=form.cleaned_data["password"],
                **values,
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("La boîte %(address)s est enregistrée.") % {"address": saved.address}
            )
            return see_other(reverse("backoffice:mailboxes"))
    return render(
        request,
        "backoffice/mailboxes/form.html",
        {"form": form, "mailbox": mailbox, "nav": "settings"},
        status=400 if form.is_bound else 200,
    )


@never_cache
@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def mailbox_create(request):
    return _mailbox_form(request)


@never_cache
@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def mailbox_edit(request, pk):
    return _mailbox_form(request, _mailbox_for_admin(request, pk))


@never_cache
@admin_only
@require_safe
def quarantine_list(request):
    discarded = request.GET.get("ecartes") == "1"
    outcome = InboundOutcome.DISCARDED if discarded else InboundOutcome.QUARANTINED
    records = (
        InboundEmail.objects.filter(mailbox__organization=request.organization, outcome=outcome)
        .select_related("mailbox")
        .defer("raw")
        .order_by("-received_at", "-pk")
    )
    page = OffsetPage(records, request.GET.get("page"), count=0, more=True, size=PAGE_SIZE)
    return render(
        request,
        "backoffice/mailboxes/quarantine.html",
        {"page_obj": page, "discarded": discarded, "nav": "settings"},
    )


def _text_of(record) -> str:
    raw = bytes(record.raw)
    try:
        return parse(raw).text
    except Exception:  # a mail that breaks the parser: its bytes as they are
        return raw[:RAW_SHOWN].decode("utf-8", errors="replace")


@never_cache
@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def quarantine_detail(request, pk):
    """A mail received, as it reads; a quarantined one can open a case (POST)."""
    record = _mail_for_admin(request, pk)
    waiting = record.outcome == InboundOutcome.QUARANTINED
    initial = {"procedure": record.mailbox.procedure_id}
    form = OpenCaseForm(
        request.POST if request.method == "POST" else None,
        organization=request.organization,
        initial=initial,
    )
    status = 200
    if request.method == "POST":
        if form.is_valid() and waiting:
            try:
                case = open_quarantined(
                    record=record, actor=request.user, procedure=form.cleaned_data["procedure"]
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("La demande %(reference)s est ouverte depuis cet e-mail.")
                    % {"reference": case.reference},
                )
                return see_other(reverse("backoffice:case", args=[case.reference]))
        elif not waiting:
            form.add_error(None, _("Cet e-mail n'est plus en quarantaine."))
        status = 400
    return render(
        request,
        "backoffice/mailboxes/mail.html",
        {
            "record": record,
            "text": _text_of(record),
            "waiting": waiting,
            "form": form,
            "nav": "settings",
        },
        status=status,
    )


@never_cache
@admin_only
@require_http_methods(["GET", "HEAD", "POST"])
def quarantine_discard(request, pk):
    record = _mail_for_admin(request, pk)
    if record.outcome != InboundOutcome.QUARANTINED:
        messages.error(request, _("Cet e-mail n'est plus en quarantaine."))
        return see_other(reverse("backoffice:quarantined_mail", args=[record.pk]))
    if request.method == "POST":
        try:
            discard(record=record, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("L'e-mail est écarté ; il reste enregistré comme tel."))
        return see_other(reverse("backoffice:quarantine"))
    return render(
        request, "backoffice/mailboxes/discard.html", {"record": record, "nav": "settings"}
    )
