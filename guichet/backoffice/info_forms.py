"""The editor of information pages and FAQ entries."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from guichet.catalog.models import Audience, InfoPage, InfoPageKind, LifeEvent, Procedure, Theme
from guichet.organization.models import Place

MARKDOWN_HELP = _(
    "Markdown : « ## Titre » pour un intertitre, « - » en début de ligne pour une liste, "
    "[texte du lien](https://adresse) pour un lien, ![description](https://image) pour une "
    "image, **gras**. Le HTML est filtré : ni script, ni style."
)


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class InfoPageForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Type"), choices=InfoPageKind.choices, widget=forms.RadioSelect
    )
    title = forms.CharField(
        label=_("Titre"),
        max_length=200,
        help_text=_("Pour une question fréquente : la question, telle qu'un habitant la pose."),
    )
    summary = forms.CharField(
        label=_("Résumé"),
        max_length=300,
        required=False,
        help_text=_("Une phrase, affichée dans les listes et les résultats de recherche."),
    )
    body = forms.CharField(
        label=_("Texte"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=MARKDOWN_HELP,
    )
    title_en = forms.CharField(label=_("Titre en anglais"), max_length=200, required=False)
    summary_en = forms.CharField(label=_("Résumé en anglais"), max_length=300, required=False)
    body_en = forms.CharField(
        label=_("Texte en anglais"),
        required=False,
        max_length=50000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("Laissez vide : les lecteurs anglophones voient le texte français."),
    )
    themes = forms.MultipleChoiceField(
        label=_("Thèmes"),
        choices=Theme.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    life_events = forms.MultipleChoiceField(
        label=_("Moments de vie"),
        choices=LifeEvent.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    audience = forms.ChoiceField(label=_("Public"), choices=Audience.choices)
    procedures = forms.ModelMultipleChoiceField(
        label=_("Démarches liées"),
        queryset=Procedure.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    related_pages = forms.ModelMultipleChoiceField(
        label=_("Pages liées"),
        queryset=InfoPage.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    places = forms.ModelMultipleChoiceField(
        label=_("Lieux d'accueil"),
        queryset=Place.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leurs adresse et horaires s'affichent sur la page."),
    )
    is_published = forms.BooleanField(
        label=_("Publiée"),
        required=False,
        help_text=_("Sans date de publication, la page paraît dès l'enregistrement."),
    )
    published_at = forms.DateTimeField(
        label=_("Publiée à partir du"), required=False, widget=DateTimeLocalInput()
    )
    expires_at = forms.DateTimeField(
        label=_("Retirée à partir du"),
        required=False,
        widget=DateTimeLocalInput(),
        help_text=_("Pour une information temporaire : travaux, fermeture exceptionnelle…"),
    )
    review_at = forms.DateField(
        label=_("À relire le"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("À cette date, la page est signalée à son auteur pour vérification."),
    )

    def __init__(self, *args, organization, page=None, **kwargs):
        super().__init__(*args, auto_id="info_%s", **kwargs)
        self.fields["procedures"].queryset = Procedure.objects.filter(
            organization=organization
        ).order_by("title")
        others = InfoPage.objects.filter(organization=organization).order_by("title")
        if page is not None:
            others = others.exclude(pk=page.pk)
        self.fields["related_pages"].queryset = others
        self.fields["places"].queryset = Place.objects.filter(organization=organization)
        if page is None:
            self.fields["review_at"].initial = timezone.localdate() + datetime.timedelta(days=365)

    def section(self, *names):
        return [self[name] for name in names]

    def content_fields(self):
        return self.section("kind", "title", "summary", "body")

    def english_fields(self):
        return self.section("title_en", "summary_en", "body_en")

    def classification_fields(self):
        return self.section(
            "themes", "life_events", "audience", "procedures", "related_pages", "places"
        )

    def publication_fields(self):
        return self.section("is_published", "published_at", "expires_at", "review_at")


def initial_for(page: InfoPage) -> dict:
    initial = {
        name: getattr(page, name)
        for name in (
            "kind",
            "title",
            "summary",
            "body",
            "title_en",
            "summary_en",
            "body_en",
            "themes",
            "life_events",
            "audience",
            "is_published",
            "review_at",
        )
    }
    for name in ("published_at", "expires_at"):
        value = getattr(page, name)
        initial[name] = timezone.localtime(value) if value else None
    initial["procedures"] = list(page.procedures.values_list("pk", flat=True))
    initial["related_pages"] = list(page.related_pages.values_list("pk", flat=True))
    initial["places"] = list(page.places.values_list("pk", flat=True))
    return initial
