"""The address search of location fields, for every door (lib/geocoder.py does the calls).

Two ways in, one result:

- with JavaScript, the address input is a combobox (`guichet/address.js`) whose suggestions
  come from `address_search`, a proxy on our own origin: rate-limited per client and cached;
- without it, the input has a "Chercher" button (`name="geocode"`, its value the input's
  name); the view saves what was typed, runs `search_for_form` and shows the step again with
  the candidates as radio buttons (`name="geocode-pick"`). A later post carrying a pick
  (`apply_pick`) fills the address, the latitude and the longitude, as the combobox does.

Either way the form engine judges the point (inside the organization's territory) when the
step goes on: a candidate outside is shown, marked, and refused with the engine's message.
"""

import json

from django.conf import settings
from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from guichet.lib import geocoder
from guichet.lib.geo import area_contains

from .ratelimit import client_key, hit
from .widgets import AddressSearchInput, point_names

SEARCH_BUTTON = "geocode"
PICK = "geocode-pick"
TARGET = "geocode-target"


def _territory(request):
    organization = getattr(request, "organization", None)
    return organization.territory() if organization is not None else None


def candidates(request, text) -> list[dict]:
    """The geocoder's candidates for `text`, each marked `inside` the organization's
    territory or not. Raises geocoder.GeocoderError."""
    territory = _territory(request)
    results = []
    for candidate in geocoder.search(text):
        inside = not territory or area_contains(
            territory, latitude=candidate.latitude, longitude=candidate.longitude
        )
        results.append(
            {
                "label": candidate.label,
                "lat": round(candidate.latitude, 6),
                "lng": round(candidate.longitude, 6),
                "inside": inside,
            }
        )
    return results


def _allowed(request) -> bool:
    return hit(
        f"geocoder:{client_key(request)}",
        limit=settings.GUICHET_GEOCODER_RATE_LIMIT,
        window=60,
    )


def outside_message() -> str:
    return _("hors du territoire de la collectivité")


@require_GET
def address_search(request):
    """Suggestions for the combobox: {"results": [{label, lat, lng, inside}], "message"}."""
    if not geocoder.is_enabled():
        raise Http404
    query = geocoder.clean_query(request.GET.get("q", ""))
    if not _allowed(request):
        response = JsonResponse(
            {"results": [], "message": _("Trop de recherches : patientez une minute.")},
            status=429,
        )
        response["Retry-After"] = "60"
        return response
    try:
        results = candidates(request, query)
    except geocoder.GeocoderError:
        return JsonResponse(
            {
                "results": [],
                "message": _(
                    "La recherche d'adresse ne répond pas : saisissez l'adresse, et placez le "
                    "point sur la carte si vous le souhaitez."
                ),
            },
            status=502,
        )
    response = JsonResponse({"results": results, "outside": outside_message()})
    response["Cache-Control"] = "private, max-age=300"
    return response


# --- Without JavaScript ---------------------------------------------------------------------


def attach(form, result: dict | None) -> None:
    """Hands the result of a search to the address inputs of `form` (AddressSearchInput,
    alone or inside a composite widget), which show it under the input it belongs to."""
    if not result:
        return
    for field in form.fields.values():
        widget = field.widget
        for sub in getattr(widget, "widgets", [widget]):
            if isinstance(sub, AddressSearchInput):
                sub.search = result


def wants_search(post) -> str | None:
    """The address input's name when "Chercher" was pressed, else None."""
    name = post.get(SEARCH_BUTTON)
    return name if name and point_names(name) else None


def search_for_form(request, address_name: str) -> dict:
    """What the page shows under the address input after "Chercher": the candidates (or the
    reason there are none), keyed by the input's name for the widget."""
    text = request.POST.get(address_name, "")
    result = {"name": address_name, "query": geocoder.clean_query(text), "candidates": []}
    if len(result["query"]) < geocoder.MIN_QUERY_LENGTH:
        result["message"] = _("Saisissez au moins trois caractères de l'adresse, puis cherchez.")
        return result
    if not _allowed(request):
        result["message"] = _("Trop de recherches : patientez une minute.")
        return result
    try:
        found = candidates(request, text)
    except geocoder.GeocoderError:
        result["message"] = _(
            "La recherche d'adresse ne répond pas : saisissez l'adresse, et placez le point "
            "sur la carte si vous le souhaitez."
        )
        return result
    for candidate in found:
        candidate["value"] = json.dumps(
            [candidate["label"], candidate["lat"], candidate["lng"]], ensure_ascii=False
        )
    result["candidates"] = found
    if not found:
        result["message"] = _("Aucune adresse trouvée : vérifiez ce que vous avez saisi.")
    return result


def apply_pick(post):
    """`post` (a QueryDict) with the picked candidate's label, latitude and longitude in the
    address inputs it belongs to; unchanged without a readable pick. The pick is what the
    citizen could have typed: the form engine judges it as such."""
    target, raw = post.get(TARGET, ""), post.get(PICK, "")
    names = point_names(target) if target else None
    if not names or not raw:
        return post
    try:
        label, lat, lng = json.loads(raw)
    except (ValueError, TypeError):
        return post
    if not isinstance(label, str) or not all(
        isinstance(value, int | float) and not isinstance(value, bool) for value in (lat, lng)
    ):
        return post
    post = post.copy()
    post[target] = label[:300]
    post[names[0]] = str(lat)
    post[names[1]] = str(lng)
    post.pop(PICK, None)
    post.pop(TARGET, None)
    return post
