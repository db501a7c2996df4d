"""Small HTTP helpers shared by the doors."""

from django.http import HttpResponseRedirect


def see_other(url: str) -> HttpResponseRedirect:
    """After a POST: the browser GETs the next page (303 See Other), never re-posting."""
    response = HttpResponseRedirect(url)
    response.status_code = 303
    return response
