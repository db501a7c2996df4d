"""`guichet bench --json`: a small run, through gunicorn, writes every key of the report
(issue 19's list), on the suite's database (SQLite, or PostgreSQL in CI's second pass)."""

import json

from .instances import instance

READS = [
    "inbox",
    "inbox_agent",
    "inbox_deep_page",
    "inbox_filtered",
    "case_page",
    "citizen_space",
    "search",
    "dashboard",
]
KEYS = {
    "inbox_p50_ms",
    "inbox_p95_ms",
    "inbox_agent_p95_ms",
    "inbox_deep_page_p95_ms",
    "case_page_p95_ms",
    "citizen_space_p95_ms",
    "search_p95_ms",
    "dashboard_p95_ms",
    "dashboard_raw_sql_p95_ms",
    "export_csv_rows_per_s",
    "export_xlsx_rows_per_s",
    "export_peak_mb",
    "intake_portal_per_s",
    "intake_api_per_s",
}


def test_bench_json_writes_every_key_of_a_small_run(tmp_path):
    with instance(tmp_path / "bench", "bench") as site:
        site.run("bench", "--cases", "200", "--requests", "5", "--json", "out.json", timeout=300)
        report = json.loads((site.root / "out.json").read_text())
        # The cases were removed afterwards (no --keep): only the schema's own rows remain.
        left = site.python("from guichet.cases.models import Case\nprint(Case.objects.count())")

    assert report["cases"] == 200
    assert report["database"] in {"sqlite", "postgresql"}
    results = report["results"]
    missing = KEYS - set(results)
    for name in READS:
        missing |= {f"{name}_raw_sql_p95_ms", f"{name}_queries"} - set(results)
    assert missing == set()
    for name in READS:
        assert results[f"{name}_p50_ms"] <= results[f"{name}_p95_ms"]
        assert results[f"{name}_raw_sql_p95_ms"] > 0
        assert 0 < results[f"{name}_queries"] < 60, name
    assert results["intake_stored_once"] is True
    assert results["intake_portal_per_s"] > 0 and results["intake_api_per_s"] > 0
    assert results["export_csv_rows_per_s"] > 0 and results["export_xlsx_rows_per_s"] > 0
    assert 0 < results["export_peak_mb"] < 200
    assert left.strip() == "0"
