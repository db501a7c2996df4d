"""Guichet's addresses and one that fails, for the tests of the error pages."""

from django.urls import path

from guichet.urls import urlpatterns as guichet_urlpatterns


def boom(request):
    raise RuntimeError("A bug, for the test of the error page")


urlpatterns = [path("boom/", boom), *guichet_urlpatterns]
