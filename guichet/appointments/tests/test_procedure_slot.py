"""A "choose a slot" item in a procedure's form: the portal's step lists the free slots as
radio buttons (no JavaScript), the slot is booked with the filing, in its transaction, and
linked to the case; a slot taken meanwhile sends the citizen back to choose another, with
every answer kept. The agent sees the appointment on the case page."""

import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from guichet.appointments.actions import book_appointment
from guichet.appointments.models import Appointment
from guichet.cases.models import Case, Draft
from guichet.catalog.formschema import validate_fields
from guichet.catalog.models import Procedure, Theme
from guichet.conftest import published
from guichet.notify.models import OutgoingEmail
from guichet.portal.tests.walk import CONTACT, post_steps

from .conftest import booking_day, local

pytestmark = pytest.mark.django_db


@pytest.fixture
def passport_request(org, service_a, passport):
    return published(
        Procedure.objects.create(
            organization=org, service=service_a, title="Demande de passeport",
            slug="passeport", theme=Theme.CIVIL_STATUS, processing_days=15,
            fields=[
                {"id": "pour", "type": "text", "label": "Pour qui ?", "required": True},
                {"id": "rdv", "type": "slot", "label": "Votre rendez-vous", "required": True,
                 "meeting_type": passport.pk},
            ],
        )
    )  # fmt: skip


def test_the_step_lists_the_free_slots_as_radio_buttons(client, passport_request):
    html = client.get("/demarches/passeport/").text
    values = re.findall(r'type="radio" name="answer-rdv" value="([^"]+)"', html)
    assert values, html
    now = timezone.now()
    assert all(timezone.datetime.fromisoformat(value) > now for value in values)
    assert len(values) == 40  # the next ones, not the whole agenda
    assert "Votre rendez-vous" in html


def test_the_slot_is_booked_with_the_filing_and_shown_to_the_agent(
    client, passport_request, passport, agent_a
):
    start = local(booking_day(), "10:00")
    answers = {"answer-pour": "Moi", "answer-rdv": start.isoformat()}
    summary = post_steps(client, "passeport", [answers])
    page = client.get(summary).text
    assert "Votre rendez-vous" in page and "10:00" in page
    response = client.post(summary, {"action": "submit"})
    assert response.status_code == 303, response.text
    case = Case.objects.get()
    appointment = Appointment.objects.get()
    assert (appointment.case, appointment.start, appointment.email) == (
        case, start, CONTACT["contact_email"],
    )  # fmt: skip
    assert OutgoingEmail.objects.filter(subject="Rendez-vous confirmé : Passeport").exists()
    client.force_login(agent_a)
    case_page = client.get(f"/backoffice/demandes/{case.reference}/").text
    assert 'id="appointments-title"' in case_page and "Passeport, " in case_page
    day_page = client.get(f"/backoffice/rendez-vous/?jour={start.date().isoformat()}").text
    assert case.reference in day_page


def test_a_slot_taken_meanwhile_sends_back_to_choose_another(client, passport_request, passport):
    start = local(booking_day(), "10:00")
    answers = {"answer-pour": "Ma fille", "answer-rdv": start.isoformat()}
    summary = post_steps(client, "passeport", [answers])
    book_appointment(meeting_type=passport, start=start, name="Autre", email="o@ex.test")
    response = client.post(summary, {"action": "submit"}, follow=True)
    assert not Case.objects.exists()
    draft = Draft.objects.get()
    assert response.redirect_chain[-1][0].endswith(f"/brouillon/{draft.token}/etape/1/")
    step = response.text
    assert "plus libre" in step, step
    assert 'value="Ma fille"' in step
    assert f'value="{start.isoformat()}"' not in step  # gone from the choices
    other = re.findall(r'name="answer-rdv" value="([^"]+)"', step)[0]
    client.post(response.redirect_chain[-1][0], {**answers, "answer-rdv": other, "action": "next"})
    contact_step = summary.replace("recapitulatif", "etape/2")
    assert client.post(contact_step, {**CONTACT, "action": "next"}).status_code == 303
    assert client.post(summary, {"action": "submit"}).status_code == 303
    booked = Appointment.objects.get(case=Case.objects.get()).start
    assert booked == timezone.datetime.fromisoformat(other)


def test_a_booking_refused_at_filing_undoes_the_filing(client, passport_request, passport):
    # Free when judged, refused when booked (one appointment to come per person): the
    # filing is undone with it, the draft kept.
    day = booking_day()
    book_appointment(
        meeting_type=passport, start=local(day, "09:00"), name="Zoé",
        email=CONTACT["contact_email"],
    )  # fmt: skip
    summary = post_steps(
        client, "passeport", [{"answer-pour": "Moi", "answer-rdv": local(day, "11:00").isoformat()}]
    )
    response = client.post(summary, {"action": "submit"})
    assert response.status_code == 400
    assert "déjà un rendez-vous à venir" in response.text
    assert not Case.objects.exists() and Draft.objects.exists()
    assert Appointment.objects.count() == 1


def test_a_slot_item_needs_its_meeting_type():
    with pytest.raises(ValidationError, match="meeting_type"):
        validate_fields([{"id": "rdv", "type": "slot", "label": "Rendez-vous"}])
    validate_fields([{"id": "rdv", "type": "slot", "label": "Rendez-vous", "meeting_type": 3}])
