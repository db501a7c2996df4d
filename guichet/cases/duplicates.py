"""Likely duplicates of a case, for the agent's page: the same procedure, filed within
GUICHET_DUPLICATE_DAYS of it, and either within GUICHET_DUPLICATE_RADIUS_M of its point or
worded alike (most of the words of its answers in common)."""

import datetime

from django.conf import settings
from django.db.models import Q

from guichet.lib.geo import bounding_box, distance_m
from guichet.lib.text import words

from .search import _answers

MAX_CANDIDATES = 200
MAX_SHOWN = 5
SIMILARITY = 0.5  # shared words over the words of the shorter text


def _wording(case) -> set[str]:
    return {word for word in words(" ".join(_answers(case.data))) if len(word) > 2}


def likely_duplicates(case, visible) -> list[dict]:
    """Cases among `visible` (those the agent may see) that may report the same thing, the
    closest first: [{"case", "distance_m" or None, "similarity"}]."""
    days = datetime.timedelta(days=settings.GUICHET_DUPLICATE_DAYS)
    candidates = visible.filter(
        procedure_id=case.procedure_id,
        created_at__gte=case.created_at - days,
        created_at__lte=case.created_at + days,
    ).exclude(pk=case.pk)
    located = case.latitude is not None and case.longitude is not None
    radius = settings.GUICHET_DUPLICATE_RADIUS_M
    if located:
        south, west, north, east = bounding_box(
            latitude=case.latitude, longitude=case.longitude, radius_m=radius
        )
        near = Q(latitude__range=(south, north), longitude__range=(west, east))
        candidates = candidates.filter(near | Q(latitude__isnull=True))
    mine = _wording(case)
    found = []
    # The candidates' answers and places only: their procedure (its form and workflow, a
    # JSON document each) is read for the few shown, not for the 200 compared.
    compared = candidates.only("pk", "data", "latitude", "longitude")
    for other in compared.order_by("-created_at")[:MAX_CANDIDATES]:
        distance = None
        if located and other.latitude is not None and other.longitude is not None:
            distance = distance_m(case.latitude, case.longitude, other.latitude, other.longitude)
        theirs = _wording(other)
        shorter = min(len(mine), len(theirs))
        similarity = len(mine & theirs) / shorter if shorter else 0.0
        if (distance is not None and distance <= radius) or similarity >= SIMILARITY:
            found.append({"case": other, "distance_m": distance, "similarity": similarity})
    found.sort(key=lambda f: (f["distance_m"] is None, f["distance_m"] or 0, -f["similarity"]))
    found = found[:MAX_SHOWN]
    shown = visible.select_related("procedure").in_bulk([f["case"].pk for f in found])
    for finding in found:
        finding["case"] = shown[finding["case"].pk]
    return found
