"""Address search against a geocoder with the Base Adresse Nationale's API shape.

`GET <GUICHET_GEOCODER_URL>/search/?q=<text>&limit=5` answers a GeoJSON FeatureCollection
whose features carry a Point and the properties `label`, `score`, `housenumber`, `street`,
`postcode`, `city`, `citycode` (https://adresse.data.gouv.fr/outils/api-doc/adresse): the
national service, or an `addok` server of one's own, which speaks the same API.

Only the server talks to the geocoder: the browser asks Guichet (a proxy view, rate-limited),
so that no citizen's typing leaves for a third party from their browser and the CSP stays
closed. Answers are cached for a day, keyed by the text searched.
"""

import hashlib
import json
import logging
import math
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache

logger = logging.getLogger(__name__)

# Fewer letters than this find nothing useful, and cost a call.
MIN_QUERY_LENGTH = 3
MAX_QUERY_LENGTH = 200
MAX_RESULTS = 5
CACHE_SECONDS = 24 * 3600
TIMEOUT_SECONDS = 5


class GeocoderError(Exception):
    """The geocoder could not be reached, or answered something unreadable."""


@dataclass(frozen=True)
class AddressCandidate:
    """One address the geocoder proposes, with its point."""

    label: str
    latitude: float
    longitude: float
    score: float = 0.0
    housenumber: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    citycode: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def is_enabled() -> bool:
    return bool(settings.GUICHET_GEOCODER_URL)


def clean_query(text) -> str:
    """The text as searched: spaces folded, at most MAX_QUERY_LENGTH characters."""
    return " ".join(str(text or "").split())[:MAX_QUERY_LENGTH]


def _number(value):
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _candidate(feature) -> AddressCandidate | None:
    """A feature as a candidate; None for one without a label or a readable point."""
    if not isinstance(feature, dict):
        return None
    geometry = feature.get("geometry") or {}
    properties = feature.get("properties") or {}
    coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
    if not isinstance(properties, dict) or not isinstance(coordinates, list):
        return None
    if len(coordinates) < 2:
        return None
    longitude, latitude = _number(coordinates[0]), _number(coordinates[1])
    label = properties.get("label")
    if longitude is None or latitude is None or not isinstance(label, str) or not label:
        return None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None

    def text(key):
        value = properties.get(key)
        return str(value)[:200] if isinstance(value, str | int) else ""

    return AddressCandidate(
        label=label[:300],
        latitude=latitude,
        longitude=longitude,
        score=_number(properties.get("score")) or 0.0,
        housenumber=text("housenumber"),
        street=text("street"),
        postcode=text("postcode"),
        city=text("city"),
        citycode=text("citycode"),
    )


def _fetch(query: str, limit: int) -> list[dict]:
    base = settings.GUICHET_GEOCODER_URL.rstrip("/")
    url = f"{base}/search/?{urlencode({'q': query, 'limit': limit})}"
    request = urllib.request.Request(
        url, headers={"Accept": "application/json", "User-Agent": "Guichet"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            document = json.loads(response.read(1_000_000).decode("utf-8"))
    except (urllib.error.URLError, OSError, ValueError) as error:
        logger.warning("geocoder unreachable or unreadable: %s", error)
        raise GeocoderError(str(error)) from error
    features = document.get("features") if isinstance(document, dict) else None
    if not isinstance(features, list):
        raise GeocoderError("no features in the answer")
    return features


def search(text, *, limit: int = MAX_RESULTS) -> list[AddressCandidate]:
    """The addresses matching `text`, best first (at most `limit`). An empty list when the
    search is off or the text too short; GeocoderError when the geocoder fails."""
    query = clean_query(text)
    if not is_enabled() or len(query) < MIN_QUERY_LENGTH:
        return []
    limit = max(1, min(limit, MAX_RESULTS))
    digest = hashlib.sha256(
        f"{settings.GUICHET_GEOCODER_URL}\n{limit}\n{query.casefold()}".encode()
    ).hexdigest()
    key = f"geocoder:{digest}"
    cached = cache.get(key)
    if cached is None:
        cached = [
            candidate.as_dict()
            for candidate in map(_candidate, _fetch(query, limit))
            if candidate is not None
        ][:limit]
        cache.set(key, cached, CACHE_SECONDS)
    return [AddressCandidate(**entry) for entry in cached]
