"""What an API client may see: the cases of its organization's services it was given (or of
all of them). Outsiders' cases answer 404, as missing ones do."""

from django.http import Http404

from guichet.cases.models import Case


def visible_cases(client):
    cases = Case.objects.filter(organization_id=client.organization_id)
    ids = client.service_ids()
    if ids is not None:
        cases = cases.filter(service_id__in=ids)
    return cases


def get_case_for_client(client, reference: str) -> Case:
    case = (
        visible_cases(client)
        .select_related("procedure", "version", "service", "assignee", "organization")
        .filter(reference=reference.strip().upper()[:32])
        .first()
    )
    if case is None:
        raise Http404
    return case
