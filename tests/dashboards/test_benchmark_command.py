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
        assert float(median) > 0 and float(p95) >= float(median) and int(queries) <= 21


def test_the_benchmark_data_set_has_the_province_shape(db):
    from dashboards.management.commands.benchmark_dashboards import build_province
    from reform.models import Region

    sizes = build_province(scale=0.01)
    assert sizes["cities"] == 13 and sizes["counties"] == 13
    assert sizes["townships"] == 13 * 13
    assert sizes["enterprises"] == 1000 and sizes["pilots"] == 200
    assert Region.objects.get(code="320000").level == "province"
    assert Region.objects.filter(level="city", parent__code="320000").count() == 13
