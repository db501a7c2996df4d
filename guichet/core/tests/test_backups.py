"""`guichet backup` and `guichet restore`, run as an operator does: data created through the
domain actions in one instance, backed up, restored into a new empty database (PostgreSQL
when the suite runs on it, SQLite otherwise); every case, event, message and file is back."""

import json
import os
import re
import shutil
import subprocess
import tarfile

import pytest

from guichet.core.backups import BackupError, check_pg_dump_version, read_manifest
from guichet.tests.instances import instance, on_postgresql

DATA = """
from django.core.files.uploadedfile import SimpleUploadedFile
from guichet.accounts.models import User
from guichet.cases import actions
from guichet.catalog.actions import publish_procedure
from guichet.catalog.models import Procedure
from guichet.catalog.workflow import default_workflow
from guichet.organization.models import Membership, Organization, Role, Service

org = Organization.objects.create(
    name="Ville de Sauvegarde", slug="sauvegarde", is_default=True, reference_prefix="SV"
)
service = Service.objects.create(organization=org, name="Voirie", slug="voirie")
agent = User.objects.create_user(email="agent@sauvegarde.test", password="x" * 16)
membership = Membership.objects.create(user=agent, organization=org, role=Role.AGENT)
membership.services.set([service])
workflow = default_workflow()
accept = next(t for t in workflow["transitions"] if t["code"] == "accept")
accept["actions"] = [{"type": "document", "template": "decision"}]
procedure = Procedure.objects.create(
    organization=org, service=service, title="Signaler un problème", slug="signaler",
    fields=[
        {"id": "description", "type": "textarea", "label": "Description", "required": True},
        {"id": "photo", "type": "file", "label": "Photo"},
    ],
    workflow=workflow,
    templates={"decision": {"subject": "Décision {{ reference }}", "body": "Acceptée."}},
)
publish_procedure(procedure=procedure)
procedure.refresh_from_db()
for number in range(3):
    photo = SimpleUploadedFile(
        f"photo{number}.pdf", b"%PDF-1.4 " + bytes([number]) * 3000, "application/pdf"
    )
    case = actions.submit_case(
        procedure=procedure, data={"description": f"Trou n° {number}"}, files={"photo": photo},
        channel="web", contact_name="Alice Martin", contact_email="alice@example.test",
    )
    reply = SimpleUploadedFile("reponse.pdf", b"%PDF-1.4 reply " * 40, "application/pdf")
    actions.post_message(
        case=case, body=f"Merci, c'est noté ({number}).", from_citizen=False, author=agent,
        files=[reply],
    )
    if number == 0:
        actions.transition_case(case=case, transition="start_now", actor=agent)
        actions.transition_case(case=case, transition="accept", actor=agent, comment="Vu.")
"""

# Everything a restore must give back, in a form two instances can be compared by.
SNAPSHOT = """
import hashlib, json
from django.core.files.storage import default_storage
from guichet.cases.models import Attachment, Case, CaseEvent, Message
def digest(name):
    with default_storage.open(name, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()
def rows(values):
    return sorted(json.dumps(list(row), default=str, sort_keys=True) for row in values)
print(json.dumps({
    "cases": rows(Case.objects.values_list("reference", "state", "data")),
    "events": rows(CaseEvent.objects.values_list("case__reference", "kind", "payload")),
    "messages": rows(Message.objects.values_list("case__reference", "body")),
    "files": sorted(
        [a.case.reference, a.original_name, a.generated_from, a.size, digest(a.file.name)]
        for a in Attachment.objects.select_related("case")
    ),
}, sort_keys=True))
"""


