"""Fetching cases for a person: every door goes through these, and outsiders get a 404.

"Missing" and "forbidden" give the same answer, so nobody can probe which cases exist.
"""

import hmac

from django.db.models import Q
from django.http import Http404

from guichet.organization.access import get_membership
from guichet.organization.models import ApiClient, Role

from .models import Case, Draft, Mandate, normalize_tracking_code


def acting_role(actor, organization) -> str | None:
    """The role an actor works with in `organization`: a member's, an agent's for an API
    client of that organization; None for anyone else."""
    if isinstance(actor, ApiClient):
        return Role.AGENT if actor.organization_id == organization.pk else None
    membership = get_membership(actor, organization)
    return membership.role if membership is not None else None


def can_handle(user, case) -> bool:
    """May this user (an agent, or an API client) see and work on this case?"""
    if isinstance(user, ApiClient):
        return user.handles(case)
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


def helper_mandates(user, organization):
    """The mandates in force that other citizens gave this account in `organization`."""
    return (
        Mandate.objects.active()
        .for_helper(user)
        .filter(organization=organization)
        .select_related("citizen")
        .prefetch_related("procedures")
    )


def cases_for_helper(user, organization):
    """The cases this account may follow for others: those of the citizens who gave it a
    mandate in force, within the procedures each mandate covers."""
    condition = None
    for mandate in helper_mandates(user, organization):
        scope = Q(citizen_id=mandate.citizen_id)
        if not mandate.all_procedures:
            scope &= Q(procedure__in=[procedure.pk for procedure in mandate.procedures.all()])
        condition = scope if condition is None else condition | scope
    if condition is None:
        return Case.objects.none()
    return Case.objects.filter(organization=organization).filter(condition)


def get_case_for_helper(user, organization, reference: str) -> Case:
    """A case that a mandate in force lets this account follow; 404 otherwise (revoked,
    expired, out of scope, or simply not there)."""
    if not user.is_authenticated:
        raise Http404
    case = (
        cases_for_helper(user, organization)
        .filter(reference=reference)
        .select_related("procedure", "version", "service", "organization", "citizen")
        .first()
    )
    if case is None:
        raise Http404
    return case


def get_mandate_for_citizen(user, organization, pk: int) -> Mandate:
    """One of the mandates this citizen gave in this organization."""
    if not user.is_authenticated:
        raise Http404
    mandate = Mandate.objects.filter(organization=organization, citizen=user, pk=pk).first()
    if mandate is None:
        raise Http404
    return mandate


def get_mandate_for_helper(user, organization, pk: int) -> Mandate:
    """A mandate in force given to this account."""
    mandate = helper_mandates(user, organization).filter(pk=pk).first() if pk else None
    if mandate is None:
        raise Http404
    return mandate
