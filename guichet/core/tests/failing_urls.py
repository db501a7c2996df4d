"""Guichet's addresses and one that fails, for the tests of the error pages."""

from django.urls import path

from guichet import urls as guichet_urls


def boom(request):
    raise RuntimeError("A bug, for the test of the error page")


handler500 = guichet_urls.handler500

urlpatterns = [
    path("boom/", boom),
    path("api/boom/", boom),  # the REST API's crash: a problem document, not a page
    *guichet_urls.urlpatterns,
]
