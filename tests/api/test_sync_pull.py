"""GET /api/v1/sync/pull: a snapshot of the caller's scope, then a change feed that never skips or repeats."""

from __future__ import annotations

import threading
import uuid

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, make_url, text

from server.auth.models import User
from server.extensions import db
from server.register.models import Household
from server.sync.changes import FEED_LOCK, seal
from server.sync.pull import MAX_LIMIT
from tests.conftest import AuthActions
from tests.factories import install_forms, org_with_users, visit_item

PULL = "/api/v1/sync/pull"


@pytest.fixture
def org(app):
    made = org_with_users()
    install_forms()
    return made


def pull(client, cursor=None, limit=None):
    query = {}
    if cursor is not None:
        query["cursor"] = cursor
    if limit is not None:
        query["limit"] = limit
    response = client.get(PULL, query_string=query)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def pull_all(client, cursor=None, limit=None) -> tuple[list[dict], str]:
    """Follow has_more to the end; returns every change and the final cursor."""
    changes: list[dict] = []
    for _ in range(1000):
        page = pull(client, cursor, limit)
        changes.extend(page["changes"])
        cursor = page["cursor"]
        if not page["has_more"]:
            return changes, cursor
    raise AssertionError("pull never finished")


def by_entity(changes: list[dict]) -> dict[str, list]:
    out: dict[str, list] = {}
    for change in changes:
        out.setdefault(change["entity"], []).append(change["id"])
    return out


def push(auth, *items):
    response = auth.post("/api/v1/sync/push", json={"device_id": "phone-1", "items": list(items)})
    assert response.status_code == 200
    return response.get_json()["results"]


def test_the_snapshot_holds_the_callers_scope(org, auth, client):
    auth.login("worker1")
    grid = org["worker"].grids[0]
    visit = visit_item(grid.id)
    push(auth, visit)
    changes, cursor = pull_all(client)
    assert all(c["op"] == "upsert" for c in changes)
    seen = by_entity(changes)
    assert seen["street"] == [org["street"].id]
    assert seen["community"] == [grid.community_id]
    assert seen["grid"] == [grid.id]
    assert len(seen["department"]) == 2
    assert sorted(seen["form_template"]) == [
        "city_case:2",
        "hazard_inspection:1",
        "household_visit:1",
        "welfare_visit:1",
    ]
    assert "hazard_categories" in seen["catalogue"] and "resident_tags" in seen["catalogue"]
    assert seen["submission"] == [visit["id"]]
    mine = next(c for c in changes if c["entity"] == "submission")
    assert mine["version"] == 1
    assert mine["data"]["review_status"] == "received" and mine["data"]["template"]["version"] == 1
    template = next(c for c in changes if c["id"] == "household_visit:1")
    assert template["data"]["fields"][0]["name"] == "visit_date"
    # Nothing new since: the next pull is empty and keeps its place.
    assert pull(client, cursor) == {"changes": [], "cursor": cursor, "has_more": False}


def test_worker2_sees_none_of_worker1s_things(org, auth, client):
    auth.login("worker1")
    push(auth, visit_item(org["worker"].grids[0].id))
    _, cursor1 = pull_all(client)
    client.post("/api/v1/auth/logout", headers=auth.headers())

    auth.login("worker2")
    changes, cursor2 = pull_all(client)
    seen = by_entity(changes)
    assert "submission" not in seen
    assert seen["grid"] == [org["worker_other"].grids[0].id]
    assert seen["community"] == [org["worker_other"].grids[0].community_id]
    # Nor later through the feed.
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker1")
    push(auth, visit_item(org["worker"].grids[0].id))
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker2")
    assert pull(client, cursor2)["changes"] == []


def test_a_handler_gets_the_org_without_grids(org, auth, client):
    auth.login("handler1")
    seen = by_entity(pull_all(client)[0])
    assert "grid" not in seen and "community" not in seen
    assert seen["department"] == [org["departments"][0].id]


def test_new_changes_arrive_after_the_cursor(org, auth, client):
    auth.login("worker1")
    _, cursor = pull_all(client)
    visit = visit_item(org["worker"].grids[0].id)
    push(auth, visit)
    page = pull(client, cursor)
    assert [(c["entity"], c["op"], c["id"]) for c in page["changes"]] == [
        ("submission", "upsert", visit["id"])
    ]
    # A resend stores nothing and so adds nothing to the feed.
    push(auth, visit)
    assert pull(client, page["cursor"])["changes"] == []


