"""Every portal address that takes an id, a code, a token or a slug, with the test that shows
an outsider (another citizen, another organization, no code) gets 404 there. A new address
fails this test until its isolation is tested and listed here."""

from guichet.portal import urls

APPOINTMENTS_ISOLATION = (
    "appointments/tests/test_portal_booking.py::"
    "test_another_organization_s_agendas_and_appointments_answer_404"
)
WAITING_ISOLATION = (
    "appointments/tests/test_waiting_list.py::test_a_forged_or_foreign_offer_link_answers_404"
)
ISOLATION_TESTS = {
    "track": "test_tracking.py::test_it_refuses_an_unknown_code (and another organization's)",
    "attachment": "test_tracking.py::test_it_refuses_an_attachment_of_another_case",
    "tacit_certificate": (
        "test_silence_rule.py::test_another_organization_s_case_gets_404 (and an unknown code)"
    ),
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
    "mandate_revoke": "test_mandates.py::test_only_the_giver_may_revoke",
    "helped_cases": "test_mandates.py::test_a_stranger_gets_404 (and once revoked or expired)",
    "helped_case": "test_mandates.py::test_a_helper_sees_only_what_the_mandate_covers",
    "appointment_week": APPOINTMENTS_ISOLATION,
    "appointment_book": APPOINTMENTS_ISOLATION,
    "appointment_manage": APPOINTMENTS_ISOLATION,
    "appointment_short": APPOINTMENTS_ISOLATION,
    "appointment_cancel": APPOINTMENTS_ISOLATION,
    "satisfaction": "test_satisfaction.py::test_another_organizations_portal_refuses_the_link",
    "satisfaction_thanks": "test_satisfaction.py::test_a_tampered_link_gets_a_clear_400",
    "waiting_join": WAITING_ISOLATION,
    "waiting_offer": WAITING_ISOLATION,
}


def test_every_address_with_a_parameter_has_its_isolation_test():
    with_parameters = {pattern.name for pattern in urls.urlpatterns if pattern.pattern.converters}
    assert with_parameters == set(ISOLATION_TESTS)


# The public statistics (guichet/stats/public_urls.py, beside the portal under /statistiques/).
STATS_ISOLATION_TESTS = {
    "procedure": (
        "stats/tests/test_public.py::test_an_unpublished_or_other_procedure_is_not_found"
    ),
}


def test_every_statistics_address_with_a_parameter_has_its_isolation_test():
    from guichet.stats import public_urls

    with_parameters = {
        pattern.name for pattern in public_urls.urlpatterns if pattern.pattern.converters
    }
    assert with_parameters == set(STATS_ISOLATION_TESTS)
