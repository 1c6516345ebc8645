"""bench/map_size.py at a tiny size: it imports a boundary, sets building points through the API
and prints the map's share of the worker's pull. Figures are not checked: benches print them."""

from __future__ import annotations

import re

from bench import map_size


def test_tiny_grid_prints_the_geometry_share_of_the_pull(capsys):
    assert map_size.main(["--vertices", "40", "--buildings", "3"]) == 0
    out = capsys.readouterr().out
    assert "1 grid boundary of 40 vertices, 3 buildings" in out
    assert re.search(r"raw [\d.]+ KB, gzip [\d.]+ KB \(goal ≤ 30 KB\): (ok|OVER GOAL)", out), out
