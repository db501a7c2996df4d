"""The agendas as iCalendar feeds at secret addresses (each counter of the member's services,
and the member's own as an agent), and the supervisors' figures per meeting type."""

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from guichet.appointments.feeds import agent_feed, counter_feed, feed_calendar, regenerate_feed
from guichet.appointments.figures import AHEAD_DAYS, PAST_DAYS, figures_for
from guichet.appointments.models import CalendarFeed, Counter
from guichet.core.http import see_other
from guichet.lib.text import parse_id

from .appointment_views import agendas_filter, visible_agendas
from .decorators import agent_required, supervisor_required


def _address(request, feed) -> str:
    return request.build_absolute_uri(reverse("backoffice:appointment_feed", args=[feed.token]))


@require_safe
@agent_required
def feeds(request):
    """The secret addresses to subscribe to in a calendar application."""
    membership = request.membership
    counters = list(
        Counter.objects.filter(**agendas_filter(membership))
        .select_related("agenda__organization", "agent")
        .order_by("agenda__name", "name")
    )
    mine = agent_feed(request.user, membership.organization)
    return render(
        request,
        "backoffice/appointments/feeds.html",
        {
            "nav": "appointments",
            "mine": (mine, _address(request, mine)),
            "counters": [
                (counter, feed, _address(request, feed))
                for counter in counters
                for feed in [counter_feed(counter)]
            ],
        },
    )


@require_POST
@agent_required
def feed_regenerate(request):
    """A new address for one feed (the member's own, or a counter's of their services)."""
    membership = request.membership
    if request.POST.get("feed") == "mine":
        feed = agent_feed(request.user, membership.organization)
    else:
        pk = parse_id(request.POST.get("feed"))
        if pk is None:
            return HttpResponseBadRequest(_("Adresse inconnue."))
        counter = Counter.objects.filter(pk=pk, **agendas_filter(membership)).first()
        if counter is None:
            raise Http404
        feed = counter_feed(counter)
    regenerate_feed(feed)
    messages.success(request, _("Nouvelle adresse créée ; l'ancienne ne fonctionne plus."))
    return see_other(reverse("backoffice:appointment_feeds"))


@never_cache
@require_safe
def feed(request, token):
    """The feed itself, for calendar applications: the token is the only key."""
    found = (
        CalendarFeed.objects.filter(token=token, organization=request.organization)
        .select_related("counter__agenda", "agent")
        .first()
        if request.organization is not None
        else None
    )
    if found is None:
        raise Http404
    if found.counter_id:
        name = f"{found.counter.agenda.name} – {found.counter.name}"
    else:
        name = found.agent.get_full_name() or found.agent.email
    response = HttpResponse(
        feed_calendar(found, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_safe
@supervisor_required
def figures(request):
    """Per meeting type: occupancy of the coming weeks, lead time to the next free slot,
    no-show rate of the last weeks."""
    return render(
        request,
        "backoffice/appointments/figures.html",
        {
            "nav": "appointments",
            "rows": figures_for(visible_agendas(request.membership)),
            "ahead_days": AHEAD_DAYS,
            "past_days": PAST_DAYS,
        },
    )
