"""The case page's labels, links, merges of duplicates and corrections of answers, and the
inbox's label filter and bulk labelling: through the views, as agents use them."""

import pytest
from django.urls import reverse

from guichet.cases import actions
from guichet.cases.models import EventKind
from guichet.catalog.workflow import MERGED_STATE
from guichet.conftest import submit

pytestmark = pytest.mark.django_db


def case_url(case, name="case"):
    return reverse(f"backoffice:{name}", args=[case.reference])


def test_an_agent_adds_and_removes_labels(client, agent_a, procedure_a):
    case = submit(procedure_a)
    client.force_login(agent_a)
    response = client.post(case_url(case, "case_labels"), {"label": "Élu saisi"})
    assert response.status_code == 303
    page = client.get(case_url(case))
    assert '<span class="label-chip">Élu saisi</span>' in page.text
    assert "a modifié les étiquettes : ajouté Élu saisi." in page.text
    label = case.labels.get()
    response = client.post(case_url(case, "case_labels"), {"remove": str(label.pk)})
    assert response.status_code == 303 and not case.labels.exists()


def test_a_bad_label_is_refused_with_the_input_kept(client, agent_a, procedure_a):
    case = submit(procedure_a)
    client.force_login(agent_a)
    response = client.post(case_url(case, "case_labels"), {"label": "x" * 60})
    assert response.status_code == 400
    assert 'value="' + "x" * 60 + '"' in response.text
    assert not case.labels.exists()
    response = client.post(case_url(case, "case_labels"), {"remove": "999"})
    assert response.status_code == 404


def test_the_inbox_filters_by_label_and_labels_in_bulk(client, agent_a, agent_b, procedure_a):
    one, two, three = (submit(procedure_a) for _ in range(3))
    client.force_login(agent_a)
    response = client.post(
        reverse("backoffice:bulk"),
        {"cases": [one.reference, two.reference], "action": "label", "label": "Récurrent"},
    )
    assert response.status_code == 303
    label = one.labels.get()
    assert list(two.labels.all()) == [label] and not three.labels.exists()
    page = client.get(reverse("backoffice:inbox"), {"label": label.pk, "tab": "all"})
    shown = {case.reference for case in page.context["page_obj"]}
    assert shown == {one.reference, two.reference}
    assert page.context["current_query"] == f"tab=all&label={label.pk}"
    # Without a label named, nothing happens and the agent is told why.
    response = client.post(
        reverse("backoffice:bulk"),
        {"cases": [three.reference], "action": "label", "label": " "},
        follow=True,
    )
    assert "Cochez des demandes et choisissez une action." in response.text
    assert not three.labels.exists()


def test_an_agent_links_and_unlinks_another_case(client, agent_a, procedure_a, procedure_b):
    case, other, elsewhere = submit(procedure_a), submit(procedure_a), submit(procedure_b)
    client.force_login(agent_a)
    response = client.post(case_url(case, "case_link"), {"other": other.reference.lower()})
    assert response.status_code == 303
    page = client.get(case_url(case))
    assert f'href="{case_url(other)}"' in page.text
    assert f"a lié cette demande à {other.reference}." in page.text
    # A case of another service is not found: the same answer as a number that does not exist.
    response = client.post(case_url(case, "case_link"), {"other": elsewhere.reference})
    assert response.status_code == 400
    assert "Aucune demande de ce numéro parmi celles que vous voyez." in response.text
    assert not case.related.filter(pk=elsewhere.pk).exists()
    response = client.post(
        case_url(case, "case_link"), {"other": other.reference, "action": "unlink"}
    )
    assert response.status_code == 303 and not case.related.exists()


def test_a_likely_duplicate_is_merged_from_the_case_page(client, agent_a, procedure_a):
    kept = submit(procedure_a, latitude=48.85, longitude=2.35)
    duplicate = submit(
        procedure_a, latitude=48.8501, longitude=2.3501, contact_email="bob@example.test"
    )
    client.force_login(agent_a)
    page = client.get(case_url(kept))
    assert "Regrouper ici" in page.text and duplicate.reference in page.text
    response = client.post(
        case_url(kept, "case_link"),
        {"other": duplicate.reference, "action": "merge_here"},
    )
    assert response.status_code == 303
    duplicate.refresh_from_db()
    assert duplicate.state == MERGED_STATE and duplicate.merged_into_id == kept.pk
    page = client.get(case_url(kept))
    assert "Doublons regroupés ici" in page.text
    page = client.get(case_url(duplicate))
    assert "Clôturée comme doublon de" in page.text and "Fusionnée (doublon)" in page.text
    # Merging it again is refused, with the reason, and changes nothing.
    response = client.post(
        case_url(kept, "case_link"), {"other": duplicate.reference, "action": "merge_here"}
    )
    assert response.status_code == 400 and "déjà clôturée" in response.text


