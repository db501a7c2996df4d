from django.urls import path

from . import (
    appointments,
    filing_views,
    info,
    mandates,
    satisfaction_views,
    tracking_views,
    views,
    waiting_list,
)

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    # The satisfaction survey of a closed case: its signed link opens it, without login.
    path("avis/<str:token>/", satisfaction_views.satisfaction, name="satisfaction"),
    path(
        "avis/<str:token>/merci/",
        satisfaction_views.satisfaction_thanks,
        name="satisfaction_thanks",
    ),
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
    path("mon-espace/mandats/", mandates.my_mandates, name="mandates"),
    path("mon-espace/mandats/<int:pk>/revoquer/", mandates.mandate_revoke, name="mandate_revoke"),
    path("mon-espace/aides/<int:pk>/", mandates.helped_cases, name="helped_cases"),
    path(
        "mon-espace/aides/<int:pk>/demandes/<str:reference>/",
        mandates.helped_case,
        name="helped_case",
    ),
    path("mon-espace/supprimer-mon-compte/", views.delete_my_account, name="delete_account"),
    path("mon-espace/mes-donnees/telecharger/", views.my_data_download, name="my_data_download"),
    path("rendez-vous/", appointments.appointments, name="appointments"),
    path("rendez-vous/<int:pk>/", appointments.appointment_week, name="appointment_week"),
    path("rendez-vous/<int:pk>/reserver/", appointments.appointment_book, name="appointment_book"),
    path(
        "rendez-vous/<int:pk>/liste-attente/",
        waiting_list.waiting_join,
        name="waiting_join",
    ),
    # The signed link of the e-mail offering a freed slot (valid a few hours).
    path("rendez-vous/offre/<str:signed>/", waiting_list.waiting_offer, name="waiting_offer"),
    # The secret of the link sent by e-mail opens the appointment.
    path(
        "rendez-vous/gerer/<str:token>/",
        appointments.appointment_manage,
        name="appointment_manage",
    ),
    # The same, shorter, for the SMS (one SMS is 160 characters).
    path("rdv/<str:token>/", appointments.appointment_short_link, name="appointment_short"),
    path(
        "rendez-vous/gerer/<str:token>/annuler/",
        appointments.appointment_cancel,
        name="appointment_cancel",
    ),
    path("suivi/", tracking_views.track_lookup, name="track_lookup"),
    path("suivi/<str:code>/", tracking_views.track, name="track"),
    path("suivi/<str:code>/pieces/<int:pk>/", tracking_views.attachment, name="attachment"),
    path(
        "suivi/<str:code>/attestation/", tracking_views.tacit_certificate, name="tacit_certificate"
    ),
    path("demarches/<slug:slug>/", filing_views.procedure_form, name="procedure"),
    path("demarches/<slug:slug>/confirmation/", filing_views.confirmation, name="confirmation"),
    # A form in progress: the token is the secret that opens it.
    path(
        "demarches/<slug:slug>/brouillon/<str:token>/",
        filing_views.draft_resume,
        name="draft_resume",
    ),
    path(
        "demarches/<slug:slug>/enregistrer/<int:number>/",
        filing_views.draft_autosave,
        name="draft_autosave",
    ),
    path(
        "demarches/<slug:slug>/brouillon/<str:token>/etape/<int:number>/",
        filing_views.draft_step,
        name="draft_step",
    ),
    path(
        "demarches/<slug:slug>/brouillon/<str:token>/recapitulatif/",
        filing_views.draft_summary,
        name="draft_summary",
    ),
    path(
        "demarches/<slug:slug>/brouillon/<str:token>/supprimer/",
        filing_views.draft_delete,
        name="draft_delete",
    ),
]
