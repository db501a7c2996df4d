"""The satisfaction survey: invited once when a case closes (real worker, real SMTP server),
rated through a signed link without login, tampered and expired links refused clearly."""

import datetime
import re
import time

import pytest
from django.core import signing
from django.urls import reverse

from guichet.cases import actions
from guichet.cases.models import SatisfactionSurvey
from guichet.cases.satisfaction import open_survey, survey_token
from guichet.conftest import submit


def link_in(body: str) -> str:
    return re.search(r"https?://\S+/avis/\S+/", body).group(0)


@pytest.mark.django_db(transaction=True)
def test_a_closed_case_invites_its_citizen_once(
    procedure_a, agent_a, supervisor, smtp_server, run_worker, settings
):
    settings.GUICHET_BASE_URL = "https://guichet.demoville.test"
    settings.GUICHET_PERIODIC_TASKS = []
    case = submit(procedure_a)
    actions.transition_case(case=case, transition="start_now", actor=agent_a)
    run_worker()
    assert not SatisfactionSurvey.objects.exists()  # not closed yet
    smtp_server.messages.clear()

    actions.transition_case(case=case, transition="close", actor=agent_a)
    run_worker()
    [invitation] = [m for m in smtp_server.messages if "votre avis" in m["subject"]]
    assert invitation["to"] == ["alice@example.test"]
    assert invitation["subject"].strip() == (
        f"{case.reference} : votre avis sur le traitement de votre demande"
    )
    assert "valable 60 jours" in invitation["body"]
    url = link_in(invitation["body"])
    assert url.startswith("https://guichet.demoville.test/avis/")

    # Reopened and closed again: no second invitation.
    case.refresh_from_db()
    actions.transition_case(case=case, transition="reopen", actor=supervisor)
    case.refresh_from_db()
    actions.transition_case(case=case, transition="accept", actor=agent_a)
    run_worker()
    invitations = [m for m in smtp_server.messages if "votre avis" in m["subject"]]
    assert len(invitations) == 1
    assert SatisfactionSurvey.objects.count() == 1


@pytest.mark.django_db
def test_open_survey_asks_once_and_only_with_an_address(procedure_a):
    case = submit(procedure_a)
    assert open_survey(case=case) is not None
    assert open_survey(case=case) is None
    silent = submit(procedure_a, contact_email="", contact_phone="06 12 34 56 78")
    assert open_survey(case=silent) is None


@pytest.fixture
def survey(case_a):
    return open_survey(case=case_a)


def test_the_citizen_rates_without_logging_in(client, survey):
    token = survey_token(survey)
    url = reverse("portal:satisfaction", args=[token])
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "<legend>Votre note" in html
    assert html.count('type="radio" name="rating"') == 5

    # No rating: a clear error next to the field, and the comment kept.
    page = client.post(url, {"comment": "Rapide et clair."})
    assert page.status_code == 400
    assert "Choisissez une note de 1 à 5." in page.content.decode()
    assert "Rapide et clair." in page.content.decode()

    done = client.post(url, {"rating": "4", "comment": "Rapide et clair."})
    assert done.status_code == 303
    assert done["Location"] == reverse("portal:satisfaction_thanks", args=[token])
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (4, "Rapide et clair.")
    thanks = client.get(done["Location"])
    assert "Votre note, 4 sur 5, est enregistrée." in thanks.content.decode()

    # Answering again says so, and replaces the answer.
    again = client.get(url).content.decode()
    assert "Vous avez déjà répondu le" in again
    assert re.search(r'<input type="radio" name="rating" value="4"[^>]* checked>', again)
    client.post(url, {"rating": "2", "comment": ""})
    survey.refresh_from_db()
    assert (survey.rating, survey.comment) == (2, "")
    assert SatisfactionSurvey.objects.count() == 1


def test_a_rating_out_of_range_is_refused(client, survey):
    url = reverse("portal:satisfaction", args=[survey_token(survey)])
    assert client.post(url, {"rating": "9"}).status_code == 400
    survey.refresh_from_db()
    assert survey.rating is None


def test_a_tampered_link_gets_a_clear_400(client, survey):
    token = survey_token(survey)
    forged = signing.dumps(survey.pk + 1, salt="another")  # not signed for surveys
    for bad in (token[:-2] + "xx", forged, "nimportequoi"):
        page = client.get(reverse("portal:satisfaction", args=[bad]))
        assert page.status_code == 400
        assert "Ce lien ne fonctionne pas" in page.content.decode()
        posted = client.post(reverse("portal:satisfaction", args=[bad]), {"rating": "5"})
        assert posted.status_code == 400
    survey.refresh_from_db()
    assert survey.rating is None


def test_an_expired_link_gets_a_clear_410(client, survey, monkeypatch):
    sixty_one_days_ago = time.time() - datetime.timedelta(days=61).total_seconds()
    monkeypatch.setattr(signing.time, "time", lambda: sixty_one_days_ago)
    token = survey_token(survey)
    monkeypatch.undo()
    page = client.get(reverse("portal:satisfaction", args=[token]))
    assert page.status_code == 410
    assert "Ce lien a expiré" in page.content.decode()
    assert client.get(reverse("portal:satisfaction_thanks", args=[token])).status_code == 410


def test_another_organizations_portal_refuses_the_link(client, survey, other_org):
    url = reverse("portal:satisfaction", args=[survey_token(survey)])
    assert client.get(url, HTTP_HOST="villeneuve.test").status_code == 400
