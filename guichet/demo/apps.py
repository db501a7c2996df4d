from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The `guichet demo` command: a fictional town to try Guichet with."""

    name = "guichet.demo"
    verbose_name = _("Démonstration")
