"""Administrators set up the appointments from the back office: agendas, meeting types,
counters with their weekly hours; deactivation, and deletion while nothing was booked."""

import datetime

import pytest
from django.urls import reverse

from guichet.appointments.actions import book_appointment
from guichet.appointments.availability import free_slots_for
from guichet.appointments.models import Agenda, Counter, MeetingType
from guichet.appointments.setup import save_agenda, save_counter, save_meeting_type
from guichet.catalog.models import Procedure
from guichet.conftest import make_member
from guichet.organization.models import AdminLogEntry, Place, Role

from .conftest import WEEKDAYS, booking_day, local

pytestmark = pytest.mark.django_db

LIST = "/backoffice/organisation/agendas/"
CREATE = "/backoffice/organisation/agendas/nouveau/"


def agenda_data(service, place, **changes):
    data = {
        "name": "Titres d'identité",
        "service": getattr(service, "pk", service),
        "place": getattr(place, "pk", place),
        "min_delay_hours": "0",
        "max_delay_days": "60",
        "buffer_minutes": "0",
    }
    data.update(changes)
    return data


def type_data(**changes):
    data = {
        "name": "Passeport",
        "duration_minutes": "30",
        "capacity": "1",
        "max_people": "3",
        "documents": "Ancien passeport\nPhoto d'identité",
        "one_per_person": "on",
    }
    data.update(changes)
    return data


def counter_data(**changes):
    data = {"name": "Guichet 1", "agent": ""}
    data.update(changes)
    return data


def week_times(client, meeting_type, day) -> str:
    monday = day - datetime.timedelta(days=day.weekday())
    url = reverse("portal:appointment_week", args=[meeting_type.pk])
    return client.get(url, {"semaine": monday.isoformat()}).text


def start_link(day, hhmm) -> str:
    return "?debut=" + local(day, hhmm).isoformat().replace(":", "%3A").replace("+", "%2B")


def test_an_agenda_built_in_the_back_office_is_offered_on_the_portal(
    client, administrator, service_a, town_hall
):
    client.force_login(administrator)
    created = client.post(CREATE, agenda_data(service_a, town_hall))
    assert created.status_code == 303
    agenda = Agenda.objects.get()
    assert (agenda.service, agenda.place, agenda.min_delay_hours) == (service_a, town_hall, 0)
    page = client.get(created.url).text
    assert "aucun type de rendez-vous actif" in page and "aucun guichet actif" in page

    added = client.post(f"{created.url}types/nouveau/", type_data())
    assert added.status_code == 303 and added.url.endswith("#meeting-types-title")
    passport = MeetingType.objects.get()
    assert (passport.duration_minutes, passport.max_people, passport.one_per_person) == (
        30,
        3,
        True,
    )
    # Every weekday from 9 to 11 only, within the town hall's 9-12 and 14-17.
    hours = {f"hours_{day}": "9h-11h" for day in range(5)}
    desk = client.post(f"{created.url}guichets/nouveau/", counter_data(**hours))
    assert desk.status_code == 303
    counter = Counter.objects.get()
    assert counter.hours["0"] == [["09:00", "11:00"]] and counter.hours["5"] == []
    assert "Les habitants réservent cet agenda en ligne" in client.get(created.url).text

    client.logout()
    day = booking_day()
    assert "Passeport" in client.get(reverse("portal:appointments")).text
    week = week_times(client, passport, day)
    assert start_link(day, "09:00") in week and start_link(day, "10:30") in week
    assert start_link(day, "11:00") not in week and start_link(day, "14:00") not in week
    actions = set(AdminLogEntry.objects.values_list("action", flat=True))
    assert actions == {"agenda_created", "meeting_type_created", "counter_created"}


