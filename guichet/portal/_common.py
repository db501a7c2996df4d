"""What the portal's views share: the decorators of pages that carry a case's secret
(`_private`) and of pages that need an organization (`_needs_organization`)."""

import functools

from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from guichet.core.http import see_other

_see_other = see_other


def _private(view):
    """For pages that carry a case's secret: never cached, never indexed."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        response["X-Robots-Tag"] = "noindex, nofollow"
        return response

    return wrapper


def _needs_organization(view):
    """Until an organization is configured, the portal says so instead of failing."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.organization is None:
            return render(request, "portal/no_organization.html")
        return view(request, *args, **kwargs)

    return wrapper
