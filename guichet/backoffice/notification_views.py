"""An agent's notifications (guichet/notify/agents.py): the list, newest first, each opened
to its case (and marked read), "tout marquer comme lu", and the choice per kind of an
e-mail at once, in the daily digest, or none."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from guichet.core.http import see_other
from guichet.notify.agents import get_notification_for_member, mark_all_read, mark_read
from guichet.notify.models import AgentNotification, NotificationPreferences

from .decorators import agent_required

PAGE_SIZE = 50


@never_cache
@agent_required
@require_safe
def notifications(request):
    items = AgentNotification.objects.for_member(request.user, request.membership.organization)
    before = request.GET.get("avant", "")
    if before.isdigit():
        items = items.filter(pk__lt=int(before))
    # Newest first by id (ids grow with time): one row more than the page tells if there is
    # another, without counting them all.
    rows = list(
        items.select_related("case", "case__procedure", "case__service").order_by("-pk")[
            : PAGE_SIZE + 1
        ]
    )
    page, more = rows[:PAGE_SIZE], len(rows) > PAGE_SIZE
    return render(
        request,
        "backoffice/notifications/list.html",
        {
            "nav": "notifications",
            "items": page,
            "older": page[-1].pk if more else None,
            "has_unread": any(item.read_at is None for item in page),
        },
    )


@agent_required(hide_from_outsiders=True)
@require_safe
def notification_open(request, pk):
    notification = get_notification_for_member(request.user, request.membership.organization, pk)
    mark_read(notification)
    return HttpResponseRedirect(reverse("backoffice:case", args=[notification.case.reference]))


@agent_required
@require_POST
def notifications_read(request):
    done = mark_all_read(request.user, request.membership.organization)
    if done:
        messages.success(
            request,
            ngettext(
                "%(count)s notification marquée comme lue.",
                "%(count)s notifications marquées comme lues.",
                done,
            )
            % {"count": done},
        )
    return see_other(reverse("backoffice:notifications"))


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = NotificationPreferences
        fields = ["new_case", "citizen_reply", "assigned", "deadline"]
        widgets = dict.fromkeys(fields, forms.RadioSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, auto_id="preferences_%s", **kwargs)
        for field in self.fields.values():
            field.choices = [choice for choice in field.choices if choice[0]]


@never_cache
@agent_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request):
    preferences = NotificationPreferences.objects.filter(user=request.user).first()
    preferences = preferences or NotificationPreferences(user=request.user)
    form = PreferencesForm(request.POST or None, instance=preferences)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("Vos préférences de notification sont enregistrées."))
        return see_other(reverse("backoffice:notification_preferences"))
    return render(
        request,
        "backoffice/notifications/preferences.html",
        {"nav": "notifications", "form": form, "digest_hour": settings.GUICHET_AGENT_DIGEST_HOUR},
        status=400 if form.errors else 200,
    )
