"""A small OpenID Connect provider (django-oauth-toolkit), run in its own process by the
tests: a real identity provider for Guichet's OpenID Connect login, FranceConnect-like
(scopes openid, given_name, family_name, email, birthdate; acr_values)."""
