from django.http import Http404


def inbox(request, **kwargs):
    raise Http404


login = case_detail = case_transition = case_assign = case_message = case_note = inbox