def test_the_merged_citizen_sees_the_kept_cases_state_only(client, agent_a, procedure_a):
    kept = submit(procedure_a, contact_name="Alice Martin")
    duplicate = submit(procedure_a, contact_name="Bob Durand", contact_email="bob@example.test")
    actions.merge_case(duplicate=duplicate, into=kept, actor=agent_a, reason="Même trou")
    actions.transition_case(
        case=kept, transition="start_now", actor=agent_a, comment="Pour Alice seulement"
    )
    page = client.get(reverse("portal:track", args=[duplicate.tracking_code]))
    assert page.status_code == 200
    text = page.text
    assert "Regroupée avec une demande semblable" in text
    assert "Son état actuel" in text and "En cours de traitement" in text
    assert "regroupée avec elle" in text  # the explanation in the timeline
    for private in ("Alice", kept.reference, "Pour Alice seulement", "Même trou"):
        assert private not in text


def test_answers_are_corrected_from_their_page(client, agent_a, procedure_a):
    case = submit(procedure_a)
    client.force_login(agent_a)
    url = case_url(case, "case_answers")
    page = client.get(url)
    assert page.status_code == 200
    assert '<option value="Nid-de-poule" selected>' in page.text
    assert "Un trou devant le 12.</textarea>" in page.text
    response = client.post(
        url,
        {
            "answer-kind": "Éclairage",
            "answer-description": "Un trou devant le 12.",
            "reason": "Précisé au téléphone",
        },
    )
    assert response.status_code == 303
    case.refresh_from_db()
    assert case.data["kind"] == "Éclairage"
    page = client.get(case_url(case))
    assert "a corrigé les réponses." in page.text
    assert "Type de problème : « Nid-de-poule » → « Éclairage »" in page.text
    tracking = client.get(reverse("portal:track", args=[case.tracking_code]))
    assert "Réponses corrigées par le service : Type de problème" in tracking.text
    assert "Précisé au téléphone" in tracking.text


def test_a_bad_correction_shows_the_errors_and_keeps_the_input(client, agent_a, procedure_a):
    case = submit(procedure_a)
    client.force_login(agent_a)
    url = case_url(case, "case_answers")
    response = client.post(
        url, {"answer-kind": "Volcan", "answer-description": "Nouvelle description", "reason": ""}
    )
    assert response.status_code == 400
    assert "Nouvelle description</textarea>" in response.text
    assert "Indiquez pourquoi les réponses sont corrigées." in response.text
    assert 'role="alert"' in response.text
    case.refresh_from_db()
    assert case.data["description"] == "Un trou devant le 12."
    assert not case.events.filter(kind=EventKind.ANSWERS_EDITED).exists()


def test_the_case_page_stays_bounded_with_labels_and_links(
    client, agent_a, procedure_a, django_assert_max_num_queries
):
    case = submit(procedure_a)
    client.force_login(agent_a)
    actions.label_case(case=case, actor=agent_a, add=["un"])
    actions.link_cases(case=case, other=submit(procedure_a), actor=agent_a)
    with django_assert_max_num_queries(60) as few:
        client.get(case_url(case))
    baseline = len(few.captured_queries)
    for index in range(10):
        actions.label_case(case=case, actor=agent_a, add=[f"étiquette {index}"])
        actions.link_cases(case=case, other=submit(procedure_a), actor=agent_a)
        actions.merge_case(duplicate=submit(procedure_a), into=case, actor=agent_a)
    with django_assert_max_num_queries(baseline):
        response = client.get(case_url(case))
    assert "étiquette 9" in response.text


def test_the_ticked_cases_are_exported(client, agent_a, procedure_a, procedure_b):
    import csv
    import io

    from openpyxl import load_workbook

    from guichet.cases.models import AccessLog

    one, two, _three = (submit(procedure_a) for _ in range(3))
    theirs = submit(procedure_b)  # another service's: never in agent A's file
    client.force_login(agent_a)
    chosen = [one.reference, two.reference, theirs.reference, "NOPE"]
    response = client.post(reverse("backoffice:bulk"), {"cases": chosen, "action": "export_csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="demandes-')
    content = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content), delimiter=";"))
    assert sorted(row[0] for row in rows[1:]) == sorted([one.reference, two.reference])
    log = AccessLog.objects.filter(kind="export").latest("pk")
    assert one.reference in log.detail and log.user == agent_a

    response = client.post(
        reverse("backoffice:bulk"), {"cases": [one.reference], "action": "export_xlsx"}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [one.reference]
