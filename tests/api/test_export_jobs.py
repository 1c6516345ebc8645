"""Export jobs: the desk asks for an export, the job runs in the background and ends with a link
to the same workbook the export route gives directly (same rows, same audit row); only its owner
can fetch it, for a day; bad requests are the JSON envelope and start nothing."""

from __future__ import annotations

import io
from datetime import date, timedelta

import openpyxl
import pytest
from sqlalchemy import select, update

from server.audit.models import AuditLog
from server.auth.models import User
from server.exports.models import ExportJob
from server.extensions import db
from server.push.service import flush
from tests import clock
from tests.factories import id_number_for, make_building, make_household, make_resident

API = "/api/v1/exports"
REGISTER = "/register/export.xlsx"


@pytest.fixture
def households(org) -> None:
    """A household of two in community 1 (one with a full ID number), one in community 2."""
    c1_grid = next(g for g in org["grids"] if g.community_id == org["communities"][0].id)
    building = make_building(c1_grid.id, "幸福里3栋", "幸福路3号")
    mine = make_household(c1_grid.id, building, head_name="王建国", address="幸福路3号", room="502")
    make_resident(
        mine,
        name="王秀英",
        birth_date=date(1940, 3, 8),
        id_number=id_number_for(date(1940, 3, 8), "female", 24),
    )
    make_resident(mine, name="王小明", gender="male", birth_date=date(1975, 6, 1), relation="child")
    theirs = make_household(org["worker_other"].grids[0].id, head_name="赵其他", address="别的社区1号")
    make_resident(theirs, name="赵外人")
    db.session.commit()


def start(auth, path: str = REGISTER, query: dict | None = None, **kwargs):
    return auth.post(API, json={"path": path, "query": query or {}}, **kwargs)


def finished(auth, export_id: str) -> dict:
    """The export once the background threads are idle."""
    assert flush(30), "the export job is still running"
    answer = auth.client.get(f"{API}/{export_id}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def rows_of(data: bytes) -> list[tuple]:
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.freeze_panes == "A2"
    return list(sheet.iter_rows(values_only=True))


def exports_audited() -> list[AuditLog]:
    db.session.expire_all()
    return list(db.session.scalars(select(AuditLog).where(AuditLog.action == "export").order_by(AuditLog.id)))


def user_id_of(username: str) -> int:
    return db.session.scalar(select(User.id).where(User.username == username))


def assert_error(response, status: int, code: str, field: str | None = None) -> None:
    assert response.status_code == status, response.data[:300]
    error = response.get_json()["error"]
    assert error["code"] == code and error["message"], error
    if field is not None:
        assert field in error["fields"], error


def test_an_export_runs_as_a_job_and_ends_with_the_same_workbook_as_a_direct_download(
    households, delivering_auth
):
    auth = delivering_auth
    auth.login("super1")
    answer = start(auth)
    assert answer.status_code == 202, answer.get_json()
    job = answer.get_json()
    assert job["state"] in ("queued", "running", "done") and answer.headers["Location"].endswith(job["id"])

    done = finished(auth, job["id"])
    assert done["state"] == "done" and done["error"] is None
    assert done["file_name"] == f"居民底册-{clock.today():%Y%m%d}.xlsx"
    assert done["download"] == f"{API}/{job['id']}/file"
    file = auth.client.get(done["download"])
    assert file.status_code == 200 and file.headers["Cache-Control"] == "no-store"
    assert "filename*=UTF-8''" in file.headers["Content-Disposition"]
    assert len(file.data) == done["size_bytes"]

    direct = auth.client.get(f"/api/v1{REGISTER}")
    assert rows_of(file.data) == rows_of(direct.data)
    names = [row[4:] for row in rows_of(file.data)]
    assert any("王秀英" in row for row in names) and not any("赵外人" in row for row in names)
    # The ID number is masked, as in the direct download.
    assert "19400308" not in str(rows_of(file.data))
    # One audit row per export, each the supervisor's, with the address they asked from.
    audited = exports_audited()
    assert [row.actor_id for row in audited] == [user_id_of("super1")] * 2
    assert audited[0].detail["rows"] == audited[1].detail["rows"]


def test_the_filters_and_the_language_reach_the_export(households, delivering_auth, org):
    auth = delivering_auth
    auth.login("super1")
    grid = next(g for g in org["grids"] if g.community_id == org["communities"][0].id)
    job = start(auth, query={"grid_id": str(grid.id)}, headers={"Accept-Language": "en"}).get_json()
    done = finished(auth, job["id"])
    assert done["state"] == "done", done
    header, *rows = rows_of(auth.client.get(done["download"]).data)
    assert "ID number" in header or "Name" in header, header
    assert len(rows) == 2


def test_a_refused_export_ends_failed_with_the_exports_own_answer(households, delivering_auth, org):
    auth = delivering_auth
    auth.login("super1")
    other = org["worker_other"].grids[0].id
    job = start(auth, query={"grid_id": str(other)}).get_json()
    done = finished(auth, job["id"])
    assert done["state"] == "failed" and done["download"] is None
    assert (
        done["error"]["status"] == 404 and done["error"]["code"] == "not_found" and done["error"]["message"]
    )
    assert_error(auth.client.get(f"{API}/{job['id']}/file"), 409, "export_failed")
    assert exports_audited() == []
    # Full numbers stay an admin's, with a reason: the supervisor's job fails as the route would.
    job = start(auth, query={"unmasked": "1", "reason": "核对"}).get_json()
    assert finished(auth, job["id"])["error"]["status"] == 403


def test_only_the_owner_sees_an_export_and_its_file(households, delivering_auth):
    auth = delivering_auth
    auth.login("super1")
    job = start(auth).get_json()
    assert finished(auth, job["id"])["state"] == "done"
    auth.client.post("/api/v1/auth/logout", headers=auth.headers())
    auth.login("street1")
    assert_error(auth.client.get(f"{API}/{job['id']}"), 404, "not_found")
    assert_error(auth.client.get(f"{API}/{job['id']}/file"), 404, "not_found")
    for other in ("0" * 33, "%00" * 3, "X" * 32):
        assert_error(auth.client.get(f"{API}/{other}"), 404, "not_found")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"path": "/cases", "query": {}}, "path"),  # a list, not an export
        ({"path": "/exports", "query": {}}, "path"),
        ({"path": "/cases/export.xlsx?state=filed", "query": {}}, "path"),
        ({"path": "https://example.com/x.xlsx"}, "path"),
        ({"path": ""}, "path"),
        ({}, "path"),
        ({"path": REGISTER, "query": {"grid_id": 3}}, "query"),  # values are text, as in a URL
        ({"path": REGISTER, "query": {f"k{n}": "1" for n in range(21)}}, "query"),
        ({"path": REGISTER, "query": ["grid_id"]}, "query"),
        ({"path": "/register/export\x00.xlsx"}, "path"),
    ],
)
def test_bad_requests_are_422_and_start_nothing(households, delivering_auth, body, field):
    auth = delivering_auth
    auth.login("super1")
    assert_error(auth.post(API, json=body), 422, "validation_failed", field)
    assert db.session.scalars(select(ExportJob)).all() == []


