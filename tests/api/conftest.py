"""Fixtures shared by the API tests that sync: the usual cast with the built-in forms installed."""

import pytest

from tests.factories import install_forms, org_with_users


@pytest.fixture
def org(app):
    """org_with_users() plus the built-in form templates (modules may define their own org)."""
    made = org_with_users()
    install_forms()
    return made


@pytest.fixture
def grid(org) -> int:
    """The first worker's grid."""
    return org["worker"].grids[0].id


@pytest.fixture
def worker(org, auth):
    """The first worker, logged in."""
    auth.login("worker1")
    return auth
