import pytest

from guichet.accounts.models import User

pytestmark = pytest.mark.django_db

URL = "/mon-espace/profil/"


def test_the_profile_sets_the_name_phone_and_language(client, org, citizen):
    client.force_login(citizen)
    assert client.get(URL).status_code == 200
    response = client.post(
        URL,
        {"first_name": "Alice", "last_name": "Martin", "phone": "06 12 34 56 78", "language": "en"},
    )
    assert response.status_code == 303 and response.url == "/mon-espace/"
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.language) == ("+33612345678", "en")
    assert response.cookies["django_language"].value == "en"
    assert 'lang="en"' in client.get("/mon-espace/").content.decode()


def test_a_bad_phone_is_refused_and_the_rest_kept(client, org, citizen):
    client.force_login(citizen)
    response = client.post(
        URL, {"first_name": "Alicia", "last_name": "Martin", "phone": "12", "language": "fr"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Saisissez un numéro de téléphone valide" in text and 'value="Alicia"' in text
    assert User.objects.get(pk=citizen.pk).first_name == "Alice"
    assert client.post(URL, {"language": "xx", "first_name": "A"}).status_code == 400


def test_the_profile_needs_an_account(client, org):
    assert client.get(URL).url.startswith("/compte/login/")


def test_names_from_an_identity_provider_are_locked(client, org, citizen):
    from allauth.socialaccount.models import SocialAccount

    SocialAccount.objects.create(user=citizen, provider="franceconnect", uid="abc")
    client.force_login(citizen)
    page = client.get(URL).content.decode()
    assert "Transmis par votre fournisseur d" in page and "disabled" in page
    response = client.post(
        URL, {"first_name": "Mallory", "last_name": "X", "phone": "", "language": "fr"}
    )
    assert response.status_code == 303
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.last_name) == ("Alice", "Martin")


def test_contact_preferences_are_saved(client, org, citizen, settings):
    settings.GUICHET_SMS_URL = "console:"
    client.force_login(citizen)
    page = client.get(URL).content.decode()
    assert "Par SMS" in page and "toujours envoyé par e-mail" in page
    response = client.post(
        URL,
        {
            "first_name": "Alice",
            "last_name": "Martin",
            "phone": "07 00 00 00 01",
            "language": "fr",
            "notify_sms": "on",
        },
    )
    assert response.status_code == 303
    citizen.refresh_from_db()
    assert (citizen.notify_email, citizen.notify_sms) == (False, True)


@pytest.mark.parametrize(
    ("phone", "error"),
    [
        ("", "Indiquez votre numéro de mobile pour recevoir des SMS."),
        ("01 23 45 67 89", "Ce numéro ne peut pas recevoir de SMS"),
    ],
)
def test_sms_need_a_mobile_number(client, org, citizen, settings, phone, error):
    settings.GUICHET_SMS_URL = "console:"
    client.force_login(citizen)
    response = client.post(
        URL,
        {
            "first_name": "Alicia",
            "last_name": "Martin",
            "phone": phone,
            "language": "fr",
            "notify_email": "on",
            "notify_sms": "on",
        },
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert error in text and 'value="Alicia"' in text
    citizen.refresh_from_db()
    assert (citizen.first_name, citizen.notify_sms) == ("Alice", False)


def test_sms_are_not_offered_when_the_service_sends_none(client, org, citizen, settings):
    settings.GUICHET_SMS_URL = ""
    client.force_login(citizen)
    assert "Par SMS" not in client.get(URL).content.decode()
    client.post(
        URL, {"first_name": "A", "phone": "0612345678", "language": "fr", "notify_sms": "on"}
    )
    citizen.refresh_from_db()
    assert citizen.notify_sms is False