def test_a_new_template_version_reaches_every_phone(org, auth, client):
    auth.login("worker1")
    _, worker_cursor = pull_all(client)
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("admin1")
    from tests.api.test_forms import new_version

    assert auth.post("/api/v1/forms", json=new_version()).status_code == 201
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker1")
    changes = pull(client, worker_cursor)["changes"]
    assert [(c["id"], c["data"]["active"]) for c in changes] == [
        ("household_visit:1", False),
        ("household_visit:2", True),
    ]


def test_paging_never_skips_or_repeats(org, auth, client):
    auth.login("worker1")
    grid = org["worker"].grids[0].id
    for _ in range(3):
        push(auth, visit_item(grid))
    everything, _ = pull_all(client)
    paged, cursor = pull_all(client, limit=2)
    assert paged == everything  # the snapshot, two at a time
    visits = [visit_item(grid) for _ in range(23)]
    for start in range(0, 23, 5):
        push(auth, *visits[start : start + 5])
    feed, _ = pull_all(client, cursor, limit=4)
    assert [c["id"] for c in feed] == [v["id"] for v in visits]


def test_limit_is_checked_and_capped(org, auth, client):
    auth.login("worker1")
    assert client.get(PULL, query_string={"limit": 0}).status_code == 422
    assert client.get(PULL, query_string={"limit": "many"}).status_code == 422
    # More changes than one page may hold: a greedy limit gets MAX_LIMIT of them and has_more.
    grid = org["worker"].grids[0].id
    db.session.add_all(
        Household(id=uuid.uuid4(), grid_id=grid, address=f"示例路{n}号", head_name="王建国")
        for n in range(MAX_LIMIT + 1)
    )
    db.session.commit()
    greedy = pull(client, limit=50_000)
    assert len(greedy["changes"]) == MAX_LIMIT and greedy["has_more"]
    rest, _ = pull_all(client, greedy["cursor"], limit=50_000)
    households = [c for c in greedy["changes"] + rest if c["entity"] == "household"]
    assert len(households) == MAX_LIMIT + 1


@pytest.mark.parametrize("cursor", ["garbage", "eyJ2IjoxfQ.forged", "x" * 300, "%%%"])
def test_a_garbage_cursor_is_400(org, auth, client, cursor):
    auth.login("worker1")
    response = client.get(PULL, query_string={"cursor": cursor})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "bad_cursor"


def test_a_tampered_cursor_is_400(org, auth, client):
    auth.login("worker1")
    cursor = pull(client)["cursor"]
    body, _, signature = cursor.partition(".")
    tampered = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1] + "." + signature
    assert client.get(PULL, query_string={"cursor": tampered}).get_json()["error"]["code"] == "bad_cursor"


def test_someone_elses_cursor_is_400(org, auth, client):
    auth.login("worker1")
    cursor = pull(client)["cursor"]
    client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("worker2")
    assert client.get(PULL, query_string={"cursor": cursor}).status_code == 400


def test_a_changed_scope_asks_for_a_new_snapshot(org, auth, client):
    auth.login("worker1")
    _, cursor = pull_all(client)
    worker = db.session.get(User, org["worker"].id)
    worker.grids = [org["grids"][1]]
    db.session.commit()
    response = client.get(PULL, query_string={"cursor": cursor})
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "bad_cursor"
    assert by_entity(pull_all(client)[0])["grid"] == [org["grids"][1].id]


def test_a_cursor_beyond_the_feed_is_400(org, auth, client, app):
    from server.sync.models import SyncChange

    auth.login("worker1")
    _, cursor = pull_all(client)
    push(auth, visit_item(org["worker"].grids[0].id))
    _, cursor = pull_all(client, cursor)
    db.session.query(SyncChange).delete()  # as if the database were restored from an older backup
    db.session.commit()
    assert client.get(PULL, query_string={"cursor": cursor}).get_json()["error"]["code"] == "bad_cursor"


def test_pull_needs_login(org, client):
    assert client.get(PULL).status_code == 401


def _postgres_only() -> None:
    if db.engine.dialect.name != "postgresql":
        pytest.skip(
            "SQLite has one writer at a time: seq order is commit order (plain paging test covers it)"
        )


