"""Webhook subscriptions in the back office: created by administrators (the secret shown
once), their delivery log, a delivery replayed after a confirmation; in a real browser with
axe-core too."""

import pytest
from django.urls import reverse

from guichet.conftest import PASSWORD, check_accessibility, submit
from guichet.notify.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


@pytest.fixture
def admin_client(client, administrator):
    client.force_login(administrator)
    return client


def _delivery(org, procedure):
    case = submit(procedure)
    subscription = WebhookSubscription.objects.create(
        organization=org, url="https://sig.example.test/hooks", kinds=["case.created"]
    )
    delivery = WebhookDelivery.objects.create(
        event=case.events.first(),
        subscription=subscription,
        kind="case.created",
        url=subscription.url,
        payload={},
    )
    WebhookAttempt.objects.create(delivery=delivery, status=503, response="occupé")
    return subscription, delivery


@pytest.mark.django_db
def test_it_subscribes_and_shows_the_secret_once(admin_client, org, service_a, settings):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True  # no name resolution needed
    response = admin_client.post(
        reverse("backoffice:webhook_create"),
        {"url": "https://sig.example.test/hooks", "kinds": ["case.created", "case.closed"]},
    )
    assert response.status_code == 200
    secret = response.context["secret"]
    assert secret.startswith("whsec_") and secret.encode() in response.content
    assert response["Cache-Control"].startswith("max-age=0")
    subscription = WebhookSubscription.objects.get()
    assert subscription.kinds == ["case.created", "case.closed"]
    assert subscription.service is None
    listing = admin_client.get(reverse("backoffice:webhooks"))
    assert b"https://sig.example.test/hooks" in listing.content
    assert secret.encode() not in listing.content


@pytest.mark.django_db
def test_bad_input_keeps_what_was_typed(admin_client, org, settings):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = False
    response = admin_client.post(
        reverse("backoffice:webhook_create"), {"url": "http://127.0.0.1/hooks", "kinds": []}
    )
    assert response.status_code == 400
    assert b"http://127.0.0.1/hooks" in response.content
    assert not WebhookSubscription.objects.exists()


@pytest.mark.django_db
def test_the_log_shows_each_attempt_and_a_replay_asks_first(
    admin_client, org, procedure_a, django_assert_max_num_queries
):
    subscription, delivery = _delivery(org, procedure_a)
    WebhookDelivery.objects.filter(pk=delivery.pk).update(abandoned_at=delivery.created_at)
    # 13: the header counts the unread notifications (one bounded query).
    with django_assert_max_num_queries(13):
        response = admin_client.get(reverse("backoffice:webhook_log", args=[subscription.pk]))
    assert b"HTTP 503" in response.content and "occupé".encode() in response.content
    url = reverse("backoffice:webhook_replay", args=[subscription.pk, delivery.pk])
    assert admin_client.get(url).status_code == 200
    delivery.refresh_from_db()
    assert delivery.abandoned_at is not None  # the GET only asks
    response = admin_client.post(url)
    assert response.status_code == 303
    delivery.refresh_from_db()
    assert delivery.abandoned_at is None and delivery.retry_until is not None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_webhook_pages_are_accessible(page, administrator, org, procedure_a, settings):
    settings.GUICHET_WEBHOOK_ALLOW_PRIVATE_NETWORKS = True
    subscription, delivery = _delivery(org, procedure_a)
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(administrator.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    page.goto("/backoffice/organisation/webhooks/")
    check_accessibility(page)
    page.get_by_role("link", name="Nouvel abonnement").click()
    page.get_by_role("button", name="Créer l'abonnement et son secret").click()
    page.get_by_role("alert").get_by_text("L'abonnement n'a pas été créé").wait_for()
    check_accessibility(page)
    page.get_by_label("Adresse appelée").fill("https://autre.example.test/hooks")
    page.get_by_label("Demande close").check()
    page.get_by_role("button", name="Créer l'abonnement et son secret").click()
    page.get_by_text("il ne sera plus jamais affiché").wait_for()
    assert page.get_by_label("Secret").input_value().startswith("whsec_")
    check_accessibility(page)
    page.goto(f"/backoffice/organisation/webhooks/{subscription.pk}/")
    check_accessibility(page)
    page.get_by_role("link", name=f"Renvoyer {delivery.webhook_id}").click()
    check_accessibility(page)
    page.get_by_role("button", name="Renvoyer cet appel").click()
    page.get_by_text("est renvoyé").wait_for()
    check_accessibility(page)
