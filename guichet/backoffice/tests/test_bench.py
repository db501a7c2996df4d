"""`guichet bench` runs, measures, and leaves nothing behind (its figures are not asserted:
speed and memory targets live in the benchmark, docs/performance.md)."""

import io

import pytest
from django.core.management import call_command

from guichet.cases.models import Case
from guichet.organization.models import Organization

pytestmark = pytest.mark.django_db


def test_the_benchmark_runs_and_rolls_back():
    out = io.StringIO()
    call_command("bench", cases=120, stdout=out)
    text = out.getvalue()
    assert "cases created: 120" in text
    assert "ok   inbox, first page of all cases" in text
    assert "page 3's query by offset (before)" in text and "ok   inbox, page 3 by cursor" in text
    assert "ok   the same cases by offset and by cursor" in text
    assert "ok   map, points of all cases" in text
    assert "ok   export CSV of 120 cases" in text and "ok   export Excel of 120 cases" in text
    assert (
        not Case.objects.exists() and not Organization.objects.filter(slug="banc-d-essai").exists()
    )


def test_the_benchmark_can_leave_the_exports_aside():
    out = io.StringIO()
    call_command("bench", cases=60, pages_only=True, stdout=out)
    text = out.getvalue()
    assert "ok   inbox, page 2 by cursor (keyset)" in text
    assert "export" not in text