INSERT_TEMPLATE = text(
    "INSERT INTO form_template (key, version, title_zh, title_en, kind, fields, active, created_at) "
    "VALUES (:key, 1, :key, :key, 'household_visit', '[]', true, now())"
)
INSERT_CHANGE = text(
    "INSERT INTO sync_change (entity, entity_id, op, created_at) VALUES ('form_template', :id, 'upsert', now()) "
    "RETURNING seq"
)


def _write_template(conn, key: str) -> int:
    """A new form template and its feed row, the way forms.service writes them; its seq."""
    conn.execute(INSERT_TEMPLATE, {"key": key})
    return conn.execute(INSERT_CHANGE, {"id": f"{key}:1"}).scalar_one()


def test_a_change_committed_late_behind_a_later_one_is_not_skipped(org, auth, client, app):
    """Two real connections: the later seq commits first; the earlier commits after the reader's page."""
    _postgres_only()
    auth.login("worker1")
    _, cursor = pull_all(client)
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as early, engine.connect() as late:
            early_seq = _write_template(early, "early_form")
            late_seq = _write_template(late, "late_form")
            assert early_seq < late_seq
            seal(late)
            late.commit()

            # The committed one is served at once; the open one is not there yet.
            first = pull(client, cursor)
            assert [c["id"] for c in first["changes"]] == ["late_form:1"]
            seal(early)
            early.commit()

        # Its lower seq committed behind the cursor: it still comes, once.
        second = pull(client, first["cursor"])
        assert [c["id"] for c in second["changes"]] == ["early_form:1"]
        assert pull(client, second["cursor"])["changes"] == []
    finally:
        engine.dispose()


def test_a_long_transaction_in_another_database_does_not_hold_the_feed_back(org, auth, client):
    """Issue 12 §5: a write transaction elsewhere on the same server used to stall every phone's feed."""
    _postgres_only()
    auth.login("worker1")
    _, cursor = pull_all(client)
    grid = org["worker"].grids[0].id
    other = create_engine(make_url(db.engine.url).set(database="postgres"))
    try:
        with other.connect() as elsewhere:
            # A transaction that has written (it holds an xid, so it pins the cluster's xmin).
            elsewhere.execute(text("CREATE TEMP TABLE long_import (n int)"))
            elsewhere.execute(text("INSERT INTO long_import VALUES (1)"))
            assert elsewhere.execute(text("SELECT pg_current_xact_id_if_assigned()")).scalar() is not None
            visit = visit_item(grid)
            assert push(auth, visit)[0]["status"] == "accepted"
            # At once, not when the other transaction ends.
            page = pull(client, cursor)
            assert [c["id"] for c in page["changes"] if c["entity"] == "submission"] == [visit["id"]]
            elsewhere.rollback()
    finally:
        other.dispose()


def test_a_long_write_in_this_database_does_not_hold_back_others_and_comes_whole_when_it_commits(
    org, auth, client, app
):
    """An import writing many rows in one transaction: others' changes flow past it, its own follow."""
    _postgres_only()
    auth.login("worker1")
    _, cursor = pull_all(client)
    grid = org["worker"].grids[0].id
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as import_:
            keys = [f"imported_{n}" for n in range(200)]
            for key in keys:
                _write_template(import_, key)
            visit = visit_item(grid)
            assert push(auth, visit)[0]["status"] == "accepted"
            page = pull(client, cursor)
            assert [c["id"] for c in page["changes"] if c["entity"] == "submission"] == [visit["id"]]
            assert not [c for c in page["changes"] if c["entity"] == "form_template"]
            seal(import_)
            import_.commit()
        rest, _ = pull_all(client, page["cursor"], limit=50)
        assert sorted(c["id"] for c in rest) == sorted(f"{key}:1" for key in keys)
    finally:
        engine.dispose()


