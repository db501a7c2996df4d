from django.contrib.auth import views as auth_views
from django.urls import path

from . import (
    audit_views,
    designer,
    exports,
    info_views,
    people,
    place_views,
    reply_views,
    settings_views,
    views,
)

app_name = "backoffice"
urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("vues/", views.view_save, name="view_save"),
    path("lot/", views.bulk_action, name="bulk"),
    path("export.csv", exports.export_csv, name="export_csv"),
    path("export.xlsx", exports.export_xlsx, name="export_xlsx"),
    path("vues/<int:pk>/supprimer/", views.view_delete, name="view_delete"),
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
    path("demandes/<str:reference>/transferer/", views.case_transfer, name="case_transfer"),
    path("demandes/<str:reference>/suivre/", views.case_follow, name="case_follow"),
    # The procedure designer (administrators). An item's id never holds a "-": the fixed
    # segments below that have one cannot be taken for an item.
    path("organisation/", settings_views.organization_settings, name="settings"),
    path("organisation/acces/", audit_views.access_log, name="access_log"),
    path("modeles-de-reponse/", reply_views.template_list, name="reply_templates"),
    path(
        "modeles-de-reponse/nouveau/",
        reply_views.template_create,
        name="reply_template_create",
    ),
    path("modeles-de-reponse/<int:pk>/", reply_views.template_edit, name="reply_template"),
    path(
        "modeles-de-reponse/<int:pk>/supprimer/",
        reply_views.template_delete,
        name="reply_template_delete",
    ),
    path("infos/", info_views.info_list, name="info_pages"),
    path("infos/nouvelle/", info_views.info_create, name="info_page_create"),
    path("infos/a-ecrire/", info_views.info_topics, name="info_topics"),
    path("infos/<int:pk>/", info_views.info_edit, name="info_page"),
    path("lieux/", place_views.place_list, name="places"),
    path("lieux/nouveau/", place_views.place_create, name="place_create"),
    path("lieux/<int:pk>/", place_views.place_edit, name="place"),
    path("lieux/<int:pk>/fermetures/", place_views.place_closure_add, name="place_closure_add"),
    path(
        "lieux/<int:pk>/fermetures/<int:closure>/supprimer/",
        place_views.place_closure_delete,
        name="place_closure_delete",
    ),
    path("usagers/", people.people, name="people"),
    path("usagers/fiche/", people.person, name="person"),
    path("usagers/fiche/fusionner/", people.person_merge, name="person_merge"),
    path("demarches/", designer.procedure_list, name="procedures"),
    path("demarches/nouvelle/", designer.procedure_create, name="procedure_create"),
    path("demarches/importer/", designer.procedure_import, name="procedure_import"),
    path("demarches/<int:pk>/", designer.procedure_detail, name="procedure"),
    path("demarches/<int:pk>/formulaire/", designer.procedure_fields, name="procedure_fields"),
    path(
        "demarches/<int:pk>/formulaire/ajouter-un-element/",
        designer.field_add,
        name="procedure_field_add",
    ),
    path(
        "demarches/<int:pk>/formulaire/<str:field_id>/",
        designer.field_edit,
        name="procedure_field",
    ),
    path(
        "demarches/<int:pk>/formulaire/<str:field_id>/deplacer/",
        designer.field_move,
        name="procedure_field_move",
    ),
    path(
        "demarches/<int:pk>/formulaire/<str:field_id>/supprimer/",
        designer.field_remove,
        name="procedure_field_remove",
    ),
    path("demarches/<int:pk>/apercu/", designer.procedure_preview, name="procedure_preview"),
    path("demarches/<int:pk>/circuit/", designer.procedure_workflow, name="procedure_workflow"),
    path("demarches/<int:pk>/delai/", designer.procedure_deadline, name="procedure_deadline"),
    path("demarches/<int:pk>/orientation/", designer.procedure_routing, name="procedure_routing"),
    path(
        "demarches/<int:pk>/notifications/",
        designer.procedure_templates,
        name="procedure_templates",
    ),
    path(
        "demarches/<int:pk>/publication/",
        designer.procedure_publication,
        name="procedure_publication",
    ),
    path(
        "demarches/<int:pk>/conservation/",
        designer.procedure_retention,
        name="procedure_retention",
    ),
    path("demarches/<int:pk>/publier/", designer.procedure_publish, name="procedure_publish"),
    path("demarches/<int:pk>/fermer/", designer.procedure_unpublish, name="procedure_unpublish"),
    path("demarches/<int:pk>/exporter/", designer.procedure_export, name="procedure_export"),
]
