"""The production static files build: every file the pages and the vendored libraries refer
to exists, or `collectstatic` with the manifest storage stops the deployment."""

from django.core.management import call_command


def test_collectstatic_builds_the_production_manifest(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    manifest = (tmp_path / "staticfiles.json").read_text()
    for name in (
        "vendor/leaflet-1.9.4/leaflet.js",
        "vendor/leaflet.markercluster-1.5.3/leaflet.markercluster.js",
        "guichet/casemap.js",
        "guichet/guichet.css",
    ):
        assert f'"{name}"' in manifest, name