def test_concurrent_writers_reach_a_reader_paging_meanwhile_exactly_once(org, auth, client, app):
    """Four phones push at once while a fifth pulls in a loop: every item arrives once, none twice."""
    _postgres_only()
    auth.login("worker1")
    _, cursor = pull_all(client)
    grid = org["worker"].grids[0].id
    db.session.commit()
    sent: list[str] = []
    errors: list[BaseException] = []

    def phone(n: int) -> None:
        try:
            writer = AuthActions(FlaskClient(app, app.response_class, use_cookies=True))
            assert writer.login("worker1").status_code == 200
            for _ in range(8):
                items = [visit_item(grid) for _ in range(3)]
                response = writer.post("/api/v1/sync/push", json={"device_id": f"phone-{n}", "items": items})
                assert [r["status"] for r in response.get_json()["results"]] == ["accepted"] * 3
                sent.extend(item["id"] for item in items)
        except BaseException as error:  # surfaced in the test thread below
            errors.append(error)

    threads = [threading.Thread(target=phone, args=(n,)) for n in range(4)]
    for thread in threads:
        thread.start()
    received: list[str] = []
    while any(thread.is_alive() for thread in threads):
        page = pull(client, cursor, limit=7)
        received += [c["id"] for c in page["changes"] if c["entity"] == "submission"]
        cursor = page["cursor"]
    for thread in threads:
        thread.join()
    assert not errors, errors
    rest, _ = pull_all(client, cursor)
    received += [c["id"] for c in rest if c["entity"] == "submission"]
    assert len(sent) == 96
    assert sorted(received) == sorted(sent)


def test_a_second_commit_waits_for_the_position_before_it_to_commit(org, auth, client, app):
    """The feed lock: B cannot take a position while A's is taken but not committed yet.

    Otherwise B (the higher position) could commit first and a reader would page past A's.
    """
    _postgres_only()
    auth.login("worker1")
    _, cursor = pull_all(client)
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as first, engine.connect() as second, engine.connect() as watcher:
            _write_template(first, "first_form")
            seal(first)  # A has its position, its commit is still to come
            _write_template(second, "second_form")
            second_pid = second.execute(text("SELECT pg_backend_pid()")).scalar_one()
            done = threading.Event()

            def commit_second() -> None:
                seal(second)
                second.commit()
                done.set()

            thread = threading.Thread(target=commit_second)
            thread.start()
            for _ in range(200):  # until B is seen waiting on the lock (at most 10 s)
                waiting = watcher.execute(
                    text("SELECT wait_event FROM pg_stat_activity WHERE pid = :pid"), {"pid": second_pid}
                ).scalar()
                watcher.rollback()
                if waiting == "advisory":
                    break
                threading.Event().wait(0.05)
            assert waiting == "advisory" and not done.is_set()
            assert pull(client, cursor)["changes"] == []  # nothing committed yet
            first.commit()
            thread.join(10)
            assert done.is_set()
        changes, _ = pull_all(client, cursor)
        assert [c["id"] for c in changes] == ["first_form:1", "second_form:1"]
    finally:
        engine.dispose()


def test_the_position_is_taken_under_the_feed_lock_not_before_it(org, auth, client, app):
    """The seal is one statement: B, waiting for the lock, must not already hold a position.

    Were the position taken first, A (which took the lock before B but its position after)
    could commit the higher position while B's lower one is still to come, and a reader
    paging past A's would never see B's.
    """
    _postgres_only()
    auth.login("worker1")
    _, cursor = pull_all(client)
    engine = create_engine(db.engine.url)
    try:
        with engine.connect() as first, engine.connect() as second, engine.connect() as watcher:
            _write_template(first, "locked_first")
            # A between the lock and its position (the lock is re-entrant for A's own seal).
            first.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": FEED_LOCK})
            _write_template(second, "waiting_second")
            second_pid = second.execute(text("SELECT pg_backend_pid()")).scalar_one()
            thread = threading.Thread(target=lambda: (seal(second), second.commit()))
            thread.start()
            for _ in range(200):  # until B is seen waiting on the lock (at most 10 s)
                waiting = watcher.execute(
                    text("SELECT wait_event FROM pg_stat_activity WHERE pid = :pid"), {"pid": second_pid}
                ).scalar()
                watcher.rollback()
                if waiting == "advisory":
                    break
                threading.Event().wait(0.05)
            assert waiting == "advisory"
            seal(first)
            first_txid = first.execute(text("SELECT pg_current_xact_id()::text::bigint")).scalar_one()
            first.commit()
            thread.join(10)
            positions = dict(
                watcher.execute(
                    text("SELECT txid = :txid, pos FROM sync_commit ORDER BY pos DESC LIMIT 2"),
                    {"txid": first_txid},
                ).all()
            )
            assert positions[True] < positions[False]  # A's position comes before B's
        changes, _ = pull_all(client, cursor)
        assert [c["id"] for c in changes] == ["locked_first:1", "waiting_second:1"]
    finally:
        engine.dispose()
