from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Project-wide plumbing: base templates, security headers, health check, the worker."""

    name = "guichet.core"
    verbose_name = "Guichet"
