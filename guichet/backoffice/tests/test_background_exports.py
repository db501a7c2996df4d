"""Large exports of the inbox, prepared by the real worker: asked for, followed, downloaded,
seen by their asker only, and purged."""

import csv
import datetime
import html
import io
import re

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from guichet.backoffice.actions import start_export
from guichet.backoffice.models import Export
from guichet.backoffice.views import exports_in_background
from guichet.cases import actions
from guichet.cases.models import AccessLog, Case
from guichet.conftest import submit
from guichet.organization.models import Membership

pytestmark = pytest.mark.django_db(transaction=True)

INBOX = "/backoffice/"
EXPORTS = "/backoffice/exports/"


def read(response) -> bytes:
    """The whole body of a (streamed) response: the test client then closes the file."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def ask(client, file_format="csv", query="tab=all") -> Export:
    response = client.post(EXPORTS, {"format": file_format, "query": query})
    export = Export.objects.latest("pk")
    assert response.status_code == 303
    assert response.url == f"/backoffice/exports/{export.pk}/"
    return export


@pytest.fixture
def large(settings):
    """Every view of at least 2 cases counts as large."""
    settings.GUICHET_EXPORT_BACKGROUND_FROM = 2


def test_the_inbox_offers_to_prepare_the_export_of_a_large_view_only(
    client, settings, agent_a, procedure_a
):
    submit(procedure_a)
    submit(procedure_a)
    client.force_login(agent_a)
    settings.GUICHET_EXPORT_BACKGROUND_FROM = 3
    small = client.get(INBOX).text
    assert "/backoffice/export.csv?" in small and "/backoffice/export.xlsx?" in small
    assert "Préparer l'export CSV" not in small

    settings.GUICHET_EXPORT_BACKGROUND_FROM = 2
    text = client.get(INBOX, {"tab": "all"}).text
    assert f'<form method="post" action="{EXPORTS}"' in text
    assert 'name="csrfmiddlewaretoken"' in text
    assert '<input type="hidden" name="query" value="tab=all">' in text
    assert 'name="format" value="csv"' in text and "Préparer l'export CSV" in text
    assert 'name="format" value="xlsx"' in text and "Préparer l'export Excel" in text
    assert "/backoffice/export.csv?" not in text
    # The direct address still answers, whatever the size (API users rely on it).
    direct = client.get("/backoffice/export.csv", {"tab": "all"})
    assert direct.status_code == 200 and len(csv_rows(read(direct))) == 3


def test_past_the_tabs_bounded_count_a_higher_threshold_is_counted(settings, agent_a, procedure_a):
    for _ in range(3):
        submit(procedure_a)
    cases = Case.objects.all()
    beyond = {"count": 999, "more": True}  # the tab said "999+"
    settings.GUICHET_EXPORT_BACKGROUND_FROM = 1000
    assert exports_in_background(cases, beyond)
    settings.GUICHET_EXPORT_BACKGROUND_FROM = 1001  # 3 cases only, in fact
    assert not exports_in_background(cases, beyond)
    settings.GUICHET_EXPORT_BACKGROUND_FROM = 3
    assert exports_in_background(cases, beyond)
    assert not exports_in_background(cases, {"count": 2, "more": False})


def test_an_agent_exports_a_large_view_in_the_background(
    client, large, run_worker, agent_a, procedure_a, procedure_b
):
    mine = submit(procedure_a, contact_name='=HYPERLINK("x")', contact_phone="0612345678")
    other = submit(procedure_a, contact_name="Marc Dupont")
    submit(procedure_a, contact_name="Paul Martin", channel="phone")  # filtered out
    submit(procedure_b)  # service B's
    client.force_login(agent_a)
    export = ask(client, "csv", "tab=all&channel=web&bogus=1")
    assert export.query == "tab=all&channel=web"  # the valid filters only
    assert export.status == Export.Status.PENDING and export.user == agent_a
    assert AccessLog.objects.filter(
        kind="export", user=agent_a, detail="tab=all&channel=web"
    ).exists()

    page = client.get(f"{EXPORTS}{export.pk}/").text
    assert "Export en préparation" in page and 'role="status"' in page
    assert f'hx-get="{EXPORTS}{export.pk}/avancement/"' in page
    assert 'hx-trigger="every 2s"' in page
    assert f'href="{EXPORTS}{export.pk}/">Actualiser</a>' in page  # without JavaScript
    assert client.get(f"{EXPORTS}{export.pk}/fichier/").status_code == 404  # not ready

    run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.DONE, export.error
    assert export.total == export.done == 2
    assert export.finished_at is not None and export.error == ""
    today = timezone.localdate()
    assert re.fullmatch(
        rf"exports/{export.organization_id}/[0-9a-f]{{16}}/demandes-{today:%Y-%m-%d}\.csv",
        export.file.name,
    )

    fragment = client.get(f"{EXPORTS}{export.pk}/avancement/").text
    assert "hx-trigger" not in fragment  # the polling stops
    assert "L'export est prêt : 2 demandes." in fragment
    assert f'href="{EXPORTS}{export.pk}/fichier/"' in fragment
    assert "Télécharger l'export" in fragment

    response = client.get(f"{EXPORTS}{export.pk}/fichier/")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="demandes-{today:%Y-%m-%d}.csv"'
    )
    content = read(response)
    rows = csv_rows(content)
    assert rows[0][:3] == ["Référence", "Démarche", "Demandeur"]
    assert {row[0] for row in rows[1:]} == {mine.reference, other.reference}
    assert len(rows) == 3
    # The same file as the direct download of the same view, byte for byte.
    direct = client.get("/backoffice/export.csv", {"tab": "all", "channel": "web"})
    assert read(direct) == content

    listing = client.get(EXPORTS).text
    assert f'href="{EXPORTS}{export.pk}/"' in listing and "Prêt" in listing


def test_an_excel_export_opens_with_its_rows(
    client, large, run_worker, agent_a, procedure_a, procedure_b
):
    from openpyxl import load_workbook

    cases = {submit(procedure_a).reference for _ in range(3)}
    submit(procedure_b)
    client.force_login(agent_a)
    export = ask(client, "xlsx")
    run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.DONE and export.total == export.done == 3
    assert export.file.name.endswith(".xlsx")
    response = client.get(f"{EXPORTS}{export.pk}/fichier/")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(read(response))).active
    assert sheet.title == "Demandes"
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Référence", "Démarche")
    assert {row[0] for row in rows[1:]} == cases
    assert all(row[1] == "Signaler un problème sur la voirie" for row in rows[1:])


def test_the_progress_shows_how_many_cases_are_written(client, agent_a, org):
    export = start_export(
        user=agent_a, organization=org, query="tab=all", file_format="csv", language="fr"
    )
    client.force_login(agent_a)
    progress = f"{EXPORTS}{export.pk}/avancement/"
    pending = client.get(progress).text
    assert "Export en préparation" in pending and "<progress aria-label" in pending
    # As the worker writes it between two chunks.
    Export.objects.filter(pk=export.pk).update(status="running", total=4500, done=2000)
    running = client.get(progress).text
    assert '<progress max="4500" value="2000"' in running
    assert "2000 sur 4500 demandes" in running
    assert 'hx-trigger="every 2s"' in running
    page = client.get(f"{EXPORTS}{export.pk}/").text
    assert '<div role="status"' in page and "2000 sur 4500 demandes" in page


def test_the_worker_writes_its_progress_every_chunk(agent_a, org):
    from guichet.backoffice.exports import CHUNK
    from guichet.backoffice.tasks import _Progress

    export = start_export(
        user=agent_a, organization=org, query="", file_format="csv", language="fr"
    )
    progress = _Progress(export.pk)
    rows = progress.count(iter(range(2 * CHUNK + 5)))
    for _ in range(CHUNK):
        next(rows)
    assert Export.objects.get(pk=export.pk).done == 0
    next(rows)  # the next chunk starts: the first one is counted
    assert Export.objects.get(pk=export.pk).done == CHUNK
    assert len(list(rows)) == CHUNK + 4
    assert Export.objects.get(pk=export.pk).done == 2 * CHUNK
    assert progress.done == 2 * CHUNK + 5


def test_only_the_agent_who_asked_sees_the_export(
    client, large, run_worker, agent_a, agent_b, supervisor, administrator, other_org_agent,
    citizen, procedure_a,
):  # fmt: skip
    submit(procedure_a)
    client.force_login(agent_a)
    export = ask(client)
    addresses = [f"{EXPORTS}{export.pk}/{end}" for end in ("", "avancement/", "fichier/")]
    run_worker()
    assert all(client.get(url).status_code == 200 for url in addresses[:2])
    assert read(client.get(addresses[2]))
    for someone in (agent_b, supervisor, administrator, citizen, other_org_agent):
        client.force_login(someone)
        for url in addresses:
            assert client.get(url).status_code == 404, (someone, url)
        assert f"{EXPORTS}{export.pk}/" not in client.get(EXPORTS).text
    client.force_login(other_org_agent)  # at home, with an export of the same number
    for url in addresses:
        assert client.get(url, HTTP_HOST="villeneuve.test").status_code == 404
    client.logout()
    assert client.get(addresses[2]).status_code == 302  # to the login page


def test_bad_requests_are_answered_400_or_404_not_500(client, agent_a, org):
    client.force_login(agent_a)
    response = client.post(EXPORTS, {"format": "zip", "query": "tab=all"})
    assert response.status_code == 400
    assert "Choisissez le format de l&#x27;export" in response.text
    assert client.post(EXPORTS, {}).status_code == 400
    assert client.post(EXPORTS, {"format": "CSV"}).status_code == 400
    assert not Export.objects.exists()
    assert client.put(EXPORTS).status_code == 405
    assert client.get(f"{EXPORTS}{10**30}/").status_code == 404
    assert client.get(f"{EXPORTS}abc/").status_code == 404
    assert client.post(f"{EXPORTS}1/fichier/").status_code == 405


def test_exports_follow_the_agents_access_when_the_worker_runs(
    client, large, run_worker, agent_a, service_b, procedure_a, procedure_b
):
    submit(procedure_a)
    theirs = submit(procedure_b)
    client.force_login(agent_a)
    export = ask(client)
    # Moved to service B before the worker runs: the export holds what they see now.
    Membership.objects.get(user=agent_a).services.set([service_b])
    run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.DONE and export.total == 1
    rows = csv_rows(read(client.get(f"{EXPORTS}{export.pk}/fichier/")))
    assert [row[0] for row in rows[1:]] == [theirs.reference]


def test_an_export_fails_when_its_asker_left_the_organization(
    client, large, run_worker, agent_a, service_a, procedure_a
):
    submit(procedure_a)
    client.force_login(agent_a)
    export = ask(client)
    membership = Membership.objects.get(user=agent_a)
    role = membership.role
    membership.delete()
    run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert "Vous n'êtes plus membre de cette organisation" in export.error
    assert export.finished_at is not None and not export.file
    assert client.get(f"{EXPORTS}{export.pk}/").status_code == 404  # no longer a member

    back = Membership.objects.create(user=agent_a, organization=export.organization, role=role)
    back.services.set([service_a])
    page = client.get(f"{EXPORTS}{export.pk}/").text
    assert "L'export a échoué." in page and "plus membre" in page
    assert 'href="/backoffice/?tab=all">Retour à la boîte de réception' in page
    assert "hx-trigger" not in page
    assert client.get(f"{EXPORTS}{export.pk}/fichier/").status_code == 404


def test_an_export_that_cannot_write_its_file_fails_and_leaves_nothing(
    client, settings, tmp_path, large, run_worker, agent_a, procedure_a
):
    submit(procedure_a)
    client.force_login(agent_a)
    export = ask(client)
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("")
    settings.MEDIA_ROOT = blocked  # the storage cannot write under a file
    run_worker()
    export.refresh_from_db()
    assert export.status == Export.Status.FAILED
    assert export.error == "Une erreur inattendue a interrompu l'export. Réessayez plus tard."
    assert not export.file and export.finished_at is not None
    assert blocked.read_text() == ""


def test_old_exports_are_deleted_with_their_files(
    client, settings, large, run_worker, agent_a, procedure_a
):
    submit(procedure_a)
    client.force_login(agent_a)
    old, recent = ask(client), ask(client, "xlsx")
    run_worker()
    old.refresh_from_db()
    recent.refresh_from_db()
    assert default_storage.exists(old.file.name) and default_storage.exists(recent.file.name)
    settings.GUICHET_EXPORT_KEEP_HOURS = 2
    now = timezone.now()
    Export.objects.filter(pk=old.pk).update(created_at=now - datetime.timedelta(hours=3))
    Export.objects.filter(pk=recent.pk).update(created_at=now - datetime.timedelta(hours=1))
    run_worker()  # the worker runs its periodic tasks, the purge among them
    assert not Export.objects.filter(pk=old.pk).exists()
    assert not default_storage.exists(old.file.name)
    folder = old.file.name.rsplit("/", 1)[0]
    assert not (settings.MEDIA_ROOT / folder).exists()  # its random folder too
    assert Export.objects.filter(pk=recent.pk).exists()
    assert default_storage.exists(recent.file.name)
    assert client.get(f"{EXPORTS}{old.pk}/").status_code == 404
    assert read(client.get(f"{EXPORTS}{recent.pk}/fichier/")).startswith(b"PK")  # a zip


def test_a_closed_case_is_exported_with_the_closed_tab(
    client, large, run_worker, agent_a, procedure_a
):
    closed = submit(procedure_a)
    submit(procedure_a)
    actions.transition_case(case=closed, transition="close", actor=agent_a)
    client.force_login(agent_a)
    export = ask(client, query="tab=closed")
    run_worker()
    rows = csv_rows(read(client.get(f"{EXPORTS}{export.pk}/fichier/")))
    assert [row[0] for row in rows[1:]] == [closed.reference]


def test_an_export_lost_with_its_worker_ends_failed(
    client, large, run_worker, agent_a, procedure_a
):
    submit(procedure_a)
    client.force_login(agent_a)
    lost, waiting = ask(client), ask(client)
    an_hour_and_more = timezone.now() - datetime.timedelta(minutes=61)
    Export.objects.filter(pk=lost.pk).update(
        status=Export.Status.RUNNING, created_at=an_hour_and_more
    )
    from guichet.backoffice.tasks import purge_old_exports

    purge_old_exports.call()
    lost.refresh_from_db()
    waiting.refresh_from_db()
    assert lost.status == Export.Status.FAILED and lost.finished_at is not None
    assert waiting.status == Export.Status.PENDING  # asked a moment ago: still expected
    page = html.unescape(client.get(f"{EXPORTS}{lost.pk}/avancement/").text)
    assert "L'export a été interrompu. Relancez-le depuis la boîte de réception." in page
    assert "hx-trigger" not in page  # the page stops asking
    run_worker()
    lost.refresh_from_db()
    assert lost.status == Export.Status.FAILED  # its task, if it ever comes, does nothing
