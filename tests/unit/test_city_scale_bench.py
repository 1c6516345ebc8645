"""bench/city_scale.py at a tiny scale: it prints every query of issue 11 and seeds the rows asked.

PostgreSQL only (the bench seeds by COPY and measures the scale-out database). Figures are not
checked: benches print them, tests never time anything.
"""

from __future__ import annotations

import re

from bench import city_scale
from tests.benches import TEST_DB, postgres_only

pytestmark = postgres_only("bench/city_scale.py")

ROW = re.compile(r"^  rows (\w+)\s+asked\s+([\d,]+)\s+seeded\s+([\d,]+)\s+(ok|WRONG)$", re.M)


def test_tiny_district_prints_every_query_and_seeds_the_rows_asked(capsys, monkeypatch):
    # No query is slow at this size: a goal of 0 ms sends one through the EXPLAIN path too.
    monkeypatch.setitem(city_scale.GOALS_MS, city_scale.SIMILAR, 0)
    status = city_scale.main(["--db", TEST_DB, "--streets", "2", "--scale", "0.002", "--repeats", "2"])
    out = capsys.readouterr().out
    assert status == 0, out

    # Every query of the table, with median, p95, goal and a verdict.
    for label in city_scale.QUERY_LABELS:
        assert re.search(rf"^  {re.escape(label)}\s+[\d.]+\s+[\d.]+\s+\d+\s+(ok|OVER GOAL)", out, re.M), label
    assert re.search(r"pull, district / one street \(same grid, medians\): [\d.]+×", out)

    # Two databases (the district, then street 1 alone), each with the rows asked of it.
    counts = ROW.findall(out)
    district, street = counts[: len(counts) // 2], counts[len(counts) // 2 :]
    as_asked = {
        table: (int(asked.replace(",", "")), int(seeded.replace(",", "")))
        for table, asked, seeded, _ in district
    }
    assert as_asked == {
        "grid": (144, 144),
        "user": (144 + 2 * 2 + 1, 149),
        "household": (120, 120),
        "resident": (400, 400),
        "case": (80, 80),
        "submission": (80, 80),
    }
    assert [verdict for *_, verdict in street] == ["ok"] * 6
    assert "database size:" in out

    # The query over its goal comes with the plan of its slowest statement, run for real.
    assert re.search(
        rf"^  {re.escape(city_scale.SIMILAR)}: slowest run .* EXPLAIN \(ANALYZE, BUFFERS\):$", out, re.M
    )
    assert "Execution Time:" in out
