from django.urls import path

from . import info, views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("recherche/", info.search, name="search"),
    path("recherche/suggestions/", info.search_suggestions, name="search_suggestions"),
    path("infos/<slug:slug>/", info.info_page, name="info_page"),
    path("themes/<slug:code>/", info.theme, name="theme"),
    path("lieux/<slug:slug>/", info.place, name="place"),
    path("moments-de-vie/<slug:code>/", info.life_event, name="life_event"),
    path("infos/<slug:slug>/avis/", info.info_feedback, name="info_feedback"),
    path("infos/<slug:slug>/resolu/", info.info_answered, name="info_answered"),
    path("demarches/<slug:slug>/reponses/", info.procedure_answers, name="procedure_answers"),
    path("mon-espace/", views.my_space, name="my_space"),
    path("mon-espace/profil/", views.my_profile, name="my_profile"),
    path("mon-espace/mes-donnees/", views.my_data, name="my_data"),
    path("mon-espace/supprimer-mon-compte/", views.delete_my_account, name="delete_account"),
    path("mon-espace/mes-donnees/telecharger/", views.my_data_download, name="my_data_download"),
    path("suivi/", views.track_lookup, name="track_lookup"),
    path("suivi/<str:code>/", views.track, name="track"),
    path("suivi/<str:code>/pieces/<int:pk>/", views.attachment, name="attachment"),
    path("demarches/<slug:slug>/", views.procedure_form, name="procedure"),
    path("demarches/<slug:slug>/confirmation/", views.confirmation, name="confirmation"),
    # A form in progress: the token is the secret that opens it.
    path("demarches/<slug:slug>/brouillon/<str:token>/", views.draft_resume, name="draft_resume"),
    path(
        "demarches/<slug:slug>/enregistrer/<int:number>/",
        views.draft_autosave,
        name="draft_autosave",
    ),
    path(
        "demarches/<slug:slug>/brouillon/<str:token>/etape/<int:number>/",
        views.draft_step,
        name="draft_step",
    ),
    path(
        "demarches/<slug:slug>/brouillon/<str:token>/recapitulatif/",
        views.draft_summary,
        name="draft_summary",
    ),
    path(
        "demarches/<slug:slug>/brouillon/<str:token>/supprimer/",
        views.draft_delete,
        name="draft_delete",
    ),
]