def test_a_counter_without_hours_follows_the_place_and_edits_keep_what_was_typed(
    client, administrator, agenda, passport, counter
):
    client.force_login(administrator)
    url = f"{LIST}{agenda.pk}/guichets/{counter.pk}/"
    page = client.get(url).text
    assert "Le lieu : 09:00–12:00, 14:00–17:00." in page and "Le lieu est fermé." in page
    response = client.post(url, counter_data(name="Guichet A", hours_1="14h-16h, 9h-10h"))
    assert response.status_code == 303
    counter.refresh_from_db()
    assert counter.hours["1"] == [["09:00", "10:00"], ["14:00", "16:00"]]
    assert counter.hours["0"] == []  # a day left empty: no appointment that day
    assert 'value="09:00-10:00, 14:00-16:00"' in client.get(url).text
    client.post(url, counter_data(name="Guichet A"))
    counter.refresh_from_db()
    assert counter.hours == {}  # every day empty: the place's hours again
    day = booking_day()
    assert free_slots_for(passport, first_day=day, last_day=day)[0].start == local(day, "09:00")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": " "}, "Ce champ est obligatoire."),
        ({"max_delay_days": "0"}, "Entre 1 et 365 jours."),
        ({"min_delay_hours": "48", "max_delay_days": "2"}, "doit être plus court que le délai"),
        ({"min_delay_hours": "-1"}, "Un nombre d&#x27;heures, 0 ou plus."),
        ({"buffer_minutes": "quinze"}, "Saisissez un nombre entier."),
        ({"buffer_minutes": "500"}, "Entre 0 et 240 minutes."),
    ],
)
def test_bad_agenda_input_is_refused_and_kept(
    client, administrator, service_a, town_hall, changes, message
):
    client.force_login(administrator)
    response = client.post(CREATE, agenda_data(service_a, town_hall, **changes))
    assert response.status_code == 400
    assert message in response.text
    assert "L'agenda n'a pas été enregistré" in response.text
    for value in changes.values():
        if value.strip():
            assert f'value="{value}"' in response.text
    assert not Agenda.objects.exists()


def test_an_agenda_of_another_organizations_service_or_place_is_refused(
    client, administrator, service_a, town_hall, other_org, other_service
):
    theirs = Place.objects.create(organization=other_org, name="Mairie", slug="mairie")
    client.force_login(administrator)
    for service, place in ((other_service, town_hall), (service_a, theirs)):
        response = client.post(CREATE, agenda_data(service, place))
        assert response.status_code == 400
        assert "Sélectionnez un choix valide" in response.text
    with pytest.raises(Exception, match="service de l'organisation"):
        save_agenda(
            organization=town_hall.organization,
            actor=administrator,
            **{
                "name": "X",
                "service": other_service,
                "place": town_hall,
                "min_delay_hours": 0,
                "max_delay_days": 10,
                "buffer_minutes": 0,
                "alsace_moselle": False,
            },
        )


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"duration_minutes": "0"}, "Une durée de 1 à 480 minutes."),
        ({"capacity": "0"}, "De 1 à 50 rendez-vous à la fois."),
        ({"max_people": "21"}, "De 1 à 20 personnes."),
        ({"name": "passeport"}, "Cet agenda a déjà un type de rendez-vous de ce nom."),
    ],
)
def test_bad_meeting_type_input_is_refused_and_kept(
    client, administrator, agenda, passport, changes, message
):
    client.force_login(administrator)
    response = client.post(
        f"{LIST}{agenda.pk}/types/nouveau/", type_data(**{"name": "CNI", **changes})
    )
    assert response.status_code == 400
    assert message in response.text
    assert f'value="{next(iter(changes.values()))}"' in response.text
    assert MeetingType.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"hours_0": "17h-9h"}, "« 17h-9h » finit avant de commencer."),
        ({"hours_0": "9h-11h, 10h-12h"}, "09:00–11:00 et 10:00–12:00 se chevauchent."),
        ({"hours_0": "le matin"}, "« le matin » ne se lit pas"),
        ({"hours_0": "8h-12h"}, "horaires du lieu le lundi (09:00–12:00, 14:00–17:00)."),
        ({"hours_5": "9h-12h"}, "Le lieu est fermé le samedi : aucun créneau n&#x27;y serait"),
        ({"name": "guichet 1"}, "Cet agenda a déjà un guichet de ce nom."),
    ],
)  # fmt: skip
def test_bad_counter_hours_are_refused_and_kept(
    client, administrator, agenda, counter, changes, message
):
    client.force_login(administrator)
    response = client.post(
        f"{LIST}{agenda.pk}/guichets/nouveau/", counter_data(**{"name": "Guichet 2", **changes})
    )
    assert response.status_code == 400
    assert message in response.text
    assert "Le guichet n'a pas été enregistré" in response.text
    typed = next(iter(changes.values()))
    assert f'value="{typed}"' in response.text
    assert Counter.objects.count() == 1


