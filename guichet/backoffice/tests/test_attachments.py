"""Downloading a case's attachments: after the access check, and only this case's files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from guichet.conftest import image_bytes, submit

pytestmark = pytest.mark.django_db

PHOTO = image_bytes("JPEG")


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
    # Re-encoded on upload (its metadata left behind): a JPEG still.
    assert b"".join(response.streaming_content).startswith(b"\xff\xd8\xff")
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


def test_sizes_read_as_people_write_them(client, agent_a, case_with_photo):
    from guichet.cases.models import Attachment

    assert Attachment(size=1536).readable_size == "1,5 Ko"
    assert Attachment(size=10 * 1024 * 1024).readable_size == "10 Mo"
    client.force_login(agent_a)
    page = client.get(reverse("backoffice:case", args=[case_with_photo.reference])).text
    size = case_with_photo.attachments.get().size
    assert f"({size} octets" in page
    assert "Kio" not in page and "Mio" not in page
