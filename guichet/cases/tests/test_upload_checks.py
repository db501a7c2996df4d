"""Uploads are judged by their content, not their name: the type is detected from the
bytes, images are re-encoded without their metadata, files are scanned by clamd when one is
configured, and downloads are served with the type we detected."""

import io
import socket
import struct
import threading

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import ExifTags, Image

from guichet.cases import actions
from guichet.cases.models import Attachment, Case
from guichet.conftest import image_bytes, submit

pytestmark = pytest.mark.django_db

WINDOWS_PROGRAM = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>'
EICAR = rb"X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"


def upload(name, content, declared="application/octet-stream"):
    return SimpleUploadedFile(name, content, declared)


def test_a_program_renamed_pdf_is_refused(procedure_a):
    with pytest.raises(ValidationError) as caught:
        submit(
            procedure_a, files={"photo": upload("facture.pdf", WINDOWS_PROGRAM, "application/pdf")}
        )
    assert "photo" in caught.value.message_dict
    assert "ne correspond pas" in caught.value.message_dict["photo"][0]
    assert not Case.objects.exists()


def test_an_svg_renamed_png_is_refused(procedure_a):
    with pytest.raises(ValidationError) as caught:
        submit(procedure_a, files={"photo": upload("rue.png", SVG, "image/png")})
    assert "photo" in caught.value.message_dict
    assert not Case.objects.exists()


def test_a_png_named_jpg_is_refused(procedure_a):
    with pytest.raises(ValidationError):
        submit(procedure_a, files={"photo": upload("rue.jpg", image_bytes("PNG"), "image/jpeg")})


def test_a_program_sent_with_a_message_is_refused(case_a):
    with pytest.raises(ValidationError):
        actions.post_message(
            case=case_a,
            body="Voici",
            from_citizen=True,
            files=[upload("plan.pdf", WINDOWS_PROGRAM, "application/pdf")],
        )
    assert not case_a.messages.exists()


def test_the_type_stored_is_the_one_detected_not_the_declared_one(procedure_a):
    case = submit(procedure_a, files={"photo": upload("rue.png", image_bytes("PNG"), "text/html")})
    assert case.attachments.get().content_type == "image/png"


@pytest.mark.parametrize(
    ("name", "fmt", "mime"),
    [
        ("rue.jpg", "JPEG", "image/jpeg"),
        ("rue.png", "PNG", "image/png"),
        ("rue.webp", "WEBP", "image/webp"),
    ],
)
def test_images_are_reencoded_without_their_metadata(procedure_a, name, fmt, mime):
    original = image_bytes(fmt, gps=True)
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(ExifTags.IFD.GPSInfo)
    case = submit(procedure_a, files={"photo": upload(name, original, mime)})
    attachment = case.attachments.get()
    with attachment.file.open("rb") as handle:
        stored = handle.read()
    assert stored != original
    image = Image.open(io.BytesIO(stored))
    assert image.format == fmt and image.size == (8, 8)
    exif = image.getexif()
    assert not exif.get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in exif
    assert attachment.size == len(stored)
    assert attachment.content_type == mime


def test_a_phone_cameras_multi_picture_jpeg_is_accepted_as_a_plain_jpeg(procedure_a):
    first, second = Image.new("RGB", (8, 8), "red"), Image.new("RGB", (8, 8), "blue")
    buffer = io.BytesIO()
    first.save(buffer, "MPO", save_all=True, append_images=[second])
    assert Image.open(io.BytesIO(buffer.getvalue())).format == "MPO"
    case = submit(procedure_a, files={"photo": upload("rue.jpg", buffer.getvalue())})
    with case.attachments.get().file.open("rb") as handle:
        assert Image.open(io.BytesIO(handle.read())).format == "JPEG"


def test_a_broken_image_is_refused(procedure_a):
    truncated = image_bytes("PNG", size=(64, 64))[:60]
    with pytest.raises(ValidationError):
        submit(procedure_a, files={"photo": upload("rue.png", truncated, "image/png")})


def test_office_documents_are_checked_by_their_content(case_a):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    actions.post_message(
        case=case_a,
        body="Le courrier",
        from_citizen=True,
        files=[upload("lettre.odt", buffer.getvalue())],
    )
    assert case_a.attachments.get().content_type == "application/vnd.oasis.opendocument.text"
    with pytest.raises(ValidationError):
        actions.post_message(
            case=case_a,
            body="Autre",
            from_citizen=True,
            files=[upload("lettre.docx", buffer.getvalue())],
        )


