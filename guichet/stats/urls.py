from django.urls import path

from . import views

app_name = "stats"
# Mounted under /backoffice/statistiques/ (guichet/urls.py).
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rapport/", views.monthly_report, name="monthly_report"),
    path("donnees/<slug:table>.<str:fmt>", views.dashboard_data, name="dashboard_data"),
]
