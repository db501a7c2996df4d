"""Text resized to 200 % (WCAG 1.4.4) loses nothing: no page scrolls sideways."""

import pytest

from guichet.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = """() => {
    document.documentElement.style.fontSize = "200%";
    const width = document.documentElement.clientWidth;
    return [...document.querySelectorAll("body *")]
        .filter(e => {
            const box = e.getBoundingClientRect();
            // Wide tables scroll inside their wrapper, which is allowed.
            return box.right > width + 1 && !e.closest(".table-wrapper");
        })
        .slice(0, 5)
        .map(e => e.tagName + "." + e.className);
}"""


@pytest.fixture
def wide_page(browser, live_server):
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    yield page
    context.close()


def test_text_at_200_percent_needs_no_sideways_scrolling(wide_page, case_a, agent_a):
    page = wide_page
    pages = [
        "/",
        "/demarches/signaler-voirie/",
        f"/suivi/{case_a.tracking_code}/",
        "/accessibilite/",
    ]
    for url in pages:
        page.goto(url)
        assert page.evaluate(OVERFLOW) == [], url
    page.goto("/backoffice/connexion/")
    page.get_by_label("Adresse e-mail").fill(agent_a.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/backoffice/")
    for url in ["/backoffice/", f"/backoffice/demandes/{case_a.reference}/"]:
        page.goto(url)
        assert page.evaluate(OVERFLOW) == [], url


def test_the_narrowest_phones_need_no_sideways_scrolling(browser, live_server, case_a, agent_a):
    """320 CSS pixels, the width of the smallest phones still in use (WCAG 1.4.10)."""
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    overflow = OVERFLOW.replace('"200%"', '"100%"')
    try:
        for url in ["/", "/demarches/signaler-voirie/", f"/suivi/{case_a.tracking_code}/"]:
            page.goto(url)
            assert page.evaluate(overflow) == [], url
        page.goto("/backoffice/connexion/")
        page.get_by_label("Adresse e-mail").fill(agent_a.email)
        page.get_by_label("Mot de passe").fill(PASSWORD)
        page.get_by_role("button", name="Se connecter").click()
        page.wait_for_url("**/backoffice/")
        for url in ["/backoffice/", f"/backoffice/demandes/{case_a.reference}/"]:
            page.goto(url)
            assert page.evaluate(overflow) == [], url
    finally:
        context.close()
