from allauth.mfa.recovery_codes import views as recovery_codes
from allauth.mfa.totp import views as totp
from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.static import serve

from guichet.accounts import oidc
from guichet.accounts.mfa import second_factor_required
from guichet.core.addresses import address_search
from guichet.core.views import favicon, healthz, theme_css

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("theme.css", theme_css, name="theme_css"),
    path("favicon.ico", favicon, name="favicon"),
    path("adresses/recherche/", address_search, name="address_search"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("django-admin/", admin.site.urls),
    # The steering dashboards: a door of their own, in the back office's address space.
    path("backoffice/statistiques/", include("guichet.stats.urls")),
    path("backoffice/", include("guichet.backoffice.urls")),
    path("api/", include("guichet.api.urls")),
    path("inbound/", include("guichet.notify.urls")),
    path("open311/", include("guichet.api.open311_urls")),
    # allauth's OpenID Connect callback, keeping the ID token for the logout at the provider.
    path(
        "compte/oidc/<str:provider_id>/login/callback/",
        oidc.callback,
        name="openid_connect_callback",
    ),
    # allauth.mfa's pages that remove the second factor or show its recovery codes: only
    # in a session that gave a code (allauth would take the password again).
    path(
        "compte/2fa/totp/deactivate/",
        second_factor_required(totp.deactivate_totp),
        name="mfa_deactivate_totp",
    ),
    path(
        "compte/2fa/recovery-codes/",
        second_factor_required(recovery_codes.view_recovery_codes),
        name="mfa_view_recovery_codes",
    ),
    path(
        "compte/2fa/recovery-codes/generate/",
        second_factor_required(recovery_codes.generate_recovery_codes),
        name="mfa_generate_recovery_codes",
    ),
    path(
        "compte/2fa/recovery-codes/download/",
        second_factor_required(recovery_codes.download_recovery_codes),
        name="mfa_download_recovery_codes",
    ),
    path("compte/", include("allauth.urls")),
    # Public statistics and their open data, beside the portal.
    path("statistiques/", include("guichet.stats.public_urls")),
    path("", include("guichet.portal.urls")),
]

# Guichet's error pages, or problem documents under /api/ (core/views.py).
handler400 = "guichet.core.views.bad_request"
handler403 = "guichet.core.views.permission_denied"
handler404 = "guichet.core.views.page_not_found"
handler500 = "guichet.core.views.server_error"

if settings.DEBUG or settings.GUICHET_DEMO:
    urlpatterns.append(path("media/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}))
