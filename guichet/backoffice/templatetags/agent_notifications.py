"""The header's count of unread notifications: one bounded COUNT query per page."""

from django import template

from guichet.notify.agents import UNREAD_COUNT_LIMIT, unread_count

register = template.Library()


@register.inclusion_tag("backoffice/notifications/header_link.html", takes_context=True)
def notifications_link(context):
    request = context["request"]
    membership = getattr(request, "membership", None)
    count = unread_count(request.user, membership.organization_id) if membership else 0
    return {
        "membership": membership,
        "count": count,
        "more": count >= UNREAD_COUNT_LIMIT,
        "shown": f"{UNREAD_COUNT_LIMIT - 1}+" if count >= UNREAD_COUNT_LIMIT else str(count),
        "current": context.get("nav") == "notifications",
    }