def test_a_counter_is_held_by_an_agent_of_the_agendas_service(
    client, administrator, agenda, agent_a, agent_b
):
    client.force_login(administrator)
    url = f"{LIST}{agenda.pk}/guichets/nouveau/"
    page = client.get(url).text
    assert "agent.a@demoville.test" in page and "agent.b@demoville.test" not in page
    assert client.post(url, counter_data(agent=agent_b.pk)).status_code == 400
    with pytest.raises(Exception, match="agent actif du service Voirie"):
        save_counter(agenda=agenda, actor=None, name="B", agent=agent_b, hours={})
    assert client.post(url, counter_data(agent=agent_a.pk)).status_code == 303
    assert Counter.objects.get().agent == agent_a


def test_the_place_of_an_agenda_with_appointments_to_come_does_not_change(
    client, administrator, org, agenda, passport, counter, service_a
):
    book_appointment(
        meeting_type=passport, start=local(booking_day(), "09:00"), name="A", email="a@ex.test"
    )
    annex = Place.objects.create(organization=org, name="Annexe", slug="annexe", hours=WEEKDAYS)
    client.force_login(administrator)
    response = client.post(f"{LIST}{agenda.pk}/", agenda_data(service_a, annex))
    assert response.status_code == 400
    assert "Un rendez-vous à venir est pris à Hôtel de ville" in response.text
    agenda.refresh_from_db()
    assert agenda.place.name == "Hôtel de ville"


def test_a_booked_agenda_is_deactivated_not_deleted(
    client, administrator, agenda, passport, counter
):
    day = booking_day()
    book_appointment(meeting_type=passport, start=local(day, "09:00"), name="A", email="a@ex.test")
    client.force_login(administrator)
    delete = f"{LIST}{agenda.pk}/supprimer/"
    page = client.get(delete)
    assert page.status_code == 200
    assert "Un rendez-vous y a été pris : la suppression effacerait son historique." in page.text
    assert "Supprimer définitivement" not in page.text
    refused = client.post(delete)
    assert refused.status_code == 409 and "Désactivez plutôt" in refused.text
    assert Agenda.objects.filter(pk=agenda.pk).exists()

    confirm = client.get(f"{LIST}{agenda.pk}/desactiver/")
    assert "Un rendez-vous à venir reste pris" in confirm.text
    assert client.post(f"{LIST}{agenda.pk}/desactiver/").status_code == 303
    agenda.refresh_from_db()
    assert not agenda.is_active
    passport.refresh_from_db()
    assert free_slots_for(passport, first_day=day, last_day=day) == []
    assert "Passeport" not in client.get(reverse("portal:appointments")).text
    assert "L&#x27;agenda est désactivé." in client.get(f"{LIST}{agenda.pk}/").text

    assert client.post(f"{LIST}{agenda.pk}/reactiver/").status_code == 303
    agenda.refresh_from_db()
    assert agenda.is_active
    actions = list(AdminLogEntry.objects.values_list("action", flat=True))
    assert actions == ["agenda_reactivated", "agenda_deactivated"]


def test_a_counter_deactivated_gives_no_slot_the_others_still_do(
    client, administrator, agenda, passport, counter
):
    second = Counter.objects.create(agenda=agenda, name="Guichet 2")
    client.force_login(administrator)
    url = f"{LIST}{agenda.pk}/guichets/{counter.pk}/desactiver/"
    assert "les autres guichets de l'agenda continuent" in client.get(url).text
    assert client.post(url).status_code == 303
    day = booking_day()
    slots = free_slots_for(passport, first_day=day, last_day=day)
    assert slots and {slot.counter_id for slot in slots} == {second.pk}
    # A meeting type deactivated: no slot at all.
    client.post(f"{LIST}{agenda.pk}/types/{passport.pk}/desactiver/")
    passport.refresh_from_db()
    assert not passport.is_active and free_slots_for(passport, first_day=day, last_day=day) == []


def test_an_agenda_never_booked_is_deleted_with_its_types_and_counters(
    client, administrator, agenda, passport, counter
):
    client.force_login(administrator)
    url = f"{LIST}{agenda.pk}/types/{passport.pk}/supprimer/"
    assert "Supprimer définitivement" in client.get(url).text
    assert client.post(url).status_code == 303
    assert not MeetingType.objects.exists()
    page = client.get(f"{LIST}{agenda.pk}/supprimer/")
    assert "Ses types de rendez-vous et ses guichets sont supprimés avec lui." in page.text
    response = client.post(f"{LIST}{agenda.pk}/supprimer/")
    assert response.status_code == 303 and response.url == LIST
    assert not Agenda.objects.exists() and not Counter.objects.exists()
    assert client.get(f"{LIST}{agenda.pk}/").status_code == 404
    assert set(AdminLogEntry.objects.values_list("action", flat=True)) == {
        "meeting_type_deleted",
        "agenda_deleted",
    }


