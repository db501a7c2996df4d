from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "guichet.accounts"
    verbose_name = _("Comptes")

    def ready(self):
        from . import mfa, signals  # noqa: F401  (connects the receivers)
