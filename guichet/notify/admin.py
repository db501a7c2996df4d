"""The outboxes in the Django admin, for operators: what left, what waits, and why."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import OutgoingEmail, OutgoingSMS, WebhookDelivery


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
