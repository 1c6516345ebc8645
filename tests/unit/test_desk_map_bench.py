"""bench/desk_map.py at a tiny size: it builds the bench page, draws clustered case markers in
Chromium and prints the first-draw figures. Figures are not checked: benches print them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import desk_map

pytestmark = pytest.mark.skipif(not Path(desk_map.CHROMIUM).exists(), reason="needs the system Chromium")


def test_tiny_map_prints_the_first_draw(capsys):
    assert desk_map.main(["--points", "200", "--repeats", "1", "--cpu-throttle", "1"]) == 0
    out = capsys.readouterr().out
    assert "200 case markers clustered, CPU 1× throttled, 1 runs" in out
    assert re.search(r"median \d+ ms \(supercluster index \d+ ms\), \d+ clusters and markers drawn", out), out
    assert re.search(r"goal ≤ 1000 ms: (ok|OVER GOAL)", out)
