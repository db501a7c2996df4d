"""The inbox: what an agent sees, filtered and sorted, in a bounded number of queries."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from guichet.cases import actions
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

INBOX = "/backoffice/"


def test_it_lists_a_case_with_its_details(client, agent_a, case_a):
    client.force_login(agent_a)
    response = client.get(INBOX)
    text = response.text
    assert reverse("backoffice:case", args=[case_a.reference]) in text
    assert "Signaler un problème sur la voirie" in text
    assert "Alice Martin" in text
    assert "Nouvelle" in text  # the state's label for agents
    assert "Voirie" in text
    assert "Non attribuée" in text
    assert "badge-overdue" not in text
    assert "<caption>" in text and 'scope="col"' in text


def test_it_marks_overdue_cases_in_words(client, agent_a, procedure_a):
    late = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(agent_a)
    response = client.get(INBOX)
    assert late.reference in response.text
    assert "badge-overdue" in response.text and "En retard" in response.text


def test_it_shows_open_cases_by_default_and_closed_ones_on_demand(
    client, agent_a, procedure_a, case_a
):
    closed = actions.transition_case(case=submit(procedure_a), transition="close", actor=agent_a)
    client.force_login(agent_a)
    default = client.get(INBOX).text
    assert case_a.reference in default and closed.reference not in default
    closed_only = client.get(INBOX, {"tab": "closed"}).text
    assert closed.reference in closed_only and case_a.reference not in closed_only
    everything = client.get(INBOX, {"tab": "all"}).text
    assert closed.reference in everything and case_a.reference in everything


def test_the_tabs_show_their_cases_and_counts(client, agent_a, supervisor, procedure_a, case_a):
    now = timezone.now()
    started = actions.transition_case(
        case=submit(procedure_a), transition="start_now", actor=agent_a
    )
    mine = actions.assign_case(case=submit(procedure_a), assignee=agent_a, actor=agent_a)
    waiting = actions.transition_case(
        case=started, transition="ask", actor=agent_a, comment="Une photo ?"
    )
    late = submit(procedure_a, submitted_at=now - datetime.timedelta(days=30))
    soon = submit(procedure_a, submitted_at=now - datetime.timedelta(days=14))
    closed = actions.transition_case(case=submit(procedure_a), transition="close", actor=agent_a)
    actions.follow_case(case=closed, user=agent_a)
    client.force_login(agent_a)

    def shown(tab):
        response = client.get(INBOX, {"tab": tab})
        return {case.reference for case in response.context["page_obj"]}

    assert shown("todo") == {case_a.reference, mine.reference, late.reference, soon.reference}
    assert shown("mine") == {mine.reference}
    assert shown("waiting") == {waiting.reference}
    assert shown("at_risk") == {soon.reference}
    assert shown("overdue") == {late.reference}
    assert shown("closed") == {closed.reference}
    assert shown("followed") == {closed.reference}
    assert len(shown("all")) == 6
    tabs = {tab["code"]: tab["count"] for tab in client.get(INBOX).context["tabs"]}
    assert tabs == {
        "todo": 4,
        "mine": 1,
        "followed": 1,
        "waiting": 1,
        "at_risk": 1,
        "overdue": 1,
        "closed": 1,
        "all": 6,
    }
    text = client.get(INBOX, {"tab": "waiting"}).text
    assert 'aria-current="page">En attente du demandeur <span class="tab-count">1' in text
    # The counts follow the other filters; the filter form keeps the tab.
    assert 'name="tab" value="waiting"' in text
    other = submit(procedure_a)
    actions.assign_case(case=other, assignee=supervisor, actor=supervisor)
    counts = {
        tab["code"]: tab["count"] for tab in client.get(INBOX, {"assignee": "me"}).context["tabs"]
    }
    assert counts["todo"] == 1 and counts["all"] == 1


def test_tab_counts_are_bounded(client, agent_a, procedure_a, monkeypatch):
    monkeypatch.setattr("guichet.backoffice.views.INBOX_COUNT_LIMIT", 3)
    for _ in range(5):
        submit(procedure_a)
    client.force_login(agent_a)
    response = client.get(INBOX)
    todo = response.context["tabs"][0]
    assert (todo["count"], todo["more"]) == (3, True)
    assert '<span class="tab-count">3+' in response.text
    assert len(response.context["page_obj"]) == 5  # the list itself is not cut


def test_an_empty_tab_says_so(client, agent_a, case_a):
    client.force_login(agent_a)
    assert "Aucune demande dans « Clôturées »." in client.get(INBOX, {"tab": "closed"}).text


def test_it_filters_overdue_cases(client, agent_a, procedure_a, case_a):
    late = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=30))
    client.force_login(agent_a)
    text = client.get(INBOX, {"tab": "overdue"}).text
    assert late.reference in text and case_a.reference not in text


def test_it_flags_cases_at_risk_and_paused_in_words(client, agent_a, procedure_a, case_a):
    # procedure_a answers in 15 calendar days, at risk 3 business days before.
    submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=14))
    waiting = submit(procedure_a, submitted_at=timezone.now() - datetime.timedelta(days=14))
    for transition in ("receive", "start"):
        actions.transition_case(case=waiting, transition=transition, actor=None)
    actions.transition_case(case=waiting, transition="ask", actor=None, comment="Une photo ?")
    client.force_login(agent_a)
    assert client.get(INBOX).text.count("Échéance proche</span>") == 1
    assert client.get(INBOX, {"tab": "waiting"}).text.count("Délai suspendu</span>") == 1


def test_it_filters_by_assignee(client, agent_a, supervisor, procedure_a, case_a):
    mine = actions.assign_case(case=submit(procedure_a), assignee=agent_a, actor=agent_a)
    theirs = actions.assign_case(case=submit(procedure_a), assignee=supervisor, actor=agent_a)
    client.force_login(agent_a)
    text = client.get(INBOX, {"assignee": "me"}).text
    assert mine.reference in text
    assert case_a.reference not in text and theirs.reference not in text
    text = client.get(INBOX, {"assignee": "none"}).text
    assert case_a.reference in text
    assert mine.reference not in text and theirs.reference not in text
    text = client.get(INBOX, {"assignee": str(supervisor.pk)}).text
    assert theirs.reference in text
    assert mine.reference not in text and case_a.reference not in text


def test_it_filters_by_procedure_and_service(client, supervisor, case_a, case_b, procedure_a):
    client.force_login(supervisor)
    text = client.get(INBOX, {"procedure": procedure_a.pk}).text
    assert case_a.reference in text and case_b.reference not in text
    text = client.get(INBOX, {"service": case_b.service_id}).text
    assert case_b.reference in text and case_a.reference not in text


def test_it_offers_only_the_services_the_agent_sees(client, agent_a, service_a, service_b):
    client.force_login(agent_a)
    form = client.get(INBOX).context["form"]
    assert list(form.fields["service"].queryset) == [service_a]


def test_it_ignores_filters_it_does_not_know(client, agent_a, case_a, case_b, service_b):
    client.force_login(agent_a)
    for query in [
        {"procedure": "abc"},
        {"procedure": "999999"},
        {"service": service_b.pk},  # a service agent A does not see
        {"tab": "everything"},
        {"assignee": "abc"},
        {"assignee": "999999"},
        {"sort": "-pk"},
        {"page": "zzz"},
    ]:
        response = client.get(INBOX, query)
        assert response.status_code == 200, query
        assert case_a.reference in response.text, query
        assert case_b.reference not in response.text, query
        assert "errorlist" not in response.text, query


def test_it_sorts_by_due_date_then_by_creation_or_update(client, agent_a, procedure_a):
    now = timezone.now()
    older = submit(procedure_a, submitted_at=now - datetime.timedelta(days=3))
    newer = submit(procedure_a, submitted_at=now - datetime.timedelta(days=1))
    procedure_a.processing_days = None
    procedure_a.save()
    no_deadline = submit(procedure_a, submitted_at=now - datetime.timedelta(days=2))
    actions.add_internal_note(case=older, body="Vu", actor=agent_a)
    client.force_login(agent_a)

    def order(**query):
        rows = list(client.get(INBOX, query).context["page_obj"])
        return [case.reference for case in rows]

    assert order() == [older.reference, newer.reference, no_deadline.reference]
    assert order(sort="created") == [newer.reference, no_deadline.reference, older.reference]
    actions.post_message(case=older, body="Réponse", from_citizen=False, author=agent_a)
    assert order(sort="updated")[0] == older.reference


def test_it_pages_fifty_cases_at_a_time(client, agent_a, procedure_a):
    for _ in range(51):
        submit(procedure_a)
    client.force_login(agent_a)
    first = client.get(INBOX)
    assert len(first.context["page_obj"]) == 50
    assert "Page 1 sur 2" in first.text and "?page=2" in first.text
    second = client.get(INBOX, {"page": 2, "tab": "todo", "sort": "created"})
    assert len(second.context["page_obj"]) == 1
    assert "tab=todo" in second.text and "sort=created" in second.text  # links keep filters


def test_it_searches_within_what_the_agent_sees(client, agent_a, procedure_a, procedure_b):
    from guichet.conftest import submit

    mine = submit(procedure_a, contact_name="Élodie Lefèvre", contact_phone="06 12 34 56 78")
    other = submit(procedure_a, contact_name="Marc Dupont")
    theirs = submit(procedure_b, contact_name="Élodie Lefèvre")  # service B's
    client.force_login(agent_a)
    for query in ["lefevre", "ELODIE", "06 12 34 56 78", mine.reference]:
        text = client.get("/backoffice/", {"q": query, "tab": "all"}).text
        assert mine.reference in text, query
        assert other.reference not in text and theirs.reference not in text, query
    assert 'value="lefevre"' in client.get("/backoffice/", {"q": "lefevre"}).text
    empty = client.get("/backoffice/", {"q": "piscine", "tab": "all"}).text
    assert mine.reference not in empty and other.reference not in empty
    # The tabs count the search's results only.
    assert '<span class="tab-count">1<' in client.get("/backoffice/", {"q": "lefevre"}).text


def test_a_search_counts_its_current_tab_only(client, agent_a, procedure_a):
    """Each tab's count would read every match of the search again: during a search only the
    tab shown is counted, the other tabs stay links without a number."""
    for name in ("Élodie Lefèvre", "Élodie Martin", "Marc Dupont"):
        submit(procedure_a, contact_name=name)
    client.force_login(agent_a)
    plain = client.get("/backoffice/").context["tabs"]
    assert all(tab["count"] is not None for tab in plain)
    with CaptureQueriesContext(connection) as searching:
        response = client.get("/backoffice/", {"q": "elodie", "tab": "all"})
    tabs = {tab["code"]: tab for tab in response.context["tabs"]}
    assert tabs["all"]["count"] == 2 and tabs["all"]["current"]
    assert [code for code, tab in tabs.items() if tab["count"] is not None] == ["all"]
    assert response.text.count('class="tab-count"') == 1
    # The tabs' counts are subqueries of one statement (guichet.core.counting).
    counts = sum(
        q["sql"].count('SELECT COUNT(*) FROM (SELECT "cases_case"')
        for q in searching.captured_queries
    )
    assert counts == 1  # the tab's; the list itself reads one row more, not a count
    # The other tabs still open, counted when shown.
    todo = client.get("/backoffice/", {"q": "elodie", "tab": "todo"}).context["tabs"]
    assert {tab["code"]: tab["count"] for tab in todo}["todo"] == 2


def test_pages_go_on_past_the_bounded_count(client, agent_a, procedure_a, monkeypatch):
    from guichet.backoffice import views

    monkeypatch.setattr(views, "INBOX_COUNT_LIMIT", 2)
    monkeypatch.setattr(views, "INBOX_PAGE_SIZE", 2)
    made = [submit(procedure_a).reference for _ in range(5)]
    client.force_login(agent_a)
    first = client.get(INBOX, {"sort": "created"})
    assert "Plus de 2 demandes" in first.text and "Page 1<" in first.text
    pages = [first]
    for number in (2, 3):
        pages.append(client.get(INBOX, {"sort": "created", "page": number}))
    shown = [ref for page in pages for ref in made if ref in page.text]
    assert sorted(shown) == sorted(made)  # every case, once
    assert 'rel="next"' not in pages[-1].text and 'rel="prev"' in pages[-1].text
    stale = client.get(INBOX, {"sort": "created", "page": 99})
    assert stale.status_code == 200 and made[-1] in stale.text  # the first page again
    assert client.get(INBOX, {"page": "x"}).status_code == 200


def test_saved_views_for_oneself_or_a_service(
    client, agent_a, agent_b, supervisor, administrator, service_a, procedure_a
):
    from guichet.backoffice.models import SavedView

    submit(procedure_a, contact_name="Élodie Lefèvre")
    client.force_login(agent_a)
    query = "tab=all&q=lefevre&sort=created&bogus=1&procedure=999999"
    response = client.post("/backoffice/vues/", {"name": "Lefèvre", "query": query})
    assert response.status_code == 303
    view = SavedView.objects.get()
    assert view.query == "tab=all&q=lefevre&sort=created"  # only valid filters are kept
    assert response.url == f"/backoffice/?{view.query}"
    shared = client.post(
        "/backoffice/vues/",
        {"name": "Voirie en retard", "service": service_a.pk, "query": "tab=overdue"},
    )
    assert shared.status_code == 303
    assert client.post("/backoffice/vues/", {"name": "", "query": "tab=all"}).status_code == 303
    assert SavedView.objects.count() == 2  # a view without a name is refused, with a message

    text = client.get("/backoffice/").text
    link = view.query.replace("&", "&amp;")
    assert f'href="/backoffice/?{link}"' in text and "Voirie en retard" in text
    client.force_login(supervisor)  # service A's member: the shared view, not the personal one
    text = client.get("/backoffice/").text
    assert "Voirie en retard" in text and ">Lefèvre<" not in text
    client.force_login(agent_b)  # another service: neither
    text = client.get("/backoffice/").text
    assert "Voirie en retard" not in text and ">Lefèvre<" not in text
    assert client.post(f"/backoffice/vues/{view.pk}/supprimer/").status_code == 404
    client.force_login(administrator)
    assert "Voirie en retard" in client.get("/backoffice/").text
    client.force_login(agent_a)
    assert client.post(f"/backoffice/vues/{view.pk}/supprimer/").status_code == 303
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_bulk_actions_go_through_the_domain_actions_case_by_case(
    client, agent_a, supervisor, procedure_a, procedure_b
):
    from guichet.cases.models import Case, CaseEvent

    first, second = submit(procedure_a), submit(procedure_a)
    theirs = submit(procedure_b)  # service B's: agent A does not see it
    client.force_login(agent_a)
    page = client.get(INBOX).text
    assert f'name="cases" value="{first.reference}" form="bulk-form"' in page
    response = client.post(
        "/backoffice/lot/",
        {
            "cases": [first.reference, second.reference, theirs.reference],
            "action": "assign",
            "assignee": str(agent_a.pk),
            "next": "/backoffice/?tab=all",
        },
    )
    assert response.status_code == 303 and response.url == "/backoffice/?tab=all"
    assert set(Case.objects.filter(assignee=agent_a).values_list("pk", flat=True)) == {
        first.pk,
        second.pk,
    }
    assert Case.objects.get(pk=theirs.pk).assignee is None
    assert CaseEvent.objects.filter(kind="assigned").count() == 2  # the journal says so
    text = client.get(response.url).text
    assert "2 demandes traitées" in text and f"{theirs.reference} : introuvable" in text

    closed = client.post(
        "/backoffice/lot/",
        {"cases": [first.reference], "action": "transition", "transition": "close"},
    )
    assert closed.status_code == 303 and closed.url == "/backoffice/"
    assert Case.objects.get(pk=first.pk).is_closed
    again = client.post(
        "/backoffice/lot/",
        {"cases": [first.reference], "action": "transition", "transition": "close"},
        follow=True,
    )
    assert "Non traitées" in again.text  # a closed case cannot be closed twice
    nothing = client.post("/backoffice/lot/", {"action": "assign"}, follow=True)
    assert "Cochez des demandes et choisissez une action." in nothing.text
    outside = client.post(
        "/backoffice/lot/",
        {"cases": [second.reference], "action": "assign", "next": "https://evil.test/"},
    )
    assert outside.url == "/backoffice/"


def test_the_current_view_exports_to_csv_and_excel(client, agent_a, procedure_a, procedure_b):
    import csv
    import io

    from openpyxl import load_workbook

    from guichet.cases.models import AccessLog

    mine = submit(procedure_a, contact_name='=HYPERLINK("x")', contact_phone="0612345678")
    other = submit(procedure_a, contact_name="Marc Dupont")
    theirs = submit(procedure_b)
    client.force_login(agent_a)
    response = client.get("/backoffice/export.csv", {"tab": "all", "q": "0612345678"})
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][:3] == ["Référence", "Démarche", "Demandeur"]
    assert [row[0] for row in rows[1:]] == [mine.reference]
    assert rows[1][2] == '\'=HYPERLINK("x")'  # never a formula in a spreadsheet
    assert rows[1][4] == "06 12 34 56 78" and rows[1][5] == "Nouvelle"

    workbook = client.get("/backoffice/export.xlsx", {"tab": "all"})
    assert workbook.status_code == 200
    content = b"".join(workbook.streaming_content)
    sheet = load_workbook(io.BytesIO(content)).active
    references = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert set(references) == {mine.reference, other.reference}  # not service B's
    assert theirs.reference not in references
    assert AccessLog.objects.filter(kind="export", user=agent_a).count() == 2


def test_it_filters_by_channel_and_filing_dates(client, agent_a, procedure_a):
    import datetime

    from django.utils import timezone

    day = datetime.timedelta(days=1)
    old = submit(procedure_a, channel="phone", submitted_at=timezone.now() - 10 * day)
    recent = submit(procedure_a, channel="web")
    client.force_login(agent_a)
    by_phone = client.get(INBOX, {"tab": "all", "channel": "phone"}).text
    assert old.reference in by_phone and recent.reference not in by_phone
    today = timezone.localdate()
    since = client.get(INBOX, {"tab": "all", "since": (today - 2 * day).isoformat()}).text
    assert recent.reference in since and old.reference not in since
    until = client.get(INBOX, {"tab": "all", "until": (today - 5 * day).isoformat()}).text
    assert old.reference in until and recent.reference not in until
    ignored = client.get(INBOX, {"tab": "all", "channel": "pigeon", "since": "hier"})
    assert ignored.status_code == 200 and old.reference in ignored.text  # bad filters off


def test_it_filters_by_state_named_as_the_workflows_name_it(client, agent_a, procedure_a):
    received, started = submit(procedure_a), submit(procedure_a)
    new = submit(procedure_a)
    actions.transition_case(case=received, transition="receive", actor=agent_a)
    actions.transition_case(case=started, transition="start_now", actor=agent_a)
    client.force_login(agent_a)
    response = client.get(INBOX, {"state": "in_progress", "tab": "all"})
    shown = {case.reference for case in response.context["page_obj"]}
    assert shown == {started.reference}
    assert response.context["current_query"] == "tab=all&state=in_progress"
    choices = dict(response.context["form"].fields["state"].choices)
    assert choices["received"] == "Reçue" and choices["_merged"] == "Fusionnée (doublon)"
    # A state no workflow has is ignored, as any stale filter.
    response = client.get(INBOX, {"state": "volcan", "tab": "all"})
    shown = {case.reference for case in response.context["page_obj"]}
    assert shown == {received.reference, started.reference, new.reference}
