"""What a newcomer found on the portal (issue 13), in a real browser at a phone's and a
desktop's width, with axe-core on every page."""

import pytest
from allauth.account.models import EmailAddress

from guichet.catalog.actions import save_info_page
from guichet.conftest import PASSWORD, check_accessibility, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, user):
    EmailAddress.objects.get_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )
    page.goto("/compte/login/")
    page.get_by_label("Adresse e-mail").fill(user.email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.locator("form.account-form button[type=submit]").click()
    page.wait_for_url("**/mon-espace/")


def scrolls_sideways(page, selector="html") -> bool:
    """Whether the page, or anything in `selector`, scrolls sideways (a table in a scrolling
    wrapper does, even when the page itself does not)."""
    return page.evaluate(
        """(selector) => {
            const root = document.scrollingElement;
            if (root.scrollWidth > root.clientWidth) return true;
            const width = document.documentElement.clientWidth;
            return [...document.querySelectorAll(selector + ", " + selector + " *")].some(
                (e) => (["auto", "scroll"].includes(getComputedStyle(e).overflowX)
                        && e.scrollWidth > e.clientWidth + 1)
                    || e.getBoundingClientRect().right > width + 1);
        }""",
        selector,
    )


def test_the_list_of_requests_fits_a_phone(page, citizen, procedure_a, procedure_b):
    for procedure in (procedure_a, procedure_b, procedure_a):
        submit(procedure, citizen=citizen)
    log_in(page, citizen)
    assert not scrolls_sideways(page, "section[aria-labelledby=my-cases-title]")
    requests = page.get_by_role("region", name="Mes demandes")
    for case in citizen.cases.all():
        requests.get_by_role("link", name=case.reference).wait_for()
    check_accessibility(page)


def test_deleting_the_account_lands_on_the_home_page_address(page, org, citizen):
    log_in(page, citizen)
    page.goto("/mon-espace/supprimer-mon-compte/")
    page.get_by_label("Votre mot de passe, pour confirmer").fill(PASSWORD)
    page.get_by_role("button", name="Supprimer mon compte").click()
    page.get_by_role("dialog", name="Confirmer").get_by_role(
        "button", name="Supprimer mon compte"
    ).click()
    page.get_by_text("Votre compte est supprimé.").wait_for()
    assert page.evaluate("location.pathname") == "/"
    check_accessibility(page)


def test_the_language_changes_as_soon_as_it_is_chosen(page, org):
    page.goto("/")
    assert not page.get_by_role("button", name="Changer").is_visible()
    with page.expect_navigation():
        page.get_by_label("Langue").select_option("en")
    assert page.evaluate("document.documentElement.lang") == "en"
    page.get_by_role("button", name="Change").wait_for(state="hidden")
    check_accessibility(page)


def test_the_language_button_stays_without_javascript(browser, live_server, org):
    context = browser.new_context(
        java_script_enabled=False, base_url=live_server.url, locale="fr-FR"
    )
    page = context.new_page()
    try:
        page.goto("/")
        page.get_by_label("Langue").select_option("en")
        page.get_by_role("button", name="Changer").click()
        page.get_by_role("button", name="Change").wait_for()
        assert page.evaluate("document.documentElement.lang") == "en"
    finally:
        context.close()


@pytest.fixture
def question(org, procedure_a):
    return save_info_page(
        organization=org,
        actor=None,
        title="Horaires de la mairie",
        summary="Quand venir à l'accueil.",
        body="La mairie vous reçoit du lundi au vendredi.",
        procedures=[procedure_a],
        is_published=True,
    )


def test_suggested_answers_show_once_beside_the_question(page, question, procedure_a):
    page.goto(f"/demarches/{procedure_a.slug}/")
    page.get_by_label("Description").fill("Quels sont les horaires de la mairie ?")
    answers = page.get_by_role("complementary", name="Avant de faire votre demande")
    answers.get_by_role("link", name="Horaires de la mairie").first.wait_for()
    page.wait_for_load_state("networkidle")
    assert answers.get_by_role("link", name="Horaires de la mairie").count() == 1
    assert answers.get_by_text("Ces réponses correspondent peut-être à votre question").count() == 1
    question_box = page.get_by_label("Description").bounding_box()
    answers_box = answers.bounding_box()
    later = page.get_by_role("heading", name="Reprendre plus tard").bounding_box()
    if page.width >= 1000:  # beside the form: level with the question
        assert answers_box["x"] > question_box["x"] + question_box["width"]
        assert answers_box["y"] < question_box["y"] + question_box["height"]
    else:  # below the question, before the box to resume later
        assert answers_box["y"] > question_box["y"]
    assert answers_box["y"] < later["y"]
    assert not scrolls_sideways(page)
    check_accessibility(page)


def test_every_page_has_a_favicon(page, org):
    page.goto("/")
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert page.request.get(href).status == 200
    assert page.request.get("/favicon.ico").status == 200
    page.goto("/backoffice/connexion/")
    assert page.locator("link[rel=icon]").get_attribute("href") == href
