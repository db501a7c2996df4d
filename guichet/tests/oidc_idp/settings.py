"""Settings of the test identity provider; everything comes from the environment the test
fixture gives it."""

import os
from pathlib import Path

BASE = Path(__file__).resolve().parent
SECRET_KEY = "test-identity-provider-only"  # noqa: S105 (a test server on 127.0.0.1)
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "oauth2_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
]
ROOT_URLCONF = "guichet.tests.oidc_idp.urls"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE / "templates"],
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]
DATABASES = {
    "default": {"ENGINE": "django.db.backends.sqlite3", "NAME": os.environ["IDP_DATABASE"]}
}
USE_TZ = True
LOGIN_URL = "/login/"
# Guichet's session cookie lives on the same host name: the provider's has its own name.
SESSION_COOKIE_NAME = "idp_sessionid"
CSRF_COOKIE_NAME = "idp_csrftoken"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": os.environ["IDP_RSA_KEY"],
    "OAUTH2_VALIDATOR_CLASS": "guichet.tests.oidc_idp.validators.Validator",
    "SCOPES": {
        "openid": "OpenID Connect",
        "given_name": "Prénom",
        "family_name": "Nom",
        "email": "Adresse e-mail",
        "birthdate": "Date de naissance",
    },
    "PKCE_REQUIRED": False,
    # Logout asked by Guichet (RP-initiated), at once: the ID token says who.
    "OIDC_RP_INITIATED_LOGOUT_ENABLED": True,
    "OIDC_RP_INITIATED_LOGOUT_ALWAYS_PROMPT": False,
}
