"""The Django admin behind Guichet's login.

Django's admin has a password form of its own, which knows nothing of allauth's rate limits,
of the second factor or of the agents' idle expiry. Here its login page sends to Guichet's
login (allauth: rate limits, then the second factor), and every admin page asks what the back
office asks: a staff account whose session passed the second factor when the account has one
(or the organization requires it), with the agents' shorter idle time.
"""

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from .mfa import second_factor_gate


class AdminSite(admin.AdminSite):
    def has_permission(self, request):
        if not super().has_permission(request):
            return False
        # Each admin page renews the session for the agents' idle time only.
        request.session.set_expiry(settings.GUICHET_AGENT_SESSION_IDLE)
        return second_factor_gate(request, next_url=request.get_full_path()) is None

    def login(self, request, extra_context=None):
        """No password form here: Guichet's login, then back to the page asked for."""
        index = reverse("admin:index", current_app=self.name)
        next_url = request.GET.get(REDIRECT_FIELD_NAME, "")
        if not url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            next_url = index
        user = request.user
        if not user.is_authenticated:
            login = reverse("account_login")
            return redirect(f"{login}?{urlencode({REDIRECT_FIELD_NAME: next_url})}")
        if not (user.is_active and user.is_staff):
            raise PermissionDenied
        gate = second_factor_gate(request, next_url=next_url)
        return gate if gate is not None else redirect(next_url)