def test_outsiders_get_404_and_agents_403(
    client, org, other_org, agenda, passport, counter, agent_a, supervisor, other_org_agent
):
    pages = [
        f"{LIST}{agenda.pk}/",
        f"{LIST}{agenda.pk}/types/{passport.pk}/",
        f"{LIST}{agenda.pk}/guichets/{counter.pk}/",
        f"{LIST}{agenda.pk}/supprimer/",
    ]
    client.force_login(other_org_agent)
    for url in pages:
        assert client.get(url).status_code == 404, url
    # Another organization's administrator, on their own host: our agenda is not theirs.
    theirs = make_member("admin@villeneuve.test", other_org, Role.ADMINISTRATOR, [])
    client.force_login(theirs)
    assert client.get(LIST, HTTP_HOST="villeneuve.test").status_code == 200
    for url in pages:
        assert client.get(url, HTTP_HOST="villeneuve.test").status_code == 404, url
    assert client.post(pages[-1], HTTP_HOST="villeneuve.test").status_code == 404
    for member in (agent_a, supervisor):
        client.force_login(member)
        assert client.get(LIST).status_code == 403
        for url in pages:
            assert client.get(url).status_code == 403, url
    assert Agenda.objects.filter(pk=agenda.pk).exists()
    # An agenda's meeting type reached through another agenda: 404.
    other = Agenda.objects.create(
        organization=org, service=agenda.service, place=agenda.place, name="Autre"
    )
    client.force_login(make_member("admin2@demoville.test", org, Role.ADMINISTRATOR, []))
    assert client.get(f"{LIST}{other.pk}/types/{passport.pk}/").status_code == 404


def test_the_list_shows_each_agenda_in_bounded_queries(
    client, administrator, org, service_a, service_b, town_hall, django_assert_max_num_queries
):
    for number in range(6):
        agenda = save_agenda(
            organization=org,
            actor=None,
            name=f"Agenda {number}",
            service=service_a if number % 2 else service_b,
            place=town_hall,
            min_delay_hours=0,
            max_delay_days=30,
            buffer_minutes=0,
            alsace_moselle=False,
        )
        save_meeting_type(
            agenda=agenda,
            actor=None,
            name="Rendez-vous",
            duration_minutes=15,
            capacity=1,
            max_people=1,
            documents="",
            one_per_person=True,
        )
        save_counter(agenda=agenda, actor=None, name="Guichet", agent=None, hours={})
    client.force_login(administrator)
    with django_assert_max_num_queries(14):  # whatever the number of agendas
        response = client.get(LIST)
    assert response.status_code == 200
    assert response.text.count("/backoffice/organisation/agendas/") >= 7
    assert "Agenda 5" in response.text


def test_empty_states_say_what_to_do_first(client, administrator, org, service_a):
    client.force_login(administrator)
    page = client.get(LIST).text
    assert "créez d'abord un lieu" in page and "Nouvel agenda" not in page
    Place.objects.create(organization=org, name="Mairie", slug="mairie")
    page = client.get(LIST).text
    assert "Nouvel agenda" in page and "Aucun agenda pour l'instant" in page
    assert "Agendas de rendez-vous" in client.get("/backoffice/organisation/").text


def test_a_meeting_type_a_procedures_form_offers_is_not_deleted(
    client, administrator, org, service_a, agenda, passport, counter
):
    Procedure.objects.create(
        organization=org, service=service_a, title="Demande de passeport", slug="passeport",
        fields=[{"id": "rdv", "type": "slot", "label": "Rendez-vous", "meeting_type": passport.pk}],
    )  # fmt: skip
    client.force_login(administrator)
    for url in (
        f"{LIST}{agenda.pk}/types/{passport.pk}/supprimer/",
        f"{LIST}{agenda.pk}/supprimer/",
    ):
        refused = client.post(url)
        assert refused.status_code == 409
        assert "Le formulaire de la démarche « Demande de passeport » propose ses" in refused.text
    assert MeetingType.objects.filter(pk=passport.pk).exists()
