"""Organisation import (issue 13 §1: communities, grids, workers): upload → preview with counts →
commit → the new workers log in with their one-time first password → re-import changes nothing;
a community supervisor stays inside their community; every bad row says why."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from server import xlsx
from server.audit.models import AuditLog
from server.auth.models import User
from server.auth.passwords import check_new_password
from server.extensions import db
from server.ledger.organisation import first_password
from server.org.models import Community, Grid
from tests.api.test_ledger_import import settle
from tests.conftest import AuthActions

HEADERS = ["序号", "社区名称", "社区编码", "网格编号", "网格名称", "网格员", "网格员联系电话", "登录账号"]


def sheet(rows: list[list], headers=HEADERS) -> bytes:
    book = Workbook()
    ws = book.active
    ws.append(["南浦街道网格划分及网格员信息表"])  # a title row above the header
    ws.append(headers)
    for row in rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def upload(app, auth, data: bytes, kind: str = "organisation") -> dict:
    response = auth.post(
        "/api/v1/ledger/imports",
        data=data,
        query_string={"filename": "网格员信息表.xlsx", "kind": kind},
        headers={"Content-Type": "application/octet-stream"},
    )
    assert response.status_code == 202, response.get_json()
    return settle(app, auth, response.get_json()["id"])


def commit(app, auth, import_id: int) -> dict:
    response = auth.post(f"/api/v1/ledger/imports/{import_id}/commit")
    assert response.status_code == 202, response.get_json()
    body = settle(app, auth, import_id)
    assert body["state"] == "committed", body
    return body


def org_state() -> dict:
    """Everything an organisation import may touch, as comparable values."""
    return {
        "communities": sorted(db.session.execute(select(Community.code, Community.name)).all()),
        "grids": sorted(db.session.execute(select(Grid.code, Grid.name, Grid.community_id)).all()),
        "users": sorted(
            (u.username, u.display_name, u.phone, u.role, tuple(g.code for g in u.grids))
            for u in db.session.scalars(select(User))
        ),
    }


def rows_for(org) -> list[list]:
    c1 = org["communities"][0]
    g1 = [g for g in org["grids"] if g.community_id == c1.id]
    return [
        # An existing grid, renamed; its worker (worker1, by account) unchanged.
        [1, c1.name, None, g1[0].code, "测试社区1第一网格", "测试worker", None, "worker1"],
        # The same worker also takes the community's second grid.
        [2, c1.name, None, g1[1].code, g1[1].name, "测试worker", None, "worker1"],
        # A new grid in community 1 with a new worker known by phone only.
        [3, c1.name, "", f"{c1.code}-003", "测试社区1第3网格", "刘芳", "13907918833", None],
        # A new community with its code, a grid and a new worker with an account name.
        [
            4,
            "新建社区",
            "360103-099-003",
            "360103-099-003-001",
            "新建社区第1网格",
            "陈敏",
            "13907918834",
            "chenmin",
        ],
        [],  # an empty row is skipped
    ]


def test_preview_commit_first_passwords_and_a_reimport_that_changes_nothing(app, org, auth):
    auth.login("street1")
    before = org_state()
    imp = upload(app, auth, sheet(rows_for(org)))
    assert imp["state"] == "ready" and imp["kind"] == "organisation", imp
    assert imp["header_row"] == 2
    fields = {c["header"]: c["field"] for c in imp["columns"]}
    assert fields["社区名称"] == "community" and fields["网格编号"] == "grid_code"
    assert fields["网格员联系电话"] == "phone" and fields["网格员"] == "worker" and fields["序号"] is None
    report = imp["report"]
    assert (report["rows"], report["valid"], report["rejected"]) == (4, 4, 0), report
    assert report["communities"]["created"] == 1
    assert report["grids"] == {"created": 2, "updated": 1, "unchanged": 1}
    assert report["workers"] == {"created": 2, "updated": 1, "unchanged": 0}
    assert org_state() == before, "nothing is stored before the commit"

    done = commit(app, auth, imp["id"])
    assert done["counts"]["grids"]["created"] == 2 and done["counts"]["workers"]["created"] == 2
    assert done["first_passwords"] is True
    db.session.expire_all()
    c1 = org["communities"][0]
    assert db.session.scalar(select(Grid.name).where(Grid.code == f"{c1.code}-001")) == "测试社区1第一网格"
    new_community = db.session.scalar(select(Community).where(Community.code == "360103-099-003"))
    assert new_community.name == "新建社区" and new_community.street_id == org["street"].id
    worker1 = db.session.scalar(select(User).where(User.username == "worker1"))
    assert {g.code for g in worker1.grids} == {f"{c1.code}-001", f"{c1.code}-002"}
    liu = db.session.scalar(select(User).where(User.username == "13907918833"))
    assert (
        liu.role == "worker"
        and liu.display_name == "刘芳"
        and [g.code for g in liu.grids] == [f"{c1.code}-003"]
    )
    audit = db.session.scalars(select(AuditLog).where(AuditLog.action == "ledger.import")).all()
    assert (
        audit[-1].detail["kind"] == "organisation" and audit[-1].detail["file_sha256"] == imp["file_sha256"]
    )

    # The first passwords: one download, by the importer; the worker logs in and must change it.
    answer = auth.client.get(f"/api/v1/ledger/imports/{imp['id']}/accounts.xlsx")
    assert answer.status_code == 200
    book = load_workbook(io.BytesIO(answer.data)).active
    table = [[c.value for c in row] for row in book.iter_rows()]
    assert table[0] == ["登录账号", "网格员", "初始密码", "网格编码"]
    passwords = {row[0]: row[2] for row in table[1:]}
    assert set(passwords) == {"13907918833", "chenmin"}
    again = auth.client.get(f"/api/v1/ledger/imports/{imp['id']}/accounts.xlsx")
    assert again.status_code == 410 and "只能下载一次" in again.get_json()["error"]["message"]
    worker = AuthActions(app.test_client())
    login = worker.login("chenmin", passwords["chenmin"])
    assert login.status_code == 200 and login.get_json()["user"]["must_change_password"] is True

    # The same file again: previewed as all unchanged, and the commit changes nothing.
    after = org_state()
    changes_before = db.session.scalar(select(func.count()).select_from(AuditLog))
    again = upload(app, auth, sheet(rows_for(org)))
    assert again["report"]["grids"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert again["report"]["workers"] == {"created": 0, "updated": 0, "unchanged": 3}
    assert again["report"]["communities"]["created"] == 0
    done = commit(app, auth, again["id"])
    assert done["first_passwords"] is False
    db.session.expire_all()
    assert org_state() == after
    assert (
        db.session.scalar(select(func.count()).select_from(AuditLog)) == changes_before + 1
    )  # the import's own row


def test_a_community_supervisor_imports_only_inside_their_community(app, org, auth):
    auth.login("super1")  # community 1's supervisor
    c1, c2 = org["communities"]
    g2 = next(g for g in org["grids"] if g.community_id == c2.id)
    rows = [
        [1, c1.name, None, f"{c1.code}-009", "测试社区1第9网格", "周杰", "13907918835", None],
        [2, c2.name, None, g2.code, g2.name, "赵磊", "13907918836", None],
        [3, "又一个社区", "360103-099-008", "360103-099-008-001", "第1网格", None, None, None],
        # worker2 walks community 2: not super1's to move.
        [4, c1.name, None, f"{c1.code}-009", "测试社区1第9网格", "测试worker", None, "worker2"],
    ]
    before = org_state()
    imp = upload(app, auth, sheet(rows))
    assert (imp["report"]["valid"], imp["report"]["rejected"]) == (1, 3), imp["report"]
    messages = {e["row"]: e["message"] for column in imp["report"]["columns"] for e in column["first"]}
    assert "不在您的负责范围内" in messages[4]
    assert "不在您的负责范围内" in messages[5]
    assert "不是您负责范围内的网格员" in messages[6]
    assert org_state() == before
    commit(app, auth, imp["id"])
    db.session.expire_all()
    assert db.session.scalar(select(Grid.name).where(Grid.code == f"{c1.code}-009")) == "测试社区1第9网格"
    assert db.session.scalar(select(func.count()).select_from(Community)) == 2
    # The rows turned away come back as a workbook with their reasons.
    rejected = auth.client.get(f"/api/v1/ledger/imports/{imp['id']}/rejected.xlsx")
    reasons = [
        row[-1]
        for row in load_workbook(io.BytesIO(rejected.data)).active.iter_rows(min_row=2, values_only=True)
    ]
    assert len(reasons) == 3 and all(r.startswith("第 ") for r in reasons)


def test_every_bad_row_says_why_and_nothing_is_stored(app, org, auth):
    auth.login("admin1")
    c1, c2 = org["communities"]
    g1 = next(g for g in org["grids"] if g.community_id == c1.id)
    g2 = next(g for g in org["grids"] if g.community_id == c2.id)
    rows = [
        [
            1,
            c1.name,
            None,
            "360103 099 001 007",
            "坏编码",
            None,
            None,
            None,
        ],  # spaces are dropped: a valid code
        [2, c1.name, None, "网格#7", "坏编码", None, None, None],
        [3, c1.name, None, g2.code, "抢别人的网格", None, None, None],
        [4, c1.name, None, f"{c1.code}-020", "第20网格", "孙丽", "1390791", None],
        [5, c1.name, None, f"{c1.code}-021", "第21网格", "孙丽", None, None],
        [6, c1.name, None, f"{c1.code}-022", "第22网格", "吴强", None, "super1"],
        [7, c1.name, None, f"{c1.code}-023", "第23网格", None, None, None],
        [8, c1.name, None, f"{c1.code}-023", "另一个名字", None, None, None],
        [9, "不存在的社区", None, "360103-099-777-001", "第1网格", None, None, None],
        [10, c1.name, "360103-099-002", f"{c1.code}-024", "第24网格", None, None, None],
        [11, None, None, g1.code, g1.name, None, None, None],
        [12, c1.name, None, f"{c1.code}-025", "第25网格", "马超", "=HYPERLINK(1)", None],
    ]
    before = org_state()
    imp = upload(app, auth, sheet(rows))
    report = imp["report"]
    by_row: dict[int, str] = {}
    for column in report["columns"]:
        for error in column["first"]:
            by_row.setdefault(error["row"], error["message"])
    assert report["valid"] == 2, report  # rows 1 and 7 (row 8 contradicts 7 and is the one turned away)
    assert "编码只能包含" in by_row[4]
    assert "属于另一个社区" in by_row[5]
    assert "手机" in by_row[6] or "电话" in by_row[6] or "号码" in by_row[6]
    assert "需要手机号或账号" in by_row[7]
    assert "已被其他人使用" in by_row[8] or "不是您负责范围内的网格员" in by_row[8]
    assert "不一致" in by_row[10]
    assert "新社区需要填写社区编码" in by_row[11]
    assert "对应的是“测试社区2”" in by_row[12]  # the code names another community
    assert by_row[13] == "必填项"
    assert 14 in by_row  # a formula is text, and not a phone number
    assert org_state() == before


def test_the_mapping_must_name_the_required_columns_and_a_bad_kind_is_refused(app, org, auth):
    auth.login("admin1")
    imp = upload(
        app,
        auth,
        sheet([[1, "测试社区1", "360103-099-001-005", "第5网格"]], ["序号", "社区", "网格编码", "备注"]),
    )
    assert imp["state"] == "ready"
    assert any("网格名称" in m for m in imp["report"]["mapping_errors"]), imp["report"]
    refused = auth.post(f"/api/v1/ledger/imports/{imp['id']}/commit")
    assert refused.status_code == 422
    # A register field is not a field of this kind of ledger.
    bad = auth.put(f"/api/v1/ledger/imports/{imp['id']}/mapping", json={"mapping": {"3": "id_number"}})
    assert bad.status_code == 422
    # The mapping is saved whole: every column the user keeps is named again.
    mapping = {"0": None, "1": "community", "2": "grid_code", "3": "grid"}
    fixed = auth.put(f"/api/v1/ledger/imports/{imp['id']}/mapping", json={"mapping": mapping})
    assert fixed.status_code == 202
    settled = settle(app, auth, imp["id"])
    assert settled["report"]["valid"] == 1, settled
    wrong_kind = auth.post(
        "/api/v1/ledger/imports",
        data=sheet([]),
        query_string={"filename": "x.xlsx", "kind": "staff"},
        headers={"Content-Type": "application/octet-stream"},
    )
    assert wrong_kind.status_code == 422
    # A worker may not import at all.
    worker = AuthActions(app.test_client())
    worker.login("worker1")
    assert (
        worker.post("/api/v1/ledger/imports?kind=organisation", data=sheet([])).status_code == 404
    )  # desk routes hide from workers


def test_a_first_password_reads_in_the_workbook_as_it_must_be_typed():
    # Drawn often enough that any character a spreadsheet shows differently would turn up: a
    # leading "-" came back from the sheet as "'-…" and the worker's first login failed.
    for password in {first_password() for _ in range(2000)}:
        assert xlsx.safe_text(password) == password and password.isascii() and password.isalnum()
        check_new_password(password)  # the policy every password meets (raises if not)
