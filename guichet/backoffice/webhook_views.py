"""Webhook subscriptions, for administrators: the addresses called on the cases' events, a
new subscription's secret shown once, the delivery log, and a delivery replayed."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from guichet.core.http import see_other
from guichet.notify.models import WebhookDelivery, WebhookKind, WebhookSubscription
from guichet.notify.webhooks import create_subscription, replay_delivery, revoke_subscription
from guichet.organization.models import Service

from .decorators import admin_required
from .designer_forms import add_errors

LOG_LENGTH = 100


class SubscriptionForm(forms.Form):
    url = forms.URLField(
        label=gettext_lazy("Adresse appelée"),
        max_length=2000,
        assume_scheme="https",
        help_text=gettext_lazy(
            "Une adresse https publique, par exemple https://sig.example.fr/hooks."
        ),
    )
    kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Événements"),
        choices=WebhookKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    service = forms.ModelChoiceField(
        label=gettext_lazy("Service"),
        queryset=Service.objects.none(),
        required=False,
        empty_label=gettext_lazy("Tous les services"),
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, auto_id="webhook_%s", **kwargs)
        self.fields["service"].queryset = Service.objects.filter(organization=organization)


def _subscription_for_admin(request, pk) -> WebhookSubscription:
    subscription = WebhookSubscription.objects.filter(
        organization=request.organization, pk=pk
    ).first()
    if subscription is None:
        raise Http404
    return subscription


@never_cache
@admin_required
@require_safe
def subscription_list(request):
    subscriptions = (
        WebhookSubscription.objects.filter(organization=request.organization)
        .select_related("service")
        .order_by("revoked_at", "url", "pk")
    )
    labels = dict(WebhookKind.choices)
    rows = [(s, [labels.get(kind, kind) for kind in s.kinds]) for s in subscriptions]
    return render(request, "backoffice/webhooks/list.html", {"rows": rows, "nav": "settings"})


@never_cache
@admin_required
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_create(request):
    form = SubscriptionForm(
        request.POST if request.method == "POST" else None, organization=request.organization
    )
    if form.is_bound and form.is_valid():
        try:
            subscription, secret = create_subscription(
                organization=request.organization, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_errors(form, error)
        else:
            # The secret is shown on this answer only; the page is not cached.
            return render(
                request,
                "backoffice/webhooks/created.html",
                {"subscription": subscription, "secret": secret, "nav": "settings"},
            )
    return render(
        request,
        "backoffice/webhooks/form.html",
        {"form": form, "nav": "settings"},
        status=400 if form.is_bound else 200,
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_safe
def subscription_log(request, pk):
    subscription = _subscription_for_admin(request, pk)
    deliveries = (
        WebhookDelivery.objects.filter(subscription=subscription)
        .select_related("event__case")
        .prefetch_related("log")
        .order_by("-created_at", "-pk")[:LOG_LENGTH]
    )
    return render(
        request,
        "backoffice/webhooks/log.html",
        {"subscription": subscription, "deliveries": deliveries, "nav": "settings"},
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def subscription_revoke(request, pk):
    subscription = _subscription_for_admin(request, pk)
    if request.method == "POST":
        revoke_subscription(subscription=subscription, actor=request.user)
        messages.success(request, _("L'abonnement est supprimé : l'adresse n'est plus appelée."))
        return see_other(reverse("backoffice:webhooks"))
    return render(
        request,
        "backoffice/webhooks/revoke.html",
        {"subscription": subscription, "nav": "settings"},
    )


@never_cache
@admin_required(hide_from_outsiders=True)
@require_http_methods(["GET", "HEAD", "POST"])
def delivery_replay(request, pk, delivery):
    subscription = _subscription_for_admin(request, pk)
    found = WebhookDelivery.objects.filter(subscription=subscription, pk=delivery).first()
    if found is None:
        raise Http404
    if request.method == "POST":
        replay_delivery(delivery=found, actor=request.user)
        messages.success(request, _("L'appel %(id)s est renvoyé.") % {"id": found.webhook_id})
        return see_other(reverse("backoffice:webhook_log", args=[subscription.pk]))
    return render(
        request,
        "backoffice/webhooks/replay.html",
        {"subscription": subscription, "delivery": found, "nav": "settings"},
    )
