"""The organization's settings, for its administrators: identity, colours, logo and the
accessibility statement."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from guichet.organization.actions import SETTINGS_FIELDS, colour_errors, update_organization
from guichet.organization.models import Organization

from .decorators import admin_required
from .designer_forms import add_errors

LOGO_MAX_SIZE = 1024 * 1024
# The first bytes of the image formats a logo may have (no SVG: it can carry script).
LOGO_SIGNATURES = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "webp": (b"RIFF",),
}


class HttpsURLField(forms.URLField):
    """An address typed without its scheme gets https:// (Django 6's default)."""

    def __init__(self, **kwargs):
        super().__init__(assume_scheme="https", **kwargs)


class OrganizationSettingsForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = SETTINGS_FIELDS
        field_classes = {"website": HttpsURLField}
        widgets = {
            "address": forms.Textarea(attrs={"rows": 3}),
            "primary_color": forms.TextInput(attrs={"placeholder": "#1d4f91", "size": 8}),
            "accent_color": forms.TextInput(attrs={"placeholder": "#b34700", "size": 8}),
            "accessibility_audit_date": forms.DateInput(attrs={"type": "date"}),
            "logo": forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg,.webp"}),
        }
        help_texts = {
            "logo": gettext_lazy("PNG, JPEG ou WebP, 1 Mo au plus. Affiché dans le bandeau."),
            "accessibility_rate": gettext_lazy(
                "Part des critères RGAA respectés lors du dernier audit."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="settings_%s", **kwargs)

    def clean_primary_color(self):
        return self.cleaned_data["primary_color"].lower()

    def clean_accent_color(self):
        return self.cleaned_data["accent_color"].lower()

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if not logo or not hasattr(logo, "content_type"):  # unchanged or cleared
            return logo
        extension = logo.name.rsplit(".", 1)[-1].lower() if "." in logo.name else ""
        if extension not in LOGO_SIGNATURES:
            raise ValidationError(_("Le logo doit être une image PNG, JPEG ou WebP."))
        if logo.size > LOGO_MAX_SIZE:
            raise ValidationError(_("Le logo dépasse 1 Mo."))
        head = logo.read(16)
        logo.seek(0)
        if not head.startswith(LOGO_SIGNATURES[extension]) or (
            extension == "webp" and head[8:12] != b"WEBP"
        ):
            raise ValidationError(
                _("Ce fichier n'est pas une image %(format)s valide.")
                % {"format": extension.upper()}
            )
        return logo

    def clean(self):
        # Said at once with the other mistakes; the action checks the contrast again.
        cleaned = super().clean()
        errors = colour_errors(cleaned.get("primary_color", ""), cleaned.get("accent_color", ""))
        for name, message in errors.items():
            self.add_error(name, message)
        return cleaned


@never_cache
@admin_required
@require_http_methods(["GET", "POST"])
def organization_settings(request):
    organization = request.organization
    if request.method == "POST":
        # A copy: the form writes the values it checks into its instance, and the page's
        # header must keep showing the organization as it is saved.
        copy = Organization.objects.get(pk=organization.pk)
        form = OrganizationSettingsForm(request.POST, request.FILES, instance=copy)
        if form.is_valid():
            changes = {name: form.cleaned_data[name] for name in SETTINGS_FIELDS}
            if changes["logo"] is False:  # "clear" ticked
                changes["logo"] = ""
            elif changes["logo"] is None:
                changes.pop("logo")
            try:
                update_organization(organization=organization, actor=request.user, changes=changes)
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(request, _("Les paramètres de l'organisation sont enregistrés."))
                response = redirect(reverse("backoffice:settings"))
                response.status_code = 303
                return response
        status = 400
    else:
        form = OrganizationSettingsForm(instance=organization)
        status = 200
    return render(
        request,
        "backoffice/settings.html",
        {"form": form, "nav": "settings"},
        status=status,
    )
