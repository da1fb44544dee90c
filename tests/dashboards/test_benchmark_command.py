"""benchmark_dashboards: a small run end to end, in its own throw-away SQLite database."""

import io

from django.core.management import call_command


def test_the_benchmark_builds_a_small_province_and_times_every_page(db):
    out = io.StringIO()
    call_command("benchmark_dashboards", "--scale", "0.01", "--runs", "2", stdout=out)
    text = out.getvalue()
    assert "Benchmark database: SQLite" in text
    assert "13 cities, 13 county-level units, 169 townships" in text
    for page in ("city overview", "county page", "township page", "overview .xlsx"):
        line = next(line for line in text.splitlines() if page in line)
        median, p95, queries = (cell.strip() for cell in line.split("|")[2:5])
        # At most the overview's pinned count (test_dashboards.py).
        assert float(median) > 0 and float(p95) >= float(median) and int(queries) <= 24
    trends = next(line for line in text.splitlines() if "trend lines' own part" in line)
    assert float(trends.split(": ")[1].split(" ms")[0]) > 0


def test_the_benchmark_data_set_has_the_province_shape(db):
    from dashboards.management.commands.benchmark_dashboards import build_province
    from reform.models import Region

    sizes = build_province(scale=0.01)
    assert sizes["cities"] == 13 and sizes["counties"] == 13
    assert sizes["townships"] == 13 * 13
    assert sizes["enterprises"] == 1000 and sizes["pilots"] == 200
    assert Region.objects.get(code="320000").level == "province"
    assert Region.objects.filter(level="city", parent__code="320000").count() == 13


def test_the_load_benchmark_signs_in_clients_and_drives_the_overview_through_gunicorn(db):
    out = io.StringIO()
    call_command(
        "benchmark_load",
        *("--scale", "0.01", "--seconds", "2", "--clients", "3"),
        *("--workers", "1", "--threads", "2"),
        stdout=out,
    )
    text = out.getvalue()
    assert "3 clients signed in" in text
    header = next(line for line in text.splitlines() if line.startswith("| requests"))
    assert header.split("|")[1:8] == [
        " requests ",
        " requests/s ",
        " p50 ms ",
        " p90 ms ",
        " p99 ms ",
        " max ms ",
        " errors ",
    ]
    figures = text.splitlines()[text.splitlines().index(header) + 2]
    requests, per_second, p50, _p90, p99, _max, errors = (
        float(cell) for cell in figures.split("|")[1:8]
    )
    assert requests > 0 and per_second > 0 and errors == 0
    assert 0 < p50 <= p99
    assert "CPU per request: gunicorn" in text
