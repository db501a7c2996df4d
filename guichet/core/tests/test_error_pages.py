"""The demo (`make run`) answers a wrong address or a crash with Guichet's own pages, in the
visitor's language, never with Django's technical pages that list every URL pattern."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

import guichet

pytestmark = pytest.mark.django_db

ROOT = Path(guichet.__file__).resolve().parent.parent
READ_SETTINGS = (
    "import json, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'guichet.settings'; "
    "from django.conf import settings as s; "
    "print(json.dumps({'DEBUG': s.DEBUG, 'GUICHET_DEMO': getattr(s, 'GUICHET_DEMO', False), "
    "'WHITENOISE_USE_FINDERS': s.WHITENOISE_USE_FINDERS, 'GUICHET_SMS_URL': s.GUICHET_SMS_URL, "
    "'STATICFILES_BACKEND': s.STORAGES['staticfiles']['BACKEND']}))"
)


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory):
    """The settings that `make run` starts the web server with, read in a process of their
    own from the environment its recipe sets."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed (sudo apt-get install make)")
    recipe = subprocess.run(
        ["make", "--dry-run", "run"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    [line] = [line for line in recipe.splitlines() if "scripts/run-demo" in line]
    assignments = line.split("scripts/run-demo")[0]
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DEBUG", "GUICHET_DEMO", "WHITENOISE_USE_FINDERS", "GUICHET_SMS_URL")
    }
    environment["PYTHONPATH"] = str(ROOT)
    environment["GUICHET_DATA_DIR"] = str(tmp_path_factory.mktemp("demo"))
    shell = f'{assignments} {sys.executable} -c "{READ_SETTINGS}"'
    result = subprocess.run(
        ["bash", "-c", shell], env=environment, capture_output=True, text=True, check=True
    )
    return json.loads(result.stdout)


def test_the_demo_runs_without_debug_yet_serves_its_static_files(demo_settings):
    assert demo_settings["DEBUG"] is False
    assert demo_settings["GUICHET_DEMO"] is True
    assert demo_settings["WHITENOISE_USE_FINDERS"] is True
    assert demo_settings["GUICHET_SMS_URL"] == "console:"
    assert demo_settings["STATICFILES_BACKEND"].endswith("StaticFilesStorage")


@pytest.fixture
def as_in_the_demo(settings, demo_settings):
    settings.DEBUG = demo_settings["DEBUG"]
    settings.GUICHET_DEMO = demo_settings["GUICHET_DEMO"]


@pytest.mark.parametrize(
    ("headers", "cookies", "title"),
    [
        ({}, {}, "Page introuvable"),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, {}, "Page not found"),
        ({"HTTP_ACCEPT_LANGUAGE": "fr"}, {"django_language": "en"}, "Page not found"),
    ],
)
def test_an_unknown_address_shows_the_projects_page(as_in_the_demo, org, headers, cookies, title):
    client = Client(**headers)
    client.cookies.load(cookies)
    response = client.get("/nulle-part/")
    assert response.status_code == 404
    text = response.text
    assert f"<h1>{title}</h1>" in text
    assert "URLconf" not in text and "django-admin/" not in text and "healthz" not in text
    assert org.name in text  # the portal's own layout


@pytest.mark.urls("guichet.core.tests.failing_urls")
@pytest.mark.parametrize(
    ("headers", "cookies", "title", "lang"),
    [
        ({}, {}, "Une erreur est survenue", "fr"),
        ({"HTTP_ACCEPT_LANGUAGE": "en"}, {}, "An error occurred", "en"),
        ({}, {"django_language": "en"}, "An error occurred", "en"),
    ],
)
def test_a_crash_shows_the_projects_page(as_in_the_demo, org, headers, cookies, title, lang):
    client = Client(raise_request_exception=False, **headers)
    client.cookies.load(cookies)
    response = client.get("/boom/")
    assert response.status_code == 500
    text = response.text
    assert f'<html lang="{lang}">' in text
    assert f"<h1>{title}</h1>" in text
    assert "Traceback" not in text and "SECRET_KEY" not in text and "URLconf" not in text
