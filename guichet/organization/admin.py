from django.contrib import admin

from .models import Membership, Organization, Service


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "domain", "is_default"]
    prepopulated_fields = {"slug": ["name"]}
    # Shown to the instance's operators, who give it to the receivers of the webhooks.
    readonly_fields = ["webhook_secret"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organization"]
    list_filter = ["organization"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organization", "role", "can_edit_info"]
    list_filter = ["organization", "role", "can_edit_info"]
    filter_horizontal = ["services"]
