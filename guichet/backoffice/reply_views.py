"""Reply templates, for administrators: ready-made answers agents start a reply from."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.catalog.actions import save_reply_template
from guichet.catalog.models import Procedure, ReplyTemplate
from guichet.core.http import see_other
from guichet.organization.models import Service

from .decorators import admin_required
from .designer_forms import add_errors


class ReplyTemplateForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Nom du modèle"), max_length=120)
    body = forms.CharField(
        label=gettext_lazy("Texte"),
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=gettext_lazy(
            "Variables : {{ name }} (le demandeur), {{ reference }}, {{ procedure }}, "
            "{{ state }}, {{ due_date }}, {{ tracking_url }}, {{ organization }}."
        ),
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Pour le service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tous les services"),
    )
    procedure = forms.ModelChoiceField(
        label=gettext_lazy("Pour la démarche"),
        queryset=Procedure.objects.none(),
        required=False,
        empty_label=gettext_lazy("Toutes les démarches"),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, auto_id="reply_%s", **kwargs)
        self.fields["service"].queryset = Service.objects.filter(organization=organization)
        self.fields["procedure"].queryset = Procedure.objects.filter(organization=organization)


_see_other = see_other


def get_template_for_admin(request, pk) -> ReplyTemplate:
    template = ReplyTemplate.objects.filter(organization=request.organization, pk=pk).first()
    if template is None:
        raise Http404
    return template


@never_cache
@admin_required
@require_safe
def template_list(request):
    templates = ReplyTemplate.objects.filter(organization=request.organization).select_related(
        "service", "procedure"
    )
    return render(
        request, "backoffice/replies/list.html", {"templates": templates, "nav": "settings"}
    )


def _form_page(request, template, form, status=200):
    return render(
        request,
        "backoffice/replies/form.html",
        {"template": template, "form": form, "nav": "settings"},
        status=status,
    )


def _post(request, template):
    form = ReplyTemplateForm(request.POST, organization=request.organization)
    if form.is_valid():
        try:
            saved = save_reply_template(
                organization=request.organization, template=template, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(
                request, _("Le modèle « %(title)s » est enregistré.") % {"title": saved}
            )
            return _see_other(reverse("backoffice:reply_templates"))
    return _form_page(request, template, form, status=400)


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def template_create(request):
    if request.method == "POST":
        return _post(request, None)
    return _form_page(request, None, ReplyTemplateForm(organization=request.organization))


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def template_edit(request, pk):
    template = get_template_for_admin(request, pk)
    if request.method == "POST":
        return _post(request, template)
    form = ReplyTemplateForm(
        organization=request.organization,
        initial={
            "title": template.title,
            "body": template.body,
            "service": template.service_id,
            "procedure": template.procedure_id,
        },
    )
    return _form_page(request, template, form)


@never_cache
@admin_required(hide_from_outsiders=True)
@require_POST
def template_delete(request, pk):
    template = get_template_for_admin(request, pk)
    template.delete()
    messages.success(request, _("Le modèle est supprimé."))
    return _see_other(reverse("backoffice:reply_templates"))