# --- Downloads ---------------------------------------------------------------------------


def test_downloads_are_served_with_the_detected_type(client, procedure_a, agent_a):
    case = submit(procedure_a, files={"photo": upload("rue.png", image_bytes("PNG"), "text/html")})
    attachment = case.attachments.get()
    urls = [
        reverse("portal:attachment", args=[case.tracking_code, attachment.pk]),
        reverse("backoffice:case_attachment", args=[case.reference, attachment.pk]),
    ]
    client.force_login(agent_a)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == "image/png"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment")
        # Read whole, the response is closed (by the test client, as a server would).
        assert b"".join(response.streaming_content).startswith(b"\x89PNG")


def test_an_old_attachment_with_a_declared_type_is_served_as_bytes(client, procedure_a, agent_a):
    case = submit(procedure_a, files={"photo": upload("rue.png", image_bytes("PNG"), "image/png")})
    # Stored before types were detected: the type the uploader declared.
    Attachment.objects.filter(case=case).update(content_type="text/html")
    attachment = case.attachments.get()
    client.force_login(agent_a)
    response = client.get(
        reverse("backoffice:case_attachment", args=[case.reference, attachment.pk])
    )
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    response = client.get(reverse("portal:attachment", args=[case.tracking_code, attachment.pk]))
    assert response["Content-Type"] == "application/octet-stream"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")


# --- Antivirus (clamd) --------------------------------------------------------------------


class FakeClamd:
    """A real TCP server speaking clamd's INSTREAM protocol: it reads the chunks and answers
    FOUND when the stream holds the EICAR test signature."""

    def __init__(self, path=None):
        if path is None:
            self.sock = socket.socket()
            self.sock.bind(("127.0.0.1", 0))
            self.address = f"127.0.0.1:{self.sock.getsockname()[1]}"
        else:
            self.sock = socket.socket(socket.AF_UNIX)
            self.sock.bind(str(path))
            self.address = str(path)
        self.sock.listen()
        self.received = []
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        while True:
            try:
                connection, _address = self.sock.accept()
            except OSError:
                return
            with connection:
                command = b""
                while not command.endswith(b"\0"):
                    command += connection.recv(1)
                assert command == b"zINSTREAM\0"
                data = b""
                while True:
                    size = struct.unpack(">I", self._read(connection, 4))[0]
                    if size == 0:
                        break
                    data += self._read(connection, size)
                self.received.append(data)
                if EICAR in data:
                    connection.sendall(b"stream: Eicar-Test-Signature FOUND\0")
                else:
                    connection.sendall(b"stream: OK\0")

    @staticmethod
    def _read(connection, size):
        data = b""
        while len(data) < size:
            chunk = connection.recv(size - len(data))
            if not chunk:
                raise ConnectionError
            data += chunk
        return data

    def close(self):
        self.sock.close()


@pytest.fixture(params=["tcp", "unix"])
def clamd(request, settings, tmp_path):
    server = FakeClamd(tmp_path / "clamd.sock" if request.param == "unix" else None)
    settings.GUICHET_CLAMD = server.address
    yield server
    server.close()


def test_clamd_lets_a_clean_file_through(procedure_a, clamd):
    pdf = b"%PDF-1.4 a clean plan"
    case = submit(procedure_a, files={"photo": upload("plan.pdf", pdf, "application/pdf")})
    assert case.attachments.count() == 1
    assert clamd.received == [pdf]


def test_clamd_refuses_an_infected_file(procedure_a, clamd):
    infected = b"%PDF-1.4\n" + EICAR
    with pytest.raises(ValidationError) as caught:
        submit(procedure_a, files={"photo": upload("plan.pdf", infected, "application/pdf")})
    assert "virus" in caught.value.message_dict["photo"][0]
    assert not Case.objects.exists()


def test_an_unreachable_clamd_refuses_the_file_rather_than_letting_it_through(
    procedure_a, settings
):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings.GUICHET_CLAMD = f"127.0.0.1:{port}"  # nothing listens there
    with pytest.raises(ValidationError) as caught:
        submit(procedure_a, files={"photo": upload("plan.pdf", b"%PDF-1.4", "application/pdf")})
    assert "antivirus ne répond pas" in caught.value.message_dict["photo"][0]
