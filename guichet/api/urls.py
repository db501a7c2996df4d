import functools

from django.urls import re_path
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from guichet.core.problems import CONTENT_TYPE

from . import views
from .problems import problem
from .v1 import api


def _method_problems(view):
    """django-ninja answers a method an address does not take with a plain-text 405: make it
    a problem document too, naming the methods it takes."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            CONTENT_TYPE
        ):
            allowed = response.get("Allow", "")
            return problem(
                request,
                405,
                _("Méthode non permise à cette adresse (permises : %(allowed)s).")
                % {"allowed": allowed},
                headers={"Allow": allowed},
            )
        return response

    return wrapper


@csrf_exempt
def not_found(request, rest=""):
    return problem(request, 404, _("Aucune opération de l'API à cette adresse."))


# Not named app_name/namespace: Django would take them for this module's own.
_patterns, _app, _namespace = api.urls
for _pattern in _patterns:
    _pattern.callback = _method_problems(_pattern.callback)

urlpatterns = [
    re_path(r"^v1/docs/$", views.documentation, name="api_docs"),
    re_path(r"^v1/", (_patterns, _app, _namespace)),
    # Any other address, line breaks included (`.` alone stops at one).
    re_path(r"^(?P<rest>(?s:.*))$", not_found),
]