@pytest.mark.parametrize("username", ["worker1", "handler1"])
def test_workers_and_handlers_cannot_start_exports(households, delivering_auth, username):
    auth = delivering_auth
    auth.login(username)
    assert_error(start(auth), 404, "not_found")
    assert db.session.scalars(select(ExportJob)).all() == []


def test_a_fourth_running_export_is_429_and_a_dead_one_stops_counting(households, delivering_auth, app):
    auth = delivering_auth
    auth.login("super1")
    user_id = user_id_of("super1")
    # Three exports someone else's worker process is still making (rows as start() leaves them).
    for n in range(3):
        db.session.add(
            ExportJob(
                id=f"{n:032d}", user_id=user_id, path=REGISTER, query={}, language="zh-CN", state="running"
            )
        )
    db.session.commit()
    refused = start(auth)
    assert_error(refused, 429, "too_many_exports")
    assert "3" in refused.get_json()["error"]["message"]
    # One of them has been "running" longer than any export may: its process died.
    timeout = app.config["EXPORT_TIMEOUT_SECONDS"]
    db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == f"{0:032d}")
        .values(created_at=clock.now() - timedelta(seconds=timeout + 60))
    )
    db.session.commit()
    answer = start(auth)
    assert answer.status_code == 202, answer.get_json()
    dead = auth.client.get(f"{API}/{0:032d}").get_json()
    assert dead["state"] == "failed" and dead["error"]["code"] == "interrupted"
    assert finished(auth, answer.get_json()["id"])["state"] == "done"


def test_a_file_is_kept_a_day_then_gone(households, delivering_auth, app):
    auth = delivering_auth
    auth.login("super1")
    job = start(auth).get_json()
    assert finished(auth, job["id"])["state"] == "done"
    files = app.config["INSTANCE_PATH"] / "exports"
    assert (files / f"{job['id']}.bin").is_file()
    keep = app.config["EXPORT_KEEP_SECONDS"]
    db.session.execute(
        update(ExportJob)
        .where(ExportJob.id == job["id"])
        .values(created_at=clock.now() - timedelta(seconds=keep + 1))
    )
    db.session.commit()
    assert_error(auth.client.get(f"{API}/{job['id']}/file"), 410, "export_gone")
    # The next export sweeps it: its row and its file are gone.
    fresh = start(auth).get_json()
    assert_error(auth.client.get(f"{API}/{job['id']}"), 404, "not_found")
    assert not (files / f"{job['id']}.bin").exists()
    assert finished(auth, fresh["id"])["state"] == "done"


def test_a_file_is_409_while_the_export_runs(households, delivering_auth):
    auth = delivering_auth
    auth.login("super1")
    user_id = user_id_of("super1")
    db.session.add(
        ExportJob(id="f" * 32, user_id=user_id, path=REGISTER, query={}, language="zh-CN", state="queued")
    )
    db.session.commit()
    assert_error(auth.client.get(f"{API}/{'f' * 32}/file"), 409, "export_running")


def test_with_redis_the_push_worker_runs_the_export(households, auth, app, runner):
    if not app.config["REDIS_URL"]:
        pytest.skip("the Redis queue runs in the Redis pass (TEST_REDIS_URL)")
    auth.login("super1")
    job = start(auth).get_json()
    assert auth.client.get(f"{API}/{job['id']}").get_json()["state"] == "queued"
    result = runner.invoke(args=["push-worker", "--burst"])
    assert result.exit_code == 0, result.output
    done = auth.client.get(f"{API}/{job['id']}").get_json()
    assert done["state"] == "done", done
    assert "王秀英" in str(rows_of(auth.client.get(done["download"]).data))
