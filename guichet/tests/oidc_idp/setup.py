"""Creates the provider's user and Guichet's client: run once by the test fixture."""

import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "guichet.tests.oidc_idp.settings")
django.setup()

from django.contrib.auth.models import User  # noqa: E402
from oauth2_provider.models import Application  # noqa: E402

User.objects.create_user(
    "zoe",
    email="zoe.connect@example.test",
    password="idp-password",
    first_name="Zoé",
    last_name="Lefèvre",
)
Application.objects.create(
    name="Guichet",
    client_id=os.environ["IDP_CLIENT_ID"],
    client_secret=os.environ["IDP_CLIENT_SECRET"],
    hash_client_secret=False,
    client_type=Application.CLIENT_CONFIDENTIAL,
    authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
    redirect_uris=os.environ["IDP_REDIRECT_URI"],
    post_logout_redirect_uris=os.environ["IDP_POST_LOGOUT_URI"],
    algorithm=Application.RS256_ALGORITHM,
    skip_authorization=True,
)
