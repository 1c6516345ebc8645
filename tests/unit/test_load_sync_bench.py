"""bench/load_sync.py at a tiny size: a few phones against the real gunicorn, with the SIGKILLed
worker and the restart, and every item counted in the database. PostgreSQL only (the bench
measures the scale-out deployment); its timings are printed, never checked here."""

from __future__ import annotations

import re

from bench import load_sync
from tests.benches import TEST_DB, TEST_REDIS, postgres_only

pytestmark = postgres_only("bench/load_sync.py")


def test_a_few_phones_through_a_kill_and_a_restart_store_every_item_once(capsys):
    status = load_sync.main(
        [
            "--db",
            TEST_DB,
            "--redis",
            TEST_REDIS,
            "--phones",
            "4",
            "--households",
            "5",
            "--seconds",
            "6",
            "--baseline-items",
            "200",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "SIGKILL gunicorn worker" in out and "gunicorn serving again" in out, out
    sent = re.search(
        r"items sent ([\d,]+), acknowledged ([\d,]+), stored ([\d,]+); lost 0, duplicated 0", out
    )
    assert sent and sent[1] == sent[2] == sent[3] and sent[1] != "0", out
    assert "exactly once: ok" in out
    # The phones' snapshots were timed and sized, and the CPU split names all three parts.
    assert re.search(r"pull  \([\d,]+ full snapshots\)\s+p50", out), out
    assert re.search(r"server \(gunicorn\) \d+%.*PostgreSQL|PostgreSQL \d+%.*server \(gunicorn\)", out), out
