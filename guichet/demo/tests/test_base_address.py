"""The demo's address follows HOST / PORT: `make run`, scripts/run-demo, the banner of
`guichet demo` and the links of the e-mails all name the port the server listens on."""

import io
import os
import stat
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from guichet.conftest import submit

PROJECT = Path(__file__).resolve().parents[3]


def test_make_run_gives_the_demo_its_host_and_port():
    dry_run = subprocess.run(
        ["make", "-n", "-C", str(PROJECT), "run", "HOST=127.0.0.1", "PORT=8102"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GUICHET_BASE_URL": ""},
    ).stdout
    [demo] = [line for line in dry_run.splitlines() if line.endswith(" demo")]
    assert "GUICHET_BASE_URL=http://127.0.0.1:8102" in demo
    [server] = [line for line in dry_run.splitlines() if "scripts/run-demo" in line]
    assert "GUICHET_BASE_URL=http://127.0.0.1:8102" in server


def test_make_run_keeps_a_base_address_given_by_the_operator():
    dry_run = subprocess.run(
        ["make", "-n", "-C", str(PROJECT), "run", "PORT=8102"],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GUICHET_BASE_URL": "https://guichet.example.test"},
    ).stdout
    [server] = [line for line in dry_run.splitlines() if "scripts/run-demo" in line]
    assert "GUICHET_BASE_URL=https://guichet.example.test" in server


def test_run_demo_gives_the_worker_and_the_server_the_address(tmp_path):
    """The worker writes the e-mails: it must know the port as well as the server."""
    fake = tmp_path / "guichet"
    seen = tmp_path / "seen.txt"
    # The server returns at once, and the script then stops the worker: the fake server
    # waits (5 s at most) for the worker to have spoken, which a loaded machine may delay.
    fake.write_text(
        "#!/bin/sh\n"
        f'echo "$1 $GUICHET_BASE_URL" >> {seen}\n'
        'if [ "$1" = runserver ]; then\n'
        f"  for _ in $(seq 50); do grep -q '^worker' {seen} && break; sleep 0.1; done\n"
        "fi\n"
    )
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    env = {k: v for k, v in os.environ.items() if k != "GUICHET_BASE_URL"}
    banner = subprocess.run(
        [str(PROJECT / "scripts" / "run-demo"), str(fake)],
        capture_output=True,
        text=True,
        check=True,
        env={**env, "HOST": "127.0.0.1", "PORT": "8102"},
        timeout=30,
    ).stdout
    assert "http://127.0.0.1:8102/backoffice/" in banner
    assert "http://villeneuve.localhost:8102/" in banner
    lines = sorted(seen.read_text().splitlines())
    assert lines == ["runserver http://127.0.0.1:8102", "worker http://127.0.0.1:8102"]


@pytest.mark.django_db
def test_the_demo_banner_names_the_base_address(settings, org):
    settings.GUICHET_BASE_URL = "http://127.0.0.1:8102"
    output = io.StringIO()
    call_command("demo", force=True, stdout=output)  # loaded already: the cast's Démoville
    text = output.getvalue()
    assert "http://127.0.0.1:8102/backoffice/" in text
    assert "http://127.0.0.1:8102/o/villeneuve/" in text
    assert "http://villeneuve.localhost:8102/" in text
    assert "8000" not in text


def test_an_organization_host_name_takes_the_port_of_the_base_address(settings):
    from guichet.organization.models import Organization

    settings.GUICHET_BASE_URL = "http://127.0.0.1:8102"
    villeneuve = Organization(name="Villeneuve", slug="villeneuve", domain="villeneuve.localhost")
    assert villeneuve.absolute_url("/suivi/X/") == "http://villeneuve.localhost:8102/suivi/X/"
    settings.GUICHET_BASE_URL = "https://guichet.example.test"
    villeneuve.domain = "villeneuve.example.test"
    assert villeneuve.base_url == "http://villeneuve.example.test"


@pytest.mark.django_db(transaction=True)
def test_the_acknowledgement_links_to_the_port_of_the_demo(
    settings, other_org, smtp_server, run_worker
):
    from guichet.catalog.models import Procedure
    from guichet.conftest import ROAD_FIELDS, published
    from guichet.organization.models import Service

    settings.GUICHET_BASE_URL = "http://127.0.0.1:8102"
    other_org.domain = "villeneuve.localhost"
    other_org.save(update_fields=["domain"])
    service = Service.objects.create(organization=other_org, name="Technique", slug="technique")
    procedure = published(
        Procedure.objects.create(
            organization=other_org,
            service=service,
            title="Signaler un problème",
            slug="signaler-voirie",
            fields=ROAD_FIELDS,
        )
    )
    case = submit(procedure)
    run_worker()
    [mail] = smtp_server.messages
    assert f"http://villeneuve.localhost:8102/suivi/{case.tracking_code}/" in mail["body"]
