"""Geography without a GIS: service areas as GeoJSON, points in them, distances between points.

Areas are GeoJSON geometries (RFC 7946) of type Polygon or MultiPolygon, with positions in
GeoJSON's order, [longitude, latitude]. The functions that take a point name its latitude and
longitude as keywords (the way cases store them), so that the two orders never get mixed up.

A few services per organization and polygons of a few thousand vertices need nothing more
than the plain ray-casting test here, behind a bounding-box check.
"""

import decimal
import math
from numbers import Real

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The mean radius of the Earth (IUGG), in metres.
EARTH_RADIUS_M = 6_371_008.8
AREA_TYPES = ("Polygon", "MultiPolygon")
# An area is read on every routed submission: beyond this, simplify it first.
MAX_POSITIONS = 50_000
# At most this many messages from one validation: the first ones say what is wrong.
MAX_ERRORS = 10


# --- Validation -----------------------------------------------------------------------------


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(value, bool) and math.isfinite(value)


def _ring_errors(ring, where: str) -> list[str]:
    """What is wrong with one linear ring (a list of positions, closed)."""
    if not isinstance(ring, list):
        return [_("%(where)s : un contour doit être une liste de positions.") % {"where": where}]
    errors = []
    for number, position in enumerate(ring, start=1):
        if (
            not isinstance(position, list)
            or len(position) not in (2, 3)
            or not all(_is_number(value) for value in position)
        ):
            errors.append(
                _(
                    "%(where)s, point n° %(n)s : une position s'écrit [longitude, latitude] "
                    "avec deux nombres."
                )
                % {"where": where, "n": number}
            )
        elif not (-180 <= position[0] <= 180 and -90 <= position[1] <= 90):
            errors.append(
                _(
                    "%(where)s, point n° %(n)s : [%(lng)s, %(lat)s] n'existe pas ; la longitude "
                    "va de -180 à 180 et la latitude de -90 à 90, dans cet ordre."
                )
                % {"where": where, "n": number, "lng": position[0], "lat": position[1]}
            )
        if len(errors) >= MAX_ERRORS:
            return errors
    if errors:
        return errors
    if len(ring) < 4:
        return [
            _("%(where)s : un contour a besoin d'au moins quatre positions (trois sommets).")
            % {"where": where}
        ]
    if ring[0][:2] != ring[-1][:2]:
        return [
            _(
                "%(where)s : le contour n'est pas fermé (la dernière position doit répéter "
                "la première)."
            )
            % {"where": where}
        ]
    if _signed_area(ring) == 0:
        return [_("%(where)s : le contour n'a pas de surface.") % {"where": where}]
    return []


def _polygon_errors(rings, where: str) -> list[str]:
    if not isinstance(rings, list) or not rings:
        return [
            _("%(where)s : un polygone est une liste de contours, le contour extérieur d'abord.")
            % {"where": where}
        ]
    errors = []
    for number, ring in enumerate(rings):
        label = (
            _("%(where)s, contour extérieur") % {"where": where}
            if number == 0
            else _("%(where)s, trou n° %(n)s") % {"where": where, "n": number}
        )
        errors += _ring_errors(ring, label)
    if errors:
        return errors
    outer = rings[0]
    for number, hole in enumerate(rings[1:], start=1):
        if not all(_ring_covers(outer, position[0], position[1]) for position in hole):
            errors.append(
                _("%(where)s : le trou n° %(n)s sort du contour extérieur.")
                % {"where": where, "n": number}
            )
    return errors


def area_errors(geojson) -> list[str]:
    """Everything wrong with a service area, as French sentences (empty when it is valid)."""
    if not isinstance(geojson, dict):
        return [_("Le secteur doit être un objet GeoJSON de type Polygon ou MultiPolygon.")]
    kind = geojson.get("type")
    if kind == "Feature":
        return [
            _(
                "Le secteur est un objet « Feature » : collez seulement sa « geometry », de type "
                "Polygon ou MultiPolygon."
            )
        ]
    if kind == "FeatureCollection":
        return [
            _(
                "Le secteur est une « FeatureCollection » : collez la « geometry » d'un seul "
                "objet, de type Polygon ou MultiPolygon (réunissez plusieurs zones dans un "
                "MultiPolygon)."
            )
        ]
    if kind is None:
        return [_("Le secteur n'a pas de « type » : indiquez Polygon ou MultiPolygon.")]
    if kind not in AREA_TYPES:
        return [
            _(
                "Le type de géométrie « %(type)s » n'est pas accepté : utilisez Polygon ou "
                "MultiPolygon."
            )
            % {"type": kind}
        ]
    coordinates = geojson.get("coordinates")
    if coordinates is None:
        return [_("La géométrie n'a pas de « coordinates ».")]
    if kind == "Polygon":
        errors = _polygon_errors(coordinates, _("Polygone"))
    elif not isinstance(coordinates, list) or not coordinates:
        errors = [_("Un MultiPolygon est une liste non vide de polygones.")]
    else:
        errors = []
        for number, polygon in enumerate(coordinates, start=1):
            errors += _polygon_errors(polygon, _("Polygone n° %(n)s") % {"n": number})
            if len(errors) >= MAX_ERRORS:
                break
    if not errors and _count_positions(geojson) > MAX_POSITIONS:
        errors = [
            _("Le secteur compte plus de %(max)s positions : simplifiez son tracé.")
            % {"max": MAX_POSITIONS}
        ]
    return errors[:MAX_ERRORS]


