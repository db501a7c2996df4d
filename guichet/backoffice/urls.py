from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "backoffice"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("connexion/", views.login, name="login"),
    # A POST (Django's LogoutView); agents land back on the login page.
    path(
        "deconnexion/",
        auth_views.LogoutView.as_view(next_page="backoffice:login"),
        name="logout",
    ),
    path("demandes/<str:reference>/", views.case_detail, name="case"),
    path(
        "demandes/<str:reference>/pieces/<int:pk>/",
        views.case_attachment,
        name="case_attachment",
    ),
    path("demandes/<str:reference>/transition/", views.case_transition, name="case_transition"),
    path("demandes/<str:reference>/attribuer/", views.case_assign, name="case_assign"),
    path("demandes/<str:reference>/message/", views.case_message, name="case_message"),
    path("demandes/<str:reference>/note/", views.case_note, name="case_note"),
]
