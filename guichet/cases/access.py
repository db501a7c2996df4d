"""Fetching cases for a person: every door goes through these, and outsiders get a 404.

"Missing" and "forbidden" give the same answer, so nobody can probe which cases exist.
"""

import hmac

from django.http import Http404

from guichet.organization.access import get_membership

from .models import Case, Draft, normalize_tracking_code


def can_handle(user, case) -> bool:
    """May this user (an agent) see and work on this case?"""
    membership = get_membership(user, case.organization)
    if membership is None:
        return False
    if membership.sees_all_services:
        return True
    return membership.services.filter(pk=case.service_id).exists()


def get_case_for_agent(user, organization, reference: str) -> Case:
    membership = get_membership(user, organization)
    if membership is None:
        raise Http404
    case = (
        Case.objects.visible_to(membership)
        .select_related("procedure", "version", "service", "assignee", "organization")
        .filter(reference=reference)
        .first()
    )
    if case is None:
        raise Http404
    return case


def get_case_by_tracking_code(organization, code: str, reference: str | None = None) -> Case:
    """The case whose secret tracking code this is, in this organization (and with this
    reference, when the citizen typed one)."""
    code = normalize_tracking_code(code or "")
    if len(code) < 8:
        raise Http404
    case = (
        Case.objects.filter(organization=organization, tracking_code=code)
        .select_related("procedure", "version", "service", "organization")
        .first()
    )
    if case is None or not hmac.compare_digest(case.tracking_code, code):
        raise Http404
    if reference is not None and case.reference != reference.strip().upper():
        raise Http404
    return case


def get_case_for_citizen(user, organization, reference: str) -> Case:
    """A case filed by this signed-in citizen."""
    if not user.is_authenticated:
        raise Http404
    case = (
        Case.objects.filter(organization=organization, citizen=user, reference=reference)
        .select_related("procedure", "version", "service", "organization")
        .first()
    )
    if case is None:
        raise Http404
    return case


def get_draft(organization, token: str, user) -> Draft:
    """A form in progress, by its secret token. An anonymous citizen's draft opens for
    whoever holds the link; a signed-in citizen's for that citizen only."""
    draft = (
        Draft.objects.filter(organization=organization, token=token)
        .select_related("procedure", "procedure__current_version")
        .first()
        if token
        else None
    )
    if draft is None or not hmac.compare_digest(draft.token, token):
        raise Http404
    if draft.citizen_id is not None and (not user.is_authenticated or user.pk != draft.citizen_id):
        raise Http404
    return draft
