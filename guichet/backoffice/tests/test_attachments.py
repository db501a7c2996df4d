"""Downloading a case's attachments: after the access check, and only this case's files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.conftest import submit

pytestmark = pytest.mark.django_db

PHOTO = b"\xff\xd8\xff\xe0 a photo of a pothole"


@pytest.fixture
def case_with_photo(procedure_a):
    photo = SimpleUploadedFile("trou.jpg", PHOTO, content_type="image/jpeg")
    return submit(procedure_a, files={"photo": photo})


def download_url(case, attachment):
    return reverse("backoffice:case_attachment", args=[case.reference, attachment.pk])


def test_it_lists_and_serves_the_attachment_to_the_agent(client, agent_a, case_with_photo):
    attachment = case_with_photo.attachments.get()
    client.force_login(agent_a)
    page = client.get(reverse("backoffice:case", args=[case_with_photo.reference])).text
    assert download_url(case_with_photo, attachment) in page and "trou.jpg" in page
    response = client.get(download_url(case_with_photo, attachment))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PHOTO
    assert response["Content-Type"] == "image/jpeg"
    assert "attachment" in response["Content-Disposition"]


def test_it_refuses_the_attachment_to_outsiders(
    client, case_with_photo, agent_b, citizen, other_org_agent
):
    attachment = case_with_photo.attachments.get()
    for outsider in (agent_b, citizen, other_org_agent):
        client.force_login(outsider)
        assert client.get(download_url(case_with_photo, attachment)).status_code == 404
    client.logout()
    assert client.get(download_url(case_with_photo, attachment)).status_code == 302


def test_it_serves_an_attachment_under_its_own_case_only(client, agent_a, case_with_photo, case_a):
    attachment = case_with_photo.attachments.get()
    client.force_login(agent_a)
    assert client.get(download_url(case_a, attachment)).status_code == 404
