"""In a real browser, with the keyboard, at a phone's and a desktop's width: the booking
form's "Recevoir aussi un SMS" waits for a mobile number, then is ticked with the keyboard;
without JavaScript, a landline's error is told next to the box. axe-core on the form."""

import pytest
from playwright.sync_api import expect

from guichet.appointments.models import Appointment
from guichet.conftest import check_accessibility

from .conftest import booking_day, local

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_sms_box_waits_for_a_mobile_and_is_ticked_with_the_keyboard(page, passport, settings):
    settings.GUICHET_SMS_URL = "console:"
    start = local(booking_day(), "10:00")
    page.goto(f"/rendez-vous/{passport.pk}/reserver/?debut={start.isoformat()}".replace("+", "%2B"))
    page.get_by_role("heading", name="Réserver un rendez-vous").wait_for()
    box = page.get_by_role("checkbox", name="Recevoir aussi un SMS")
    expect(box).to_be_disabled()  # no number yet
    check_accessibility(page)

    page.get_by_label("Nom et prénom").fill("Camille Martin")
    page.get_by_label("E-mail").fill("camille@example.test")
    phone = page.get_by_label("Téléphone")
    phone.focus()
    page.keyboard.type("01 23 45 67 89")  # a landline: no SMS
    expect(box).to_be_disabled()
    phone.fill("")
    page.keyboard.type("06 12 34 56 78")
    expect(box).to_be_enabled()
    page.keyboard.press("Tab")
    expect(box).to_be_focused()
    page.keyboard.press("Space")
    expect(box).to_be_checked()
    check_accessibility(page)

    # The number mended into a landline: the box is unticked and waits again; back to a
    # mobile, the choice comes back.
    phone.fill("01 23 45 67 89")
    expect(box).to_be_disabled()
    expect(box).not_to_be_checked()
    phone.fill("07 12 34 56 78")
    expect(box).to_be_checked()

    page.get_by_role("button", name="Confirmer le rendez-vous").focus()
    page.keyboard.press("Enter")
    page.get_by_role("heading", name="Mon rendez-vous").wait_for()
    appointment = Appointment.objects.get()
    assert (appointment.phone, appointment.sms_opt_in) == ("+33712345678", True)


def test_without_javascript_a_landline_with_the_box_is_told_next_to_it(
    browser, live_server, passport, settings
):
    settings.GUICHET_SMS_URL = "console:"
    for width in (375, 1280):
        context = browser.new_context(
            viewport={"width": width, "height": 900},
            base_url=live_server.url,
            locale="fr-FR",
            java_script_enabled=False,
        )
        page = context.new_page()
        page.set_default_timeout(15000)
        start = local(booking_day(), "10:00")
        page.goto(
            f"/rendez-vous/{passport.pk}/reserver/?debut={start.isoformat()}".replace("+", "%2B")
        )
        page.get_by_label("Nom et prénom").fill("Camille Martin")
        page.get_by_label("E-mail").fill("camille@example.test")
        page.get_by_label("Téléphone").fill("01 23 45 67 89")
        box = page.get_by_role("checkbox", name="Recevoir aussi un SMS")
        expect(box).to_be_enabled()  # without JavaScript the server checks
        box.check()
        page.get_by_role("button", name="Confirmer le rendez-vous").click()
        expect(page.locator("#id_sms_opt_in_error")).to_contain_text(
            "Ce numéro ne peut pas recevoir de SMS"
        )
        expect(page.get_by_label("Nom et prénom")).to_have_value("Camille Martin")
        expect(page.get_by_label("Téléphone")).to_have_value("01 23 45 67 89")
        expect(box).to_be_checked()
        context.close()
    assert not Appointment.objects.exists()
