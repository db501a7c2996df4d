"""The back office's pages make the same number of queries whatever the amount of data."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.cases import actions
from guichet.conftest import submit

pytestmark = pytest.mark.django_db


def test_the_inbox_query_count_does_not_grow_with_the_cases(
    client, administrator, procedure_a, procedure_b, django_assert_max_num_queries
):
    for _ in range(5):
        submit(procedure_a)
    client.force_login(administrator)
    with django_assert_max_num_queries(50) as few:
        client.get(reverse("backoffice:inbox"))
    baseline = len(few.captured_queries)
    for index in range(60):
        case = submit(procedure_a if index % 2 else procedure_b)
        if index % 3 == 0:
            actions.assign_case(case=case, assignee=administrator, actor=administrator)
    with django_assert_max_num_queries(baseline):
        response = client.get(reverse("backoffice:inbox"))
    assert len(response.context["page_obj"]) == 50


def test_the_case_page_query_count_does_not_grow_with_its_history(
    client, agent_a, supervisor, procedure_a, django_assert_max_num_queries
):
    case = submit(procedure_a)
    client.force_login(agent_a)
    page = reverse("backoffice:case", args=[case.reference])
    actions.assign_case(case=case, assignee=agent_a, actor=agent_a)
    actions.add_internal_note(case=case, body="Première note", actor=agent_a)
    actions.post_message(case=case, body="Bonjour", from_citizen=False, author=agent_a)
    with django_assert_max_num_queries(50) as few:
        assert client.get(page).status_code == 200
    baseline = len(few.captured_queries)

    case = actions.transition_case(case=case, transition="start_now", actor=agent_a)
    for index in range(20):
        actions.add_internal_note(case=case, body=f"Note {index}", actor=supervisor)
        actions.assign_case(
            case=case, assignee=supervisor if index % 2 else agent_a, actor=supervisor
        )
        upload = SimpleUploadedFile(
            f"piece-{index}.pdf", b"%PDF-1.4", content_type="application/pdf"
        )
        actions.post_message(
            case=case,
            body=f"Message {index}",
            from_citizen=bool(index % 2),
            files=[upload],
            author=None if index % 2 else agent_a,
        )
        if index % 2 == 0:
            case = actions.transition_case(
                case=case, transition="ask", actor=agent_a, comment="Pouvez-vous préciser ?"
            )
        # On odd turns the citizen's message answers the question: the case resumes by
        # itself (the workflow's transition for the citizen's reply).
    # The first visit records that the service read the citizen's 10 messages (one UPDATE,
    # bounded whatever their number: test_read_receipts.py); the next ones read only.
    with django_assert_max_num_queries(baseline + 4):
        client.get(page)
    with django_assert_max_num_queries(baseline) as many:
        response = client.get(page)
    assert response.status_code == 200
    assert "Message 19" in response.text and "piece-19.pdf" in response.text
    assert len(many.captured_queries) <= baseline
