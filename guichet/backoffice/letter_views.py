"""The letter to post to a citizen who writes by post ("Courrier à imprimer"): the
acknowledgement as a PDF with the address block at the window envelope's place
(cases/letters.py)."""

from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from guichet.cases.access import get_case_for_agent
from guichet.cases.audit import log_access
from guichet.cases.letters import postal_acknowledgement

from .decorators import agent_required


@never_cache
@agent_required(hide_from_outsiders=True)
@require_safe
def case_letter_pdf(request, reference):
    case = get_case_for_agent(request.user, request.organization, reference)
    name, content = postal_acknowledgement(case)
    log_access(
        user=request.user,
        organization=request.organization,
        kind="attachment",
        case=case,
        detail=name,
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
