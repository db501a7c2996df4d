from oauth2_provider.oauth2_validators import OAuth2Validator


class Validator(OAuth2Validator):
    """The claims FranceConnect gives, by scope; the last name doubles as the birth date's
    owner, the acr asked for is echoed back."""

    oidc_claim_scope = {
        "sub": "openid",
        "given_name": "given_name",
        "family_name": "family_name",
        "email": "email",
        "email_verified": "email",
        "birthdate": "birthdate",
    }

    def get_additional_claims(self, request):
        user = request.user
        return {
            "given_name": user.first_name,
            "family_name": user.last_name,
            "email": user.email,
            "email_verified": True,
            "birthdate": "1985-04-12",
        }
