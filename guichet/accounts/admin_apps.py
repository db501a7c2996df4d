"""django.contrib.admin's configuration with Guichet's AdminSite (admin_site.py) as
`admin.site`; a module of its own, imported while the apps load (no models here)."""

from django.contrib.admin.apps import AdminConfig as BaseAdminConfig


class AdminConfig(BaseAdminConfig):
    default_site = "guichet.accounts.admin_site.AdminSite"
