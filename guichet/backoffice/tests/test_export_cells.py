"""What the cells of the CSV and Excel exports hold: the agent in charge (or nothing), and
dates as the organization's clock reads them."""

import csv
import datetime
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from guichet.cases import actions
from guichet.conftest import submit

pytestmark = pytest.mark.django_db

AGENT, DUE = 7, 10  # columns: "Agent en charge", "Échéance"


def _csv_rows(client):
    response = client.get("/backoffice/export.csv", {"tab": "all"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text), delimiter=";"))[1:]


def _xlsx_rows(client):
    response = client.get("/backoffice/export.xlsx", {"tab": "all"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_an_unassigned_case_has_an_empty_agent_cell(client, agent_a, procedure_a):
    unassigned = submit(procedure_a)
    taken = submit(procedure_a)
    actions.assign_case(case=taken, assignee=agent_a, actor=agent_a)
    client.force_login(agent_a)
    for rows in (_csv_rows(client), _xlsx_rows(client)):
        agents = {row[0]: row[AGENT] for row in rows}
        assert agents[unassigned.reference] in ("", None)
        assert agents[taken.reference] == f"{agent_a.first_name} {agent_a.last_name}".strip()
        assert "None" not in str(agents[taken.reference])


def test_the_due_date_is_the_local_day_in_both_exports(client, agent_a, procedure_a):
    case = submit(procedure_a)
    due = timezone.localtime(case.due_at)  # the end of a day in Paris: 23:59:59.999999
    assert (due.hour, due.minute) == (23, 59)
    client.force_login(agent_a)
    [row] = _csv_rows(client)
    assert row[DUE] == f"{due:%d/%m/%Y} 23:59"
    [cells] = _xlsx_rows(client)
    value = cells[DUE]
    assert isinstance(value, datetime.datetime) and value.tzinfo is None
    assert value.date() == due.date()  # not the next day
    assert (value.hour, value.minute) == (23, 59)
    created = timezone.localtime(case.created_at).replace(tzinfo=None, microsecond=0)
    assert abs(cells[DUE - 1] - created) < datetime.timedelta(seconds=1)


def test_the_excel_cells_read_as_day_month_year(client, agent_a, procedure_a):
    submit(procedure_a)
    client.force_login(agent_a)
    response = client.get("/backoffice/export.xlsx", {"tab": "all"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(row=2, column=DUE + 1).number_format == "dd/mm/yyyy hh:mm"
