"""Service areas in GeoJSON: points in polygons, validation messages, distances."""

import math

import pytest
from django.core.exceptions import ValidationError

from guichet.lib.geo import (
    EARTH_RADIUS_M,
    area_contains,
    area_errors,
    bounding_box,
    distance_m,
    validate_area,
)


def ring(*corners):
    """A closed ring from its corners, given as (longitude, latitude)."""
    return [list(corner) for corner in corners] + [list(corners[0])]


# A square of Démoville, 2.30–2.34 E × 48.84–48.88 N, with a square hole in its middle.
SQUARE = ring((2.30, 48.84), (2.34, 48.84), (2.34, 48.88), (2.30, 48.88))
HOLE = ring((2.31, 48.85), (2.33, 48.85), (2.33, 48.87), (2.31, 48.87))
POLYGON = {"type": "Polygon", "coordinates": [SQUARE]}
WITH_HOLE = {"type": "Polygon", "coordinates": [SQUARE, HOLE]}
# A U open to the north: the notch 2.31–2.33 × 48.85–48.88 is outside.
U_SHAPE = {
    "type": "Polygon",
    "coordinates": [
        ring(
            (2.30, 48.84),
            (2.34, 48.84),
            (2.34, 48.88),
            (2.33, 48.88),
            (2.33, 48.85),
            (2.31, 48.85),
            (2.31, 48.88),
            (2.30, 48.88),
        )
    ],
}
ISLANDS = {
    "type": "MultiPolygon",
    "coordinates": [
        [SQUARE, HOLE],
        [ring((2.40, 48.80), (2.42, 48.80), (2.42, 48.82), (2.40, 48.82))],
    ],
}


def inside(area, lng, lat):
    return area_contains(area, latitude=lat, longitude=lng)


def test_a_point_in_the_square_is_inside_and_one_beyond_is_outside():
    assert inside(POLYGON, 2.32, 48.86)
    assert not inside(POLYGON, 2.35, 48.86)
    assert not inside(POLYGON, 2.32, 48.89)
    assert not inside(POLYGON, 2.29, 48.83)


def test_positions_are_longitude_then_latitude():
    # The same numbers read as (latitude, longitude) fall far away, in the Indian Ocean.
    assert inside(POLYGON, 2.32, 48.86)
    assert not area_contains(POLYGON, latitude=2.32, longitude=48.86)


def test_a_point_in_a_hole_is_outside_and_around_it_inside():
    assert not inside(WITH_HOLE, 2.32, 48.86)
    assert inside(WITH_HOLE, 2.305, 48.86)
    assert inside(WITH_HOLE, 2.32, 48.845)


def test_boundaries_belong_to_the_area():
    assert inside(POLYGON, 2.30, 48.86)  # on the west edge
    assert inside(POLYGON, 2.34, 48.88)  # on a corner
    assert inside(WITH_HOLE, 2.31, 48.86)  # on the hole's edge


def test_a_concave_polygon_leaves_its_notch_outside():
    assert not inside(U_SHAPE, 2.32, 48.87)
    assert inside(U_SHAPE, 2.305, 48.87)
    assert inside(U_SHAPE, 2.335, 48.87)
    assert inside(U_SHAPE, 2.32, 48.845)


def test_a_ray_through_a_vertex_is_counted_once():
    # Points level with the U's inner corners (48.85) and with its top (48.88).
    assert inside(U_SHAPE, 2.305, 48.85)
    assert not inside(U_SHAPE, 2.29, 48.85)
    assert not inside(U_SHAPE, 2.35, 48.85)
    assert not inside(U_SHAPE, 2.32, 48.88)
    diamond = {"type": "Polygon", "coordinates": [ring((0, -1), (1, 0), (0, 1), (-1, 0))]}
    assert inside(diamond, 0, 0)
    assert not inside(diamond, -2, 0)
    assert not inside(diamond, 2, 0)
    assert not inside(diamond, 0.9, 0.9)


def test_a_multipolygon_holds_the_points_of_each_part():
    assert inside(ISLANDS, 2.41, 48.81)
    assert inside(ISLANDS, 2.305, 48.86)
    assert not inside(ISLANDS, 2.32, 48.86)  # the first part's hole
    assert not inside(ISLANDS, 2.37, 48.83)  # between the two


def test_a_triangle_and_an_altitude_are_fine():
    triangle = {
        "type": "Polygon",
        "coordinates": [[[0, 0, 10], [4, 0, 10], [0, 4, 10], [0, 0, 10]]],
    }
    validate_area(triangle)
    assert inside(triangle, 1, 1)
    assert not inside(triangle, 3, 3)


@pytest.mark.parametrize(
    "area",
    [
        None,
        {},
        {"type": "Polygon"},
        {"type": "Point", "coordinates": [2.3, 48.8]},
        {"type": "Polygon", "coordinates": "nope"},
        {"type": "Polygon", "coordinates": [[[1]]]},
    ],
)
def test_an_empty_or_unreadable_area_holds_nothing(area):
    assert not inside(area, 2.32, 48.86)


def test_without_a_point_nothing_is_inside():
    assert not area_contains(POLYGON, latitude=None, longitude=None)


