"""The designer's "Traductions" page: each French text that citizens read beside its
English, grouped by part of the procedure (its presentation, each field with its choices,
the states of the workflow, the notification templates), with what is left to translate.

The texts and where their translations go come from catalog/translations.py; saving goes
through `catalog.actions.update_procedure_translations`. Each input travels with the French
it was written for: a text changed in another tab meanwhile keeps its former translation
rather than receiving one written for other words.
"""

from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guichet.catalog import actions
from guichet.catalog.translations import translatable_groups

from .decorators import admin_required
from .designer import get_procedure_for_admin, render_section, see_section

SECTION = "procedure_translations"
LANGUAGE = "en"
# What each kind of text is called on the page (catalog.translations names them in French
# for the tests and the shell; here they go through the catalogue).
LABELS = {
    "title": gettext_lazy("Titre"),
    "summary": gettext_lazy("Résumé"),
    "description": gettext_lazy("Description"),
    "to_prepare": gettext_lazy("À préparer"),
    "label": gettext_lazy("Libellé"),
    "help": gettext_lazy("Aide"),
    "placeholder": gettext_lazy("Exemple de saisie"),
    "pattern_message": gettext_lazy("Message si le format est faux"),
    "after_message": gettext_lazy("Message si la date est trop tôt"),
    "before_message": gettext_lazy("Message si la date est trop tard"),
    "at_least_message": gettext_lazy("Message si le nombre est trop petit"),
    "at_most_message": gettext_lazy("Message si le nombre est trop grand"),
    "choice": gettext_lazy("Choix"),
    "state": gettext_lazy("Libellé pour le demandeur"),
    "subject": gettext_lazy("Objet"),
    "body": gettext_lazy("Texte"),
    "description_group": gettext_lazy("Présentation de la démarche"),
    "states_group": gettext_lazy("États du traitement (libellés pour le demandeur)"),
    "template_group": gettext_lazy("Modèle"),
}


def _groups(procedure):
    groups = translatable_groups(procedure, LANGUAGE, {k: str(v) for k, v in LABELS.items()})
    number = 0
    for group in groups:
        for entry in group.entries:
            entry.name = f"t-{number}"
            entry.french_name = f"f-{number}"
            number += 1
    return groups


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def translations_page(request, pk):
    procedure = get_procedure_for_admin(request, pk)
    groups = _groups(procedure)
    if request.method == "POST":
        values = []
        for group in groups:
            for entry in group.entries:
                posted = request.POST.get(entry.name)
                if posted is None or request.POST.get(entry.french_name) != entry.french:
                    posted = entry.translation  # not shown, or shown for another French
                values.append((entry.path, posted))
        actions.update_procedure_translations(
            procedure=procedure, language=LANGUAGE, values=values, actor=request.user
        )
        messages.success(request, _("Les traductions sont enregistrées."))
        return see_section(SECTION, procedure.pk)
    missing = sum(group.missing for group in groups)
    total = sum(len(group.entries) for group in groups)
    return render_section(
        request,
        "translations.html",
        procedure,
        SECTION,
        {"groups": groups, "missing": missing, "total": total},
    )
