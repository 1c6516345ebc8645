"""bench/campaigns.py at a tiny size: it launches, pulls and reads the roll-call board, and prints
each figure with its goal. PostgreSQL only (the bench measures the scale-out database); figures are
not checked: benches print them, tests never time anything."""

from __future__ import annotations

import re

from bench import campaigns
from tests.benches import TEST_DB, postgres_only

pytestmark = postgres_only("bench/campaigns.py")


def test_tiny_street_prints_every_figure(capsys):
    status = campaigns.main(
        [
            "--db",
            TEST_DB,
            "--households",
            "200",
            "--pull-targets",
            "12",
            "--confirmers",
            "3",
            "--repeats",
            "1",
            # Threads, not processes: a spawned interpreter per process costs seconds here.
            "--confirm-processes",
            "0",
        ]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert re.search(r"launch over [\d,]+ households: [\d.]+ s \(goal 10 s\) (ok|OVER GOAL)", out), out
    # The measured worker pulls exactly their own targets and the campaign.
    assert "worker's pull of 12 targets" in out
    assert "entities {'campaign_target': 12, 'campaign': 1}" in out
    assert re.search(r"roll-call board, 18 communities, while 3 workers confirm .* median [\d.]+ ms", out), (
        out
    )
