"""The outboxes in the Django admin, for operators: what left, what waits, and why."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .inbound import discard_quarantined, open_case_from_quarantine
from .models import (
    InboundEmail,
    InboundOutcome,
    Mailbox,
    OutgoingEmail,
    OutgoingSMS,
    WebhookDelivery,
)


class OutboxAdmin(admin.ModelAdmin):
    """Read-only: rows are written by the notification chain, and retried by the worker."""

    date_hierarchy = "created_at"
    list_per_page = 50
    show_full_result_count = False  # outboxes grow large; no COUNT(*) on every page

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(boolean=True, description=_("remis"))
    def delivered(self, obj):
        return obj.sent_at is not None


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(OutboxAdmin):
    list_display = ["created_at", "to", "subject", "delivered", "attempts", "last_error"]
    search_fields = ["to", "subject"]
    readonly_fields = [f.name for f in OutgoingEmail._meta.fields]


@admin.register(OutgoingSMS)
class OutgoingSMSAdmin(OutboxAdmin):
    list_display = ["created_at", "to", "body", "delivered", "attempts", "last_error"]
    search_fields = ["to"]
    readonly_fields = [f.name for f in OutgoingSMS._meta.fields]


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(OutboxAdmin):
    list_display = ["created_at", "url", "delivered", "last_status", "attempts", "abandoned_at"]
    search_fields = ["url"]
    readonly_fields = [f.name for f in WebhookDelivery._meta.fields]

    @admin.display(boolean=True, description=_("remis"))
    def delivered(self, obj):
        return obj.delivered_at is not None


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    """The mailboxes: where mails come from (IMAP, or POST /inbound/email/) and the
    procedure a new mail opens a case in."""

    list_display = ["address", "organization", "service", "procedure", "imap_host", "is_active"]
    list_filter = ["is_active", "organization"]
    raw_id_fields = ["procedure"]
    readonly_fields = ["inbound_secret_hash"]


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    """Every mail received and what became of it; the quarantined ones wait for an
    operator to open a case from them or to discard them."""

    date_hierarchy = "received_at"
    list_display = ["received_at", "mailbox", "sender", "subject", "outcome", "reason", "case"]
    list_filter = ["outcome", "mailbox"]
    search_fields = ["sender", "subject", "message_id"]
    list_per_page = 50
    show_full_result_count = False
    exclude = ["raw"]
    readonly_fields = [f.name for f in InboundEmail._meta.fields if f.name != "raw"]
    actions = ["open_cases", "discard"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def _each(self, request, queryset, function, done_message):
        done = 0
        for record in queryset.filter(outcome=InboundOutcome.QUARANTINED):
            try:
                function(record=record, actor=request.user)
            except ValidationError as error:
                self.message_user(
                    request, f"{record}: {' '.join(error.messages)}", level=messages.ERROR
                )
            else:
                done += 1
        self.message_user(request, done_message % {"count": done})

    @admin.action(description=_("Ouvrir une demande depuis les e-mails en quarantaine"))
    def open_cases(self, request, queryset):
        self._each(
            request, queryset, open_case_from_quarantine, _("Demandes ouvertes : %(count)s.")
        )

    @admin.action(description=_("Écarter les e-mails en quarantaine"))
    def discard(self, request, queryset):
        self._each(request, queryset, discard_quarantined, _("E-mails écartés : %(count)s."))
