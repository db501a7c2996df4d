from django.contrib import admin

from .models import Procedure


@admin.register(Procedure)
class ProcedureAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "service", "theme", "is_published"]
    list_filter = ["organization", "theme", "is_published"]
    prepopulated_fields = {"slug": ["title"]}
