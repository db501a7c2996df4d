"""An oversized upload is refused as soon as its size is known, with a clear 413 page that
keeps the draft, instead of the whole body being read."""

import pytest
from django.test import Client

from guichet.cases.models import Case, Draft

from .walk import post_steps

pytestmark = pytest.mark.django_db

ANSWERS = {"answer-kind": "Éclairage", "answer-description": "Le lampadaire est éteint."}


class WatchedBody:
    """A request body that records every attempt to read it."""

    def __init__(self):
        self.reads = 0

    def read(self, *args):
        self.reads += 1
        return b"--XYZ\r\n"

    readline = read


def test_a_body_larger_than_the_limit_is_refused_before_it_is_read(client, procedure_a, settings):
    settings.GUICHET_MAX_REQUEST_SIZE = 1000
    summary = post_steps(client, "signaler-voirie", [ANSWERS])
    body = WatchedBody()
    response = client.generic(
        "POST",
        summary,
        CONTENT_TYPE="multipart/form-data; boundary=XYZ",
        CONTENT_LENGTH="300000000",
        **{"wsgi.input": body},
    )
    assert body.reads == 0
    assert response.status_code == 413
    html = response.content.decode()
    assert "trop volumineux" in html
    assert summary in html  # back to the form, whose draft is kept
    assert Draft.objects.count() == 1 and not Case.objects.exists()


def test_a_file_larger_than_the_limit_stops_the_upload(client, procedure_a, settings):
    settings.GUICHET_MAX_UPLOAD_SIZE = 1000
    summary = post_steps(client, "signaler-voirie", [ANSWERS])
    big = b"%PDF-1.4" + b"x" * 5000
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        summary,
        {"action": "submit", "answer-photo": SimpleUploadedFile("plan.pdf", big)},
    )
    assert response.status_code == 413
    assert not Case.objects.exists()
    assert Draft.objects.count() == 1


def test_a_normal_post_is_not_affected(procedure_a):
    client = Client()
    summary = post_steps(client, "signaler-voirie", [ANSWERS])
    assert client.post(summary, {"action": "submit"}).status_code == 303
