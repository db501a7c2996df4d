"""OpenID Connect login, completed with what FranceConnect asks of the services that use it:
logging out of Guichet logs out at the provider too (RP-initiated logout, with the ID token
as a hint), and the identity the provider gives is refreshed at every login.

allauth's provider does the protocol; this module keeps, for the session, the raw ID token
and the provider's end-session endpoint, which allauth does not keep.
"""

from urllib.parse import urlencode

from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import get_random_string

SESSION_KEY = "guichet.oidc"


class SessionKeepingAdapter(OpenIDConnectOAuth2Adapter):
    def complete_login(self, request, app, token, **kwargs):
        sociallogin = super().complete_login(request, app, token, **kwargs)
        id_token = kwargs["response"].get("id_token")
        end_session = self.openid_config.get("end_session_endpoint")
        if id_token and end_session:
            request.session[SESSION_KEY] = {
                "provider": self.provider_id,
                "id_token": id_token,
                "end_session_endpoint": end_session,
            }
        else:
            request.session.pop(SESSION_KEY, None)
        return sociallogin


@login_not_required
def callback(request, provider_id):
    """allauth's callback view, with the adapter above."""
    try:
        view = OAuth2CallbackView.adapter_view(SessionKeepingAdapter(request, provider_id))
        return view(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


def provider_logout_url(request) -> str | None:
    """Where to send a citizen who logs out after logging in with a provider: its
    end-session endpoint, which sends them back to the portal's home page."""
    stored = request.session.get(SESSION_KEY)
    if not stored:
        return None
    query = urlencode(
        {
            "id_token_hint": stored["id_token"],
            "post_logout_redirect_uri": request.build_absolute_uri(reverse("portal:home")),
            "state": get_random_string(24),
        }
    )
    endpoint = stored["end_session_endpoint"]
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def refresh_identity(sociallogin) -> None:
    """Copies the names the provider just sent onto the account (they are the provider's:
    a citizen cannot edit them, so they follow the provider's record)."""
    account = sociallogin.account
    fields = account.get_provider().extract_common_fields(account.extra_data)
    user = sociallogin.user
    changed = []
    for name in ("first_name", "last_name"):
        value = (fields.get(name) or "").strip()
        if value and getattr(user, name) != value:
            setattr(user, name, value)
            changed.append(name)
    if changed and user.pk:
        user.save(update_fields=changed)
