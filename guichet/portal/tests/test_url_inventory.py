"""Every portal address that takes an id, a code, a token or a slug, with the test that shows
an outsider (another citizen, another organization, no code) gets 404 there. A new address
fails this test until its isolation is tested and listed here."""

from guichet.portal import urls

ISOLATION_TESTS = {
    "track": "test_tracking.py::test_it_refuses_an_unknown_code (and another organization's)",
    "attachment": "test_tracking.py::test_it_refuses_an_attachment_of_another_case",
    "procedure": "test_procedure_form.py::test_it_does_not_show_an_unpublished_procedure",
    "confirmation": "test_confirmation.py::test_it_hides_the_confirmation_from_another_browser",
    "draft_resume": "test_drafts.py::test_another_persons_draft_is_not_found",
    "draft_step": "test_drafts.py::test_another_persons_draft_is_not_found",
    "draft_summary": "test_drafts.py::test_another_persons_draft_is_not_found",
    "draft_delete": "test_drafts.py::test_another_persons_draft_is_not_found",
    "draft_autosave": (
        "test_drafts.py::test_autosave_refuses_a_later_step_without_a_draft_and_others_drafts"
    ),
    "info_page": "test_info.py::test_pages_citizens_may_not_read_answer_404 (and other org's)",
    "info_feedback": "test_info.py::test_feedback_and_answers_need_a_visible_page",
    "info_answered": "test_info.py::test_feedback_and_answers_need_a_visible_page",
    "theme": "test_info.py::test_themes_and_life_events_list_what_citizens_may_read",
    "life_event": "test_info.py::test_themes_and_life_events_list_what_citizens_may_read",
    "place": "test_places.py::test_a_place_of_another_organization_answers_404",
    "procedure_answers": "test_info.py::test_answers_are_only_for_a_published_procedure_here",
}


def test_every_address_with_a_parameter_has_its_isolation_test():
    with_parameters = {pattern.name for pattern in urls.urlpatterns if pattern.pattern.converters}
    assert with_parameters == set(ISOLATION_TESTS)
