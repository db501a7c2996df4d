from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from guichet.accounts import oidc
from guichet.core.views import healthz, theme_css

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("theme.css", theme_css, name="theme_css"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    path("backoffice/", include("guichet.backoffice.urls")),
    # allauth's OpenID Connect callback, keeping the ID token for the logout at the provider.
    path(
        "compte/oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    path("compte/", include("allauth.urls")),
    path("", include("guichet.portal.urls")),
]

if settings.DEBUG:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
