from django.http import Http404


def home(request):
    raise Http404


track_lookup = track = procedure_form = confirmation = home
