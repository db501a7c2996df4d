"""What every template may need to draw a map."""

from functools import cached_property

from django.conf import settings


class MapConfig:
    """The tiles and the opening view of a map. The view is the organization's: the middle of
    its territory, or of its services' areas when it has drawn some (read only when a template
    asks for it), else the configured default."""

    def __init__(self, organization):
        self.organization = organization
        self.tiles = settings.GUICHET_MAP_TILES_URL
        self.attribution = settings.GUICHET_MAP_ATTRIBUTION

    @cached_property
    def view(self) -> tuple[str, str, int]:
        """(latitude, longitude, zoom), as strings with a dot, for data attributes."""
        bounds = self._areas_bounds()
        if bounds is not None:
            (south, west), (north, east) = bounds
            latitude, longitude = (south + north) / 2, (west + east) / 2
            zoom = 13
        else:
            latitude, longitude = (float(p) for p in settings.GUICHET_MAP_CENTER.split(","))
            zoom = settings.GUICHET_MAP_ZOOM
        return f"{latitude:.6f}", f"{longitude:.6f}", zoom

    def as_dict(self) -> dict:
        """What map.js reads (from a json_script element: widget templates have no context
        processors, so the maps find their settings in the page)."""
        latitude, longitude, zoom = self.view
        return {
            "tiles": self.tiles,
            "attribution": self.attribution,
            "center": [float(latitude), float(longitude)],
            "zoom": zoom,
        }

    @property
    def latitude(self) -> str:
        return self.view[0]

    @property
    def longitude(self) -> str:
        return self.view[1]

    @property
    def zoom(self) -> int:
        return self.view[2]

    def _areas_bounds(self):
        if self.organization is None:
            return None
        # Its own territory when it has one, else what its services cover.
        points = _positions(self.organization.area) if self.organization.area else []
        if not points:
            areas = self.organization.services.exclude(area=None).values_list("area", flat=True)
            for area in areas:
                points.extend(_positions(area))
        if not points:
            return None
        longitudes = [point[0] for point in points]
        latitudes = [point[1] for point in points]
        return (min(latitudes), min(longitudes)), (max(latitudes), max(longitudes))


def _positions(geojson) -> list:
    """Every [longitude, latitude] of a GeoJSON geometry, feature or collection."""
    if isinstance(geojson, dict):
        if "coordinates" in geojson:
            return _positions(geojson["coordinates"])
        if "geometry" in geojson:
            return _positions(geojson["geometry"])
        if "features" in geojson:
            return [p for feature in geojson["features"] for p in _positions(feature)]
        return []
    if isinstance(geojson, list):
        if len(geojson) >= 2 and all(isinstance(v, int | float) for v in geojson[:2]):
            return [geojson[:2]]
        return [p for item in geojson for p in _positions(item)]
    return []


def maps(request):
    return {"map_config": MapConfig(getattr(request, "organization", None))}
