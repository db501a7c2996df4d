"""The notifications list, the preferences page, the satisfaction survey (rating and
thank-you pages) and its results, in a real browser with axe-core, by keyboard where it
matters."""

import pytest
from django.test import Client

from guichet.cases.models import SatisfactionSurvey
from guichet.cases.satisfaction import open_survey, record_rating, survey_token
from guichet.conftest import check_accessibility, submit
from guichet.notify.agents import notify
from guichet.notify.models import NotificationKind, NotificationPreferences

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, live_server, user) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies["sessionid"]
    page.context.add_cookies([{"name": "sessionid", "value": cookie.value, "url": live_server.url}])


def test_an_agent_reads_notifications_and_chooses_how_to_hear_of_them(
    page, live_server, agent_a, procedure_a
):
    cases = [submit(procedure_a) for _ in range(2)]
    notify(user=agent_a, case=cases[0], kind=NotificationKind.NEW_CASE, key="a")
    notify(user=agent_a, case=cases[1], kind=NotificationKind.CITIZEN_REPLY, key="b")
    sign_in(page, live_server, agent_a)
    page.goto("/backoffice/")
    page.get_by_role("link", name="Notifications 2 non lues").click()
    page.get_by_role("heading", name="Mes notifications").wait_for()
    check_accessibility(page)

    page.get_by_role(
        "link", name=f"Non lue : Nouvelle demande dans mes services — {cases[0].reference}"
    ).click()
    page.get_by_role("heading", name=cases[0].reference).first.wait_for()
    page.goto("/backoffice/notifications/")
    page.get_by_role("link", name="Notifications 1 non lue").wait_for()
    page.get_by_role("button", name="Tout marquer comme lu").click()
    page.get_by_text("1 notification marquée comme lue.").wait_for()
    check_accessibility(page)

    page.get_by_role("link", name="Choisir ce que je reçois par e-mail").click()
    check_accessibility(page)
    group = page.get_by_role("group", name="Nouvelle demande dans mes services")
    group.get_by_label("Un e-mail à chaque fois").focus()
    page.keyboard.press("ArrowDown")  # radio groups move by arrows
    page.get_by_role("button", name="Enregistrer").focus()
    page.keyboard.press("Enter")
    page.get_by_text("Vos préférences de notification sont enregistrées.").wait_for()
    check_accessibility(page)
    assert NotificationPreferences.objects.get(user=agent_a).new_case == "digest"


def test_a_citizen_rates_a_closed_case_by_keyboard(page, live_server, procedure_a):
    survey = open_survey(case=submit(procedure_a))
    page.goto(f"/avis/{survey_token(survey)}/")
    check_accessibility(page)
    page.get_by_role("button", name="Envoyer mon avis").click()
    page.get_by_text("Choisissez une note de 1 à 5.").wait_for()
    check_accessibility(page)
    page.get_by_role("radiogroup").or_(
        page.get_by_role("group", name="Votre note")
    ).first.wait_for()
    page.get_by_label("4 — Satisfait").check()
    page.get_by_label("Votre commentaire").fill("Rapide et aimable.")
    page.get_by_label("Votre commentaire").press("Tab")
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Merci pour votre avis").wait_for()
    check_accessibility(page)
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (4, "Rapide et aimable.")


def test_a_supervisor_reads_the_results(page, live_server, supervisor, procedure_a, procedure_b):
    for procedure, rating, comment in ((procedure_a, 5, "Merci !"), (procedure_b, 2, "")):
        record_rating(survey=open_survey(case=submit(procedure)), rating=rating, comment=comment)
    assert SatisfactionSurvey.objects.count() == 2
    sign_in(page, live_server, supervisor)
    page.goto("/backoffice/")
    page.get_by_role("link", name="Satisfaction").click()
    page.get_by_role("heading", name="Satisfaction des usagers").wait_for()
    page.get_by_text("Merci !").wait_for()
    check_accessibility(page)