def validate_area(geojson) -> None:
    """Raises ValidationError, with one message per problem found, unless `geojson` is a valid
    Polygon or MultiPolygon (closed rings of [longitude, latitude] positions, holes inside
    their polygon)."""
    errors = area_errors(geojson)
    if errors:
        raise ValidationError(errors)


# --- Points in areas ------------------------------------------------------------------------


def _polygons(geometry) -> list:
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    if geometry["type"] == "MultiPolygon":
        return geometry["coordinates"]
    raise ValueError(geometry["type"])


def _count_positions(geometry) -> int:
    return sum(len(ring) for polygon in _polygons(geometry) for ring in polygon)


def _signed_area(ring) -> float:
    return sum(
        ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1] for i in range(len(ring) - 1)
    )


def _on_segment(x, y, x1, y1, x2, y2) -> bool:
    if (x2 - x1) * (y - y1) != (x - x1) * (y2 - y1):
        return False
    return min(x1, x2) <= x <= max(x1, x2) and min(y1, y2) <= y <= max(y1, y2)


def _ring_position(ring, x: float, y: float) -> int:
    """1 inside the ring, 0 on its boundary, -1 outside (ray casting, even-odd rule)."""
    inside = False
    for i in range(len(ring) - 1):
        x1, y1 = ring[i][0], ring[i][1]
        x2, y2 = ring[i + 1][0], ring[i + 1][1]
        if _on_segment(x, y, x1, y1, x2, y2):
            return 0
        # Half-open rule on y: a vertex on the ray is counted once.
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            inside = not inside
    return 1 if inside else -1


def _ring_covers(ring, x: float, y: float) -> bool:
    return _ring_position(ring, x, y) >= 0


def _polygon_contains(rings, x: float, y: float) -> bool:
    # A point on a boundary belongs to the area: two services sharing a street both hold
    # it, and routing takes the first of them in its order.
    if _ring_position(rings[0], x, y) < 0:
        return False
    return all(_ring_position(hole, x, y) <= 0 for hole in rings[1:])


def area_contains(area, *, latitude: float, longitude: float) -> bool:
    """Whether the point lies in the area (boundaries included, holes excluded).

    An empty or unreadable area contains nothing: a bad area stored before it was validated
    must not stop a case from being filed.
    """
    if not area or latitude is None or longitude is None:
        return False
    try:
        for rings in _polygons(area):
            xs = [position[0] for position in rings[0]]
            ys = [position[1] for position in rings[0]]
            if not (min(xs) <= longitude <= max(xs) and min(ys) <= latitude <= max(ys)):
                continue
            if _polygon_contains(rings, longitude, latitude):
                return True
    except (KeyError, IndexError, TypeError, ValueError, ZeroDivisionError):
        return False
    return False


def location_error(latitude, longitude, area=None) -> str | None:
    """Why a point given for a case cannot be accepted, as a sentence, or None when it can
    (or when there is none). Both coordinates are needed, numbers, within the Earth's ranges,
    and inside `area` (the organization's territory) when one is known and valid."""
    if latitude is None and longitude is None:
        return None
    if latitude is None or longitude is None:
        return _("Une position a besoin d'une latitude et d'une longitude.")
    if not all(
        isinstance(value, Real | decimal.Decimal)
        and not isinstance(value, bool)
        and math.isfinite(value)
        for value in (latitude, longitude)
    ):
        return _("La position se donne en deux nombres : une latitude et une longitude.")
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return _("Cette position n'existe pas.")
    # An area stored before it was checked must not stop a case from being filed.
    inside = (
        not area
        or area_errors(area)
        or area_contains(area, latitude=float(latitude), longitude=float(longitude))
    )
    if not inside:
        return _(
            "Ce point est en dehors du territoire de la collectivité : placez-le sur le "
            "lieu concerné, ou laissez la position vide."
        )
    return None


# --- Distances ------------------------------------------------------------------------------


def distance_m(latitude1: float, longitude1: float, latitude2: float, longitude2: float) -> float:
    """The great-circle distance in metres between two points (haversine formula; within 0.5 %
    of the ellipsoidal distance, plenty for "reports within 250 m")."""
    phi1, phi2 = math.radians(latitude1), math.radians(latitude2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(longitude2 - longitude1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(*, latitude: float, longitude: float, radius_m: float):
    """(min_latitude, min_longitude, max_latitude, max_longitude) of a box that holds every
    point within `radius_m` of the given one: an indexable pre-filter before `distance_m`."""
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    cos_lat = math.cos(math.radians(latitude))
    d_lng = 180.0 if cos_lat < 1e-9 else min(180.0, d_lat / cos_lat)
    return (
        max(-90.0, latitude - d_lat),
        max(-180.0, longitude - d_lng),
        min(90.0, latitude + d_lat),
        min(180.0, longitude + d_lng),
    )
