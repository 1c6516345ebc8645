"""bench/ledger_io.py at a tiny size: it imports the generated ledger, exports the cases both ways
and prints every figure. Figures are not checked: benches print them, tests never time anything."""

from __future__ import annotations

import os
import re

from bench import ledger_io

# Read as tests/conftest.py reads it: SQLite, or the server to make a throwaway database on.
TEST_DB = os.environ.get("GRIDWALK_TEST_DB", "sqlite")


def test_tiny_ledger_bench_imports_every_row_and_prints_every_figure(capsys):
    status = ledger_io.main(["--db", TEST_DB, "--residents", "60", "--cases", "40"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"import preview: [\d.]+ s \(60 rows, 60 valid, 0 rejected, 24 households\)", out), out
    assert re.search(r"import commit: [\d.]+ s.*residents created 60, households created 24", out), out
    assert re.search(r"import peak RSS: \d+ MB", out)
    assert re.search(r"export 40 cases to XLSX: [\d.]+ s .* peak RSS \d+ MB", out), out
    assert re.search(r"same rows with the csv module: [\d.]+ s", out)
    assert re.search(r"XLSX / CSV time: [\d.]+×", out)
    assert re.search(
        r"the same export as a job \(POST /exports\): [\d.]+ s, .* job / direct time: [\d.]+×", out
    ), out
    assert "load average at start" in out
