"""Form widgets shared by the doors and the form engine."""

from django import forms

from guichet.lib import geocoder

# The contact step's location inputs; a composite address field's parts are <name>.lat/.lng.
POINT_NAMES = {"address": ("latitude", "longitude")}
PART_SUFFIX = ".address"


def point_names(address_name: str) -> tuple[str, str] | None:
    """The latitude and longitude inputs that go with an address input's name."""
    if address_name in POINT_NAMES:
        return POINT_NAMES[address_name]
    if address_name.endswith(PART_SUFFIX):
        base = address_name.removesuffix(PART_SUFFIX)
        return base + ".lat", base + ".lng"
    return None


class AddressSearchInput(forms.TextInput):
    """An address input with a search: without JavaScript a "Chercher" button and, after a
    search, the candidates as radio buttons (core/addresses.py); with it, a combobox of
    suggestions (guichet/address.js). A plain input when the geocoder is off."""

    template_name = "includes/address_search.html"

    def __init__(self, attrs=None):
        super().__init__({"autocomplete": "street-address", **(attrs or {})})
        # The result of a search made on this page (core.addresses.attach), if any.
        self.search = None

    def __deepcopy__(self, memo):
        copy = super().__deepcopy__(memo)
        copy.search = None
        return copy

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        names = point_names(name)
        enabled = geocoder.is_enabled() and names is not None
        context["widget"]["geocoder"] = enabled
        if enabled:
            context["widget"]["lat_name"], context["widget"]["lng_name"] = names
            if self.search and self.search.get("name") == name:
                context["widget"]["search"] = self.search
        return context
