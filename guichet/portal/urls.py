from django.urls import path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("suivi/", views.track_lookup, name="track_lookup"),
    path("suivi/<str:code>/", views.track, name="track"),
    path("suivi/<str:code>/pieces/<int:pk>/", views.attachment, name="attachment"),
    path("demarches/<slug:slug>/", views.procedure_form, name="procedure"),
    path("demarches/<slug:slug>/confirmation/", views.confirmation, name="confirmation"),
]
