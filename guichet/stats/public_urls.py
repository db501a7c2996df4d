from django.urls import path

from . import public_views

app_name = "statistics"
# Mounted under /statistiques/ (guichet/urls.py): stable addresses, the open data's included.
urlpatterns = [
    path("", public_views.organization_stats, name="organization"),
    path("donnees.csv", public_views.open_data, name="open_data"),
    path("donnees/schema/", public_views.open_data_schema, name="open_data_schema"),
    path("donnees/schema.json", public_views.open_data_table_schema, name="open_data_table_schema"),
    path("demarches/<slug:slug>/", public_views.procedure_stats, name="procedure"),
]
