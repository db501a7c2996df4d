"""Citizens' accounts (django-allauth): sign-up with a verified address, login, password
reset, change of address, rate limits; earlier cases join an account once its address is
verified, never before."""

import re

import pytest
from allauth.account.models import EmailAddress

from guichet.accounts.models import User
from guichet.cases.models import Case, EventKind
from guichet.conftest import submit
from guichet.notify.models import OutgoingEmail

pytestmark = pytest.mark.django_db

PASSWORD = "Un mot de passe solide 42"
LINK = re.compile(r"https?://[^/\s]+(/compte/[^\s]+)")


def last_link(to: str) -> str:
    email = OutgoingEmail.objects.filter(to=to).latest("pk")
    return LINK.search(email.body).group(1)


def sign_up(client, email="zoe@example.test"):
    response = client.post(
        "/compte/signup/", {"email": email, "password1": PASSWORD, "password2": PASSWORD}
    )
    assert response.status_code == 302, response.content.decode()
    return response


def confirm(client, email="zoe@example.test"):
    link = last_link(email)
    assert "/compte/confirm-email/" in link
    page = client.get(link)
    assert page.status_code == 200
    return client.post(link)


def test_the_pages_are_in_the_portal_and_in_french(client, org):
    for url in ["/compte/login/", "/compte/signup/", "/compte/password/reset/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert "Ville de Démoville" in text and 'lang="fr"' in text, url
        assert 'class="skip-link"' in text and text.count("<h1") == 1, url
    assert "Mot de passe" in client.get("/compte/login/").content.decode()


def test_sign_up_then_verify_the_address_then_the_earlier_cases_join(client, org, procedure_a):
    earlier = submit(procedure_a, contact_email="Zoe@Example.test")
    someone_else = submit(procedure_a, contact_email="bob@example.test")
    sign_up(client)
    user = User.objects.get(email="zoe@example.test")
    assert not EmailAddress.objects.get(user=user).verified
    # Not verified yet: no case joins, and the account cannot be used.
    assert Case.objects.get(pk=earlier.pk).citizen is None
    response = client.post("/compte/login/", {"login": "zoe@example.test", "password": PASSWORD})
    assert response.status_code == 302 and "confirm-email" in response.url
    assert "_auth_user_id" not in client.session

    response = confirm(client)
    assert response.status_code == 302 and response.url == "/mon-espace/"
    assert EmailAddress.objects.get(user=user).verified
    earlier.refresh_from_db()
    someone_else.refresh_from_db()
    assert earlier.citizen == user and someone_else.citizen is None
    event = earlier.events.get(kind=EventKind.ACCOUNT_LINKED)
    assert event.payload == {"email": "zoe@example.test"} and not event.is_public
    space = client.get("/mon-espace/").content.decode()
    assert earlier.reference in space and someone_else.reference not in space


def test_a_signup_with_someone_elses_address_takes_no_case(client, org, procedure_a):
    """An address not verified is a claim, not a proof."""
    case = submit(procedure_a, contact_email="victim@example.test")
    sign_up(client, "victim@example.test")
    client.post("/compte/login/", {"login": "victim@example.test", "password": PASSWORD})
    case.refresh_from_db()
    assert case.citizen is None
    assert client.get("/mon-espace/").status_code == 302  # not logged in


def test_login_logout_and_where_people_land(client, org, procedure_a, agent_a):
    sign_up(client)
    confirm(client)
    client.post("/compte/logout/")
    assert "_auth_user_id" not in client.session
    response = client.post("/compte/login/", {"login": "zoe@example.test", "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/mon-espace/"
    # An agent who logs in on the portal goes to the inbox.
    agent_a.set_password(PASSWORD)
    agent_a.save()
    other = client.__class__()
    response = other.post("/compte/login/", {"login": agent_a.email, "password": PASSWORD})
    assert response.status_code == 302 and response.url == "/backoffice/"


def test_failed_logins_are_rate_limited(client, org):
    sign_up(client)
    confirm(client)
    client.post("/compte/logout/")
    for _ in range(5):
        response = client.post("/compte/login/", {"login": "zoe@example.test", "password": "x"})
        assert response.status_code == 400
        assert "incorrect" in response.content.decode()
    response = client.post("/compte/login/", {"login": "zoe@example.test", "password": PASSWORD})
    assert "_auth_user_id" not in client.session  # even the right password waits
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()


def test_password_reset_by_e_mail(client, org):
    sign_up(client)
    confirm(client)
    client.post("/compte/logout/")
    response = client.post("/compte/password/reset/", {"email": "zoe@example.test"})
    assert response.status_code == 302
    link = last_link("zoe@example.test")
    assert "/compte/password/reset/key/" in link
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    action = form_page.redirect_chain[-1][0] if form_page.redirect_chain else link
    new = "Une toute nouvelle phrase 7"
    response = client.post(action, {"password1": new, "password2": new})
    assert response.status_code == 302
    assert client.login(email="zoe@example.test", password=new)


def test_a_reset_for_an_unknown_address_says_the_same_and_sends_nothing_useful(client, org):
    response = client.post("/compte/password/reset/", {"email": "nobody@example.test"})
    assert response.status_code == 302  # the same answer: no account enumeration
    assert not User.objects.filter(email="nobody@example.test").exists()


def test_changing_the_address_needs_the_new_one_verified(client, org, procedure_a):
    sign_up(client)
    confirm(client)
    case = submit(procedure_a, contact_email="zoe.pro@example.test")
    response = client.post("/compte/email/", {"email": "zoe.pro@example.test", "action_add": ""})
    assert response.status_code == 302
    user = User.objects.get(email="zoe@example.test")
    case.refresh_from_db()
    assert case.citizen is None  # not verified yet
    confirm(client, "zoe.pro@example.test")
    user.refresh_from_db()
    case.refresh_from_db()
    assert user.email == "zoe.pro@example.test"
    assert case.citizen == user


def test_bad_sign_up_input_gets_messages_and_keeps_the_address(client, org):
    response = client.post(
        "/compte/signup/", {"email": "zoe@example.test", "password1": "abc", "password2": "abd"}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert 'value="zoe@example.test"' in text and "errorlist" in text
    assert not User.objects.filter(email="zoe@example.test").exists()


def test_my_space_needs_an_account(client, org, citizen, other_citizen, procedure_a):
    assert client.get("/mon-espace/").url.startswith("/compte/login/?next=/mon-espace/")
    mine = submit(procedure_a, citizen=citizen)
    theirs = submit(procedure_a, citizen=other_citizen)
    client.force_login(citizen)
    text = client.get("/mon-espace/").content.decode()
    assert mine.reference in text and theirs.reference not in text
    assert (
        "no-store" in client.get("/mon-espace/")["Cache-Control"]
        or "max-age=0" in (client.get("/mon-espace/")["Cache-Control"])
    )


def test_my_space_counts_unread_messages_and_lists_my_documents(
    client, org, citizen, procedure_a, agent_a
):
    from guichet.cases import actions

    case = submit(procedure_a, citizen=citizen)
    actions.post_message(case=case, body="Une question ?", from_citizen=False, author=agent_a)
    actions.post_message(case=case, body="Et une autre.", from_citizen=False, author=agent_a)
    actions.post_message(case=case, body="Ma réponse.", from_citizen=True, author=citizen)
    client.force_login(citizen)
    text = client.get("/mon-espace/").content.decode()
    assert "Vous avez 2 messages non lus" in text and "2 messages non lus</span>" in text
    client.get(f"/suivi/{case.tracking_code}/")  # reading the request
    text = client.get("/mon-espace/").content.decode()
    assert "non lu" not in text
    assert case.messages.filter(from_citizen=True, read_at=None).count() == 1  # theirs: unread
    assert "Mes documents" not in text
