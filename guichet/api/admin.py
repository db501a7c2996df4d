from django.contrib import admin

from .models import Open311Service


@admin.register(Open311Service)
class Open311ServiceAdmin(admin.ModelAdmin):
    """Which procedures Open311 clients see as services (docs/api.md, Open311)."""

    list_display = ["procedure", "group", "keywords"]
    list_select_related = ["procedure"]
    raw_id_fields = ["procedure"]