def test_a_backup_restores_into_an_empty_database_with_every_case_and_file(tmp_path):
    archive = tmp_path / "backup.tar.gz"
    with instance(tmp_path / "source", "backup_source") as source:
        source.python(DATA)
        before = json.loads(source.python(SNAPSHOT))
        result = source.run("backup", "--output", str(archive))
        assert "3 cases" in result.stdout and "7 attachments" in result.stdout
        again = source.run("backup", "--output", str(archive), check=False)
        assert again.returncode != 0 and "exists already" in again.stderr
    assert len(before["cases"]) == 3 and len(before["messages"]) == 3
    # Three photos, three replies and one decision document, each with its bytes.
    assert len(before["files"]) == 7
    assert any(generated == "decision" for _ref, _name, generated, _s, _d in before["files"])
    assert archive.stat().st_mode & 0o077 == 0, "a backup holds personal data: owner only"
    with tarfile.open(archive) as contents:
        names = contents.getnames()
    assert names[0] == "manifest.json"
    assert sum(name.startswith("media/") for name in names) == 7
    manifest = read_manifest(archive)
    assert manifest["counts"]["cases_case"] == 3
    assert manifest["counts"]["cases_attachment"] == 7
    assert manifest["media"] == {"included": True, "files": 7, "bytes": manifest["media"]["bytes"]}

    with instance(tmp_path / "target", "backup_target", migrate=False) as target:
        # A media folder that has files is refused: they could be overwritten.
        target.media.mkdir(parents=True)
        (target.media / "left-over.pdf").write_bytes(b"%PDF-1.4")
        refused = target.run("restore", str(archive), check=False)
        assert refused.returncode != 0
        assert "media folder" in refused.stderr and "not empty (1 files)" in refused.stderr
        (target.media / "left-over.pdf").unlink()

        result = target.run("restore", str(archive))
        assert "Restored" in result.stdout and "3 cases" in result.stdout
        assert json.loads(target.python(SNAPSHOT)) == before

        # Again, over what is now there: refused, with the reason and the way out.
        refused = target.run("restore", str(archive), check=False)
        assert refused.returncode != 0
        assert "The database is not empty" in refused.stderr
        assert "--force" in refused.stderr
        forced = target.run("restore", "--force", str(archive))
        assert "Every table holds the rows counted at the backup." in forced.stdout
        assert json.loads(target.python(SNAPSHOT)) == before


def test_a_file_that_is_not_a_backup_is_refused(tmp_path):
    path = tmp_path / "notes.tar.gz"
    path.write_bytes(b"not an archive")
    with pytest.raises(BackupError, match="is not a Guichet backup"):
        read_manifest(path)


@pytest.mark.django_db
def test_a_pg_dump_older_than_the_server_is_refused_with_what_to_install(tmp_path, monkeypatch):
    from django.db import connection

    machines = shutil.which("pg_dump")
    if machines is None:
        pytest.skip("no pg_dump here; install it with: sudo apt-get install postgresql-client")
    if on_postgresql():
        connection.ensure_connection()
        server = connection.pg_version // 10000
    else:  # a server of the machine's own pg_dump version
        output = subprocess.run([machines, "--version"], capture_output=True, text=True)
        server = int(re.search(r"\(PostgreSQL\) (\d+)", output.stdout).group(1))
    # An old client first on the PATH, as on a machine whose packages lag behind the server.
    old = tmp_path / "bin" / "pg_dump"
    old.parent.mkdir()
    old.write_text("#!/bin/sh\necho 'pg_dump (PostgreSQL) 9.6.24'\n")
    old.chmod(0o755)
    monkeypatch.setenv("PATH", f"{old.parent}:{os.environ['PATH']}")
    with pytest.raises(BackupError, match=f"install postgresql-client-{server}"):
        check_pg_dump_version(server)
    monkeypatch.undo()
    assert check_pg_dump_version(server).endswith("pg_dump")  # the machine's own is recent enough


def test_a_backup_of_another_engine_is_refused_before_anything_is_touched(tmp_path):
    import io

    from guichet.core.backups import restore

    path = tmp_path / "other.tar.gz"
    manifest = json.dumps({"format": 1, "database": "oracle"}).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("manifest.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
    with pytest.raises(BackupError, match="This backup is of a oracle database"):
        restore(path)
