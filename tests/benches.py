"""What the bench tests share: the benches that measure the scale-out database run on PostgreSQL only."""

from __future__ import annotations

import os

import pytest

# Read as tests/conftest.py reads them: the server to make throwaway databases on, and Redis.
TEST_DB = os.environ.get("GRIDWALK_TEST_DB", "sqlite")
TEST_REDIS = os.environ.get("GRIDWALK_TEST_REDIS", "")


def postgres_only(bench: str) -> pytest.MarkDecorator:
    """Skip a bench's test in the SQLite pass; make test's PostgreSQL pass runs it."""
    return pytest.mark.skipif(
        not TEST_DB.startswith("postgresql"),
        reason=f"{bench} runs on PostgreSQL only; GRIDWALK_TEST_DB is not a postgresql:// URL",
    )
