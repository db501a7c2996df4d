"""The inbox's layout in a real browser: on a phone the filters fold away so that the cases
come first; on a desktop the list is wide enough for a procedure's name. axe-core on each."""

import pytest
from playwright.sync_api import expect

from guichet.conftest import PASSWORD, check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The number of lines the text of the "Démarche" cell of the first row is laid out on.
PROCEDURE_LINES = """() => {
  const cell = document.querySelector(".case-table tbody tr td:nth-child(3)");
  const range = document.createRange();
  range.selectNodeContents(cell.firstChild);
  const tops = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
  return tops.size;
}"""


def log_in(page, user, next_url="/backoffice/"):
    page.goto(f"/backoffice/connexion/?next={next_url}")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url(f"**{next_url}")


def test_the_filters_fold_on_a_phone_and_open_when_used(page, agent_a, procedure_a):
    case = submit(procedure_a)
    log_in(page, agent_a)
    search = page.get_by_role("search", name="Filtrer les demandes")
    expect(search.get_by_label("Rechercher")).to_be_visible()  # the search stays at hand
    procedure = search.get_by_label("Démarche")
    if page.width < 600:
        expect(procedure).to_be_hidden()
        assert search.bounding_box()["height"] < 400  # no longer the whole first screen
        search.get_by_text("Plus de filtres").click()
    expect(procedure).to_be_visible()
    check_accessibility(page)
    procedure.select_option(label=procedure_a.title)
    search.get_by_role("button", name="Filtrer").click()
    page.wait_for_url("**procedure=**")
    # A filter in use is never hidden, whatever the width.
    expect(search.get_by_label("Démarche")).to_be_visible()
    expect(search.get_by_text("Plus de filtres (1 actif)")).to_be_visible()
    expect(page.get_by_role("link", name=case.reference)).to_be_visible()
    check_accessibility(page)


def test_a_procedures_name_takes_two_lines_at_most_on_a_desktop(desktop_page, agent_a, procedure_a):
    page = desktop_page
    submit(procedure_a, contact_name="Marie-Christine de La Tour-Dupont")
    log_in(page, agent_a)
    assert page.evaluate(PROCEDURE_LINES) <= 2
    check_accessibility(page)
