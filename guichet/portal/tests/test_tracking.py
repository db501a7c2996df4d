import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from guichet.cases import actions
from guichet.cases.models import Message
from guichet.catalog.models import ProcedureVersion
from guichet.conftest import image_bytes, submit

pytestmark = pytest.mark.django_db


def track_url(case):
    return f"/suivi/{case.tracking_code}/"


# --- Look-up -------------------------------------------------------------------------------


def test_it_shows_the_lookup_form(client, org):
    response = client.get("/suivi/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_reference">' in html
    assert '<label for="id_code">' in html


def test_it_finds_a_case_by_reference_and_code_as_typed(client, case_a):
    response = client.post(
        "/suivi/",
        {
            "reference": f" {case_a.reference.lower()} ",
            "code": case_a.formatted_tracking_code.lower(),
        },
    )
    assert response.status_code == 303
    assert response["Location"] == track_url(case_a)


@pytest.mark.parametrize("wrong", ["code", "reference"])
def test_it_does_not_say_which_part_is_wrong(client, case_a, case_b, wrong):
    data = {"reference": case_a.reference, "code": case_a.tracking_code}
    data[wrong] = {"code": case_b.tracking_code, "reference": case_b.reference}[wrong]
    response = client.post("/suivi/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "Référence ou code de suivi incorrect." in html
    assert 'role="alert"' in html
    assert case_a.procedure.title not in html
    assert "no-store" in response["Cache-Control"]


def test_it_does_not_find_a_case_of_another_organization(client, case_a, other_org):
    data = {"reference": case_a.reference, "code": case_a.tracking_code}
    response = client.post("/suivi/", data, HTTP_HOST="villeneuve.test")
    assert response.status_code == 400


def test_it_limits_the_lookups_per_client_address(client, case_a, settings):
    settings.GUICHET_TRACKING_RATE_LIMIT = 3
    wrong = {"reference": case_a.reference, "code": "0000-0000-0000-0000"}
    for _attempt in range(3):
        assert client.post("/suivi/", wrong).status_code == 400
    right = {"reference": case_a.reference, "code": case_a.tracking_code}
    response = client.post("/suivi/", right)
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert response["Retry-After"] == "600"
    # Another address is not held back.
    assert client.post("/suivi/", right, REMOTE_ADDR="192.0.2.7").status_code == 303


def test_the_direct_address_limits_guessed_codes_per_client_address(client, case_a, settings):
    settings.GUICHET_TRACKING_RATE_LIMIT = 3
    for attempt in range(3):
        assert client.get(f"/suivi/0000-0000-000{attempt}/").status_code == 404
    for address in ("/suivi/0000-0000-0009/", track_url(case_a)):
        response = client.get(address)
        assert response.status_code == 429
        html = response.content.decode()
        assert "Trop de tentatives" in html and 'role="alert"' in html
        assert case_a.procedure.title not in html
        assert response["Retry-After"] == "600"
    # The attachments' addresses too.
    assert client.get(f"{track_url(case_a)}pieces/1/").status_code == 429
    # Another address is not held back.
    assert client.get(track_url(case_a), REMOTE_ADDR="192.0.2.7").status_code == 200


def test_the_direct_address_shares_the_forms_counter(client, case_a, settings):
    settings.GUICHET_TRACKING_RATE_LIMIT = 3
    wrong = {"reference": case_a.reference, "code": "0000-0000-0000-0000"}
    for _attempt in range(3):
        assert client.post("/suivi/", wrong).status_code == 400
    assert client.get("/suivi/0000-0000-0009/").status_code == 429


def test_the_direct_address_does_not_count_the_right_code(client, case_a, settings):
    settings.GUICHET_TRACKING_RATE_LIMIT = 3
    for _visit in range(5):
        assert client.get(track_url(case_a)).status_code == 200


def test_the_limit_page_is_in_english_too(client, case_a, settings):
    settings.GUICHET_TRACKING_RATE_LIMIT = 0
    client.cookies["django_language"] = "en"
    response = client.get(track_url(case_a), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert "Too many attempts" in response.content.decode()


# --- The tracking page ---------------------------------------------------------------------


def test_it_shows_the_case_and_its_public_history(client, case_a, agent_a):
    actions.transition_case(case=case_a, transition="receive", actor=agent_a)
    actions.transition_case(
        case=case_a, transition="start", actor=agent_a, comment="Une équipe passe jeudi."
    )
    actions.assign_case(case=case_a, assignee=agent_a, actor=agent_a)
    actions.add_internal_note(case=case_a, body="Secret : riverain procédurier.", actor=agent_a)
    actions.post_message(
        case=case_a, body="Pouvez-vous préciser le numéro ?", from_citizen=False, author=agent_a
    )
    response = client.get(track_url(case_a))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Signaler un problème sur la voirie" in html
    assert case_a.reference in html
    assert '<span class="badge badge-open">En cours de traitement</span>' in html
    assert "Demande déposée" in html
    assert "Reçue" in html
    assert "Une équipe passe jeudi." in html
    assert "Nid-de-poule" in html and "Un trou devant le 12." in html
    assert "Pouvez-vous préciser le numéro ?" in html
    assert "Service Voirie" in html
    assert "Secret : riverain procédurier." not in html
    assert "Anne" not in html and "agent.a@demoville.test" not in html


def test_it_says_the_deadline_is_paused_while_waiting_for_the_citizen(client, case_a):
    # A procedure with a deadline of its own: the due date is promised to the citizen.
    ProcedureVersion.objects.filter(pk=case_a.version_id).update(deadline={"days": 15})
    assert "Réponse attendue au plus tard le" in client.get(track_url(case_a)).content.decode()
    for transition in ("receive", "start"):
        actions.transition_case(case=case_a, transition=transition, actor=None)
    actions.transition_case(case=case_a, transition="ask", actor=None, comment="Une photo ?")
    html = client.get(track_url(case_a)).content.decode()
    assert "Suspendu en attendant votre réponse" in html
    assert "Réponse attendue au plus tard le" not in html
    actions.transition_case(case=case_a, transition="resume", actor=None)
    assert "Réponse attendue au plus tard le" in client.get(track_url(case_a)).content.decode()


def test_it_marks_the_tracking_page_private(client, case_a):
    response = client.get(track_url(case_a))
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_it_redirects_a_code_typed_another_way_to_the_page_of_the_case(client, case_a):
    response = client.get(f"/suivi/{case_a.formatted_tracking_code.lower()}/")
    assert response.status_code == 302
    assert response["Location"] == track_url(case_a)


def test_it_refuses_an_unknown_code(client, case_a):
    assert client.get("/suivi/0000000000000000/").status_code == 404
    assert client.get("/suivi/abc/").status_code == 404


def test_it_does_not_show_a_case_of_another_organization(client, org, other_procedure):
    case = submit(other_procedure, data={"kind": "Éclairage", "description": "Rue noire."})
    assert client.get(track_url(case)).status_code == 404
    assert client.get(f"/o/demoville{track_url(case)}").status_code == 404
    assert client.get(track_url(case), HTTP_HOST="villeneuve.test").status_code == 200


def test_it_sends_the_citizens_message(client, case_a):
    document = SimpleUploadedFile("plan.pdf", b"%PDF-1.4 plan", "application/pdf")
    response = client.post(
        track_url(case_a), {"body": "Le trou s'agrandit.", "attachment": document}
    )
    assert response.status_code == 303
    assert response["Location"] == track_url(case_a)
    message = Message.objects.get()
    assert (message.case, message.from_citizen, message.author) == (case_a, True, None)
    assert message.body == "Le trou s'agrandit."
    assert message.attachments.get().original_name == "plan.pdf"
    html = client.get(track_url(case_a)).content.decode()
    assert "Votre message a été envoyé au service." in html
    assert "Le trou s&#x27;agrandit." in html
    assert "plan.pdf" in html


def test_it_records_the_signed_in_citizen_as_author(client, case_a, citizen):
    client.force_login(citizen)
    response = client.post(track_url(case_a), {"body": "Merci."})
    assert response.status_code == 303
    assert Message.objects.get().author == citizen


@pytest.mark.parametrize(
    "data",
    [
        {"body": "   "},
        {"body": "x" * 10001},
        {"body": "Voici", "attachment": SimpleUploadedFile("virus.exe", b"MZ", "text/plain")},
    ],
    ids=["empty", "too-long", "program"],
)
def test_it_refuses_a_bad_message(client, case_a, data):
    response = client.post(track_url(case_a), data)
    assert response.status_code == 400
    assert not Message.objects.exists()
    assert 'role="alert"' in response.content.decode()


def test_it_runs_a_bounded_number_of_queries(
    client, case_a, agent_a, django_assert_max_num_queries
):
    actions.transition_case(case=case_a, transition="start_now", actor=agent_a, comment="Vu.")
    for number in range(30):
        actions.post_message(
            case=case_a,
            body=f"Message {number}",
            from_citizen=number % 2 == 0,
            author=None if number % 2 == 0 else agent_a,
            files=[SimpleUploadedFile(f"piece-{number}.pdf", b"%PDF-1.4", "application/pdf")],
        )
    # 6 to read the page, 3 to mark the service's 15 messages read (one UPDATE in its
    # transaction): constant, whatever the length of the exchange.
    with django_assert_max_num_queries(9):
        response = client.get(track_url(case_a))
    html = response.content.decode()
    assert "Message 29" in html and "piece-29.pdf" in html
    assert not case_a.messages.filter(from_citizen=False, read_at=None).exists()


# --- Attachments ---------------------------------------------------------------------------


def test_it_downloads_an_attachment_of_the_case(client, procedure_a):
    photo = SimpleUploadedFile("trou.jpg", image_bytes("JPEG"), "image/jpeg")
    case = submit(procedure_a, files={"photo": photo})
    attachment = case.attachments.get()
    html = client.get(track_url(case)).content.decode()
    url = f"/suivi/{case.tracking_code}/pieces/{attachment.pk}/"
    assert f'href="{url}"' in html
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="trou.jpg"'
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
    response.close()
    assert "no-store" in response["Cache-Control"]


def test_it_refuses_an_attachment_of_another_case(client, procedure_a):
    case = submit(procedure_a)
    other = submit(
        procedure_a,
        files={"photo": SimpleUploadedFile("autre.jpg", image_bytes("JPEG"), "image/jpeg")},
    )
    attachment = other.attachments.get()
    assert client.get(f"/suivi/{case.tracking_code}/pieces/{attachment.pk}/").status_code == 404
    response = client.get(f"/suivi/{other.tracking_code}/pieces/{attachment.pk}/")
    assert response.status_code == 200
    response.close()


def test_someone_else_signed_in_writes_through_the_code_unnamed(
    client, procedure_a, citizen, other_citizen
):
    case = submit(procedure_a, citizen=citizen)
    client.force_login(other_citizen)  # holds the code, not the citizen's mandate
    response = client.post(track_url(case), {"body": "Je transmets pour ma voisine."})
    assert response.status_code == 303
    message = Message.objects.get()
    assert message.author is None and message.from_citizen