@pytest.mark.parametrize("area", [POLYGON, WITH_HOLE, U_SHAPE, ISLANDS])
def test_valid_areas_pass(area):
    validate_area(area)
    assert area_errors(area) == []


def message(area) -> str:
    with pytest.raises(ValidationError) as error:
        validate_area(area)
    return " / ".join(error.value.messages)


@pytest.mark.parametrize(
    ("area", "expected"),
    [
        ("Polygon", "objet GeoJSON de type Polygon ou MultiPolygon"),
        ([SQUARE], "objet GeoJSON de type Polygon ou MultiPolygon"),
        ({"coordinates": [SQUARE]}, "pas de « type »"),
        ({"type": "Point", "coordinates": [2.3, 48.8]}, "« Point » n'est pas accepté"),
        ({"type": "Feature", "geometry": POLYGON}, "collez seulement sa « geometry »"),
        ({"type": "FeatureCollection", "features": []}, "FeatureCollection"),
        ({"type": "Polygon"}, "pas de « coordinates »"),
        ({"type": "Polygon", "coordinates": []}, "liste de contours"),
        ({"type": "Polygon", "coordinates": [SQUARE[:-1]]}, "n'est pas fermé"),
        ({"type": "Polygon", "coordinates": [ring((0, 0), (1, 1))]}, "au moins quatre positions"),
        ({"type": "Polygon", "coordinates": [ring((0, 0), (1, 1), (2, 2))]}, "pas de surface"),
        (
            {"type": "Polygon", "coordinates": [ring((48.8, 2.3), (48.9, 2.3), (48.9, 95))]},
            "[48.9, 95] n'existe pas",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, "0"], [1, 1], [0, 0]]]},
            "point n° 2 : une position s'écrit [longitude, latitude]",
        ),
        ({"type": "Polygon", "coordinates": [[[0, 0], [True, 0], [1, 1], [0, 0]]]}, "point n° 2"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [math.nan, 0], [1, 1], [0, 0]]]},
            "point n° 2",
        ),
        (
            {"type": "Polygon", "coordinates": [SQUARE, ring((2.5, 48), (2.6, 48), (2.6, 49))]},
            "le trou n° 1 sort du contour extérieur",
        ),
        ({"type": "MultiPolygon", "coordinates": []}, "liste non vide de polygones"),
        (
            {"type": "MultiPolygon", "coordinates": [[SQUARE], [SQUARE[:-1]]]},
            "Polygone n° 2, contour extérieur : le contour n'est pas fermé",
        ),
    ],
)
def test_invalid_areas_are_refused_with_a_clear_message(area, expected):
    assert expected in message(area)


def test_it_says_which_ring_and_stops_after_ten_messages():
    bad = {"type": "Polygon", "coordinates": [[["x", "y"]] * 30]}
    with pytest.raises(ValidationError) as error:
        validate_area(bad)
    assert len(error.value.messages) == 10
    assert error.value.messages[0].startswith("Polygone, contour extérieur, point n° 1")


def test_a_huge_area_is_refused(monkeypatch):
    monkeypatch.setattr("guichet.lib.geo.MAX_POSITIONS", 8)
    assert "simplifiez son tracé" in message(WITH_HOLE)


def test_distance_between_paris_and_lyon():
    # Notre-Dame de Paris to Lyon's Hôtel de Ville: about 392 km as the crow flies.
    assert distance_m(48.8530, 2.3499, 45.7675, 4.8357) == pytest.approx(392_000, rel=0.01)


def test_small_distances_and_symmetry():
    assert distance_m(48.85, 2.35, 48.85, 2.35) == 0
    one_thousandth = distance_m(48.85, 2.35, 48.851, 2.35)
    assert one_thousandth == pytest.approx(111.2, abs=0.1)
    assert distance_m(48.851, 2.35, 48.85, 2.35) == one_thousandth
    # Along a parallel, a degree of longitude shrinks with the cosine of the latitude.
    east = distance_m(48.85, 2.35, 48.85, 2.351)
    assert east == pytest.approx(one_thousandth * math.cos(math.radians(48.85)), rel=0.001)


def test_antipodes_are_half_a_circumference_apart():
    assert distance_m(0, 0, 0, 180) == pytest.approx(math.pi * EARTH_RADIUS_M)
    assert distance_m(90, 0, -90, 0) == pytest.approx(math.pi * EARTH_RADIUS_M)


def test_the_bounding_box_holds_every_point_within_the_radius():
    lat, lng = 48.85, 2.35
    box = bounding_box(latitude=lat, longitude=lng, radius_m=250)
    for bearing in range(0, 360, 15):
        # A point 249 m away in this direction (flat approximation, fine at this scale).
        d_lat = 249 * math.cos(math.radians(bearing)) / 111_195
        d_lng = 249 * math.sin(math.radians(bearing)) / (111_195 * math.cos(math.radians(lat)))
        point = (lat + d_lat, lng + d_lng)
        assert distance_m(lat, lng, *point) < 250
        assert box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]
    assert box[2] - box[0] == pytest.approx(2 * 250 / 111_195, rel=0.001)
    assert bounding_box(latitude=90, longitude=0, radius_m=1000)[1] == -180
