"""The bundled example ledger: generated from server/ledger/example.py, and imported by
`flask ledger import` into the demo street with every row taken (and nothing the second time)."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

from server import demo
from server.extensions import db
from server.ledger import example, reader

EXAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "ledger-example.xlsx"


def _plain(value):
    return value.date() if isinstance(value, datetime) else value


def test_the_bundled_file_is_what_the_generator_writes():
    read = [values for _number, values in reader.rows(EXAMPLE, reader.XLSX, reader.Limits(1000, 10**8))]
    data = [[_plain(v) for v in row] + [None] * (13 - len(row)) for row in read[3:]]
    assert data == [[v.date() if isinstance(v, datetime) else v for v in row] for row in example.rows()]
    assert read[0][0] == example.TITLE and read[2][1] == "公民身份号码"


def test_flask_ledger_import_takes_the_example_into_the_demo_street(app, runner):
    demo.seed_org()
    demo.seed_users()
    db.session.commit()
    people = sum(1 for row in example.rows() if row[0])

    checked = runner.invoke(args=["ledger", "import", str(EXAMPLE), "--user", "admin", "--dry-run"])
    assert checked.exit_code == 0, checked.output
    assert f"header on row 3; {people} rows, {people} valid, 0 rejected" in checked.output

    first = runner.invoke(args=["ledger", "import", str(EXAMPLE), "--user", "admin"])
    assert first.exit_code == 0, first.output
    assert re.search(rf"residents: {people} created, 0 updated, 0 unchanged", first.output), first.output
    assert "buildings: 4 created" in first.output

    again = runner.invoke(args=["ledger", "import", str(EXAMPLE), "--user", "admin"])
    assert re.search(rf"residents: 0 created, 0 updated, {people} unchanged", again.output), again.output

    refused = runner.invoke(args=["ledger", "import", str(EXAMPLE), "--user", "worker"])
    assert refused.exit_code != 0 and "no active admin or supervisor" in refused.output
