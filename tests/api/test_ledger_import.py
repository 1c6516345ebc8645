"""Ledger import (issue 13 §1): upload → preview → adjust the mapping → commit → re-import, what the
phones pull after each, and every kind of bad file and bad cell the issue names."""

from __future__ import annotations

import io
import json
import os
import re
import time
import zipfile
from datetime import date, timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select, text

from server.audit.models import AuditLog
from server.extensions import db
from server.ledger import organisation
from server.ledger.models import LedgerImport
from server.register.idcard import make_id_number
from server.register.models import Building, Household, Resident
from server.sync.models import SyncChange
from tests import clock
from tests.api.test_register_pull import pull_all

HEADERS = [
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "楼栋",
    "单元",
    "门牌",
    "联络",
    "网格",
    "人员类别",
    "与户主关系",
    "备注",
]


def person(seq: int, born: date, sex: str = "male") -> str:
    """A valid ID number of the sex asked for (17th digit odd for men)."""
    n = seq * 2 + (1 if sex == "male" else 0)
    return make_id_number("360103", born, n)


@pytest.fixture
def cast(org):
    """Community 1's grid names, and its supervisor logged in."""
    grids = [g for g in org["grids"] if g.community_id == org["communities"][0].id]
    return {"grid1": grids[0].name, "grid2": grids[1].name, "other_grid": org["grids"][-1]}


def ledger_rows(cast) -> list[list]:
    g1, g2 = cast["grid1"], cast["grid2"]
    return [
        [
            "王建国",
            person(1, date(1948, 3, 8)),
            "男",
            date(1948, 3, 8),
            "3栋",
            "2单元",
            "301",
            "13800001111",
            g1,
            "独居、高龄",
            "户主",
            "老党员",
        ],
        # Excel serial number for 1950-05-01, and full-width digits in the ID number
        [
            "李秀英",
            person(2, date(1950, 5, 1), "female").translate(
                str.maketrans("0123456789", "０１２３４５６７８９")
            ),
            "女",
            18384,
            "3栋",
            "2单元",
            "301",
            None,
            g1,
            None,
            "配偶",
            None,
        ],
        [None] * 12,  # an empty row in the middle
        [
            "张伟",
            person(3, date(1985, 11, 20)),
            None,
            "1985/11/20",
            "5栋",
            "1单元",
            "102",
            "13900002222",
            g2,
            None,
            "户主",
            None,
        ],
        [
            "赵敏",
            person(4, date(1990, 1, 2), "female"),
            "女",
            "19900102",
            "5栋",
            "1单元",
            "102",
            None,
            g2,
            None,
            "配偶",
            None,
        ],
    ]


def workbook_bytes(
    rows: list[list], headers=HEADERS, title: str | None = "南浦街道居民底册（示例）"
) -> bytes:
    """Title on row 1 (merged across), group headers on row 2 (姓名 merged down into row 3), the
    header on row 3, then the rows."""
    book = Workbook()
    sheet = book.active
    if title:
        sheet.append([title])
        sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
        sheet.append(["姓名", "基本信息", None, None, "住址"])
        sheet.merge_cells("A2:A3")
        sheet.merge_cells("B2:D2")
        sheet.merge_cells("E2:G2")
        sheet.append([None, *headers[1:]])
    else:
        sheet.append(headers)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def settle(app, auth, import_id: int, timeout: float = 20.0) -> dict:
    """The import once its background step is over (RQ: run the queued jobs here first)."""
    if app.config.get("REDIS_URL"):
        from rq import SimpleWorker

        from server.ledger.jobs import worker_queue

        queue = worker_queue(app)
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    deadline = time.monotonic() + timeout
    while True:
        answer = auth.client.get(f"/api/v1/ledger/imports/{import_id}")
        assert answer.status_code == 200, answer.get_json()
        body = answer.get_json()
        if body["state"] not in ("analysing", "committing"):
            return body
        assert time.monotonic() < deadline, body
        time.sleep(0.05)


def upload(auth, data: bytes, name: str = "底册.xlsx"):
    return auth.post(
        "/api/v1/ledger/imports",
        data=data,
        query_string={"filename": name},
        headers={"Content-Type": "application/octet-stream"},
    )


def uploaded(app, auth, data: bytes, name: str = "底册.xlsx") -> dict:
    response = upload(auth, data, name)
    assert response.status_code == 202, response.get_json()
    return settle(app, auth, response.get_json()["id"])


def committed(app, auth, import_id: int) -> dict:
    response = auth.post(f"/api/v1/ledger/imports/{import_id}/commit")
    assert response.status_code == 202, response.get_json()
    body = settle(app, auth, import_id)
    assert body["state"] == "committed", body
    return body


def counts() -> tuple[int, int, int]:
    return (
        db.session.scalar(select(func.count()).select_from(Resident)),
        db.session.scalar(select(func.count()).select_from(Household)),
        db.session.scalar(select(func.count()).select_from(SyncChange)),
    )


def register_changes(changes: list[dict]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for c in changes:
        if c["entity"] in ("building", "household", "resident"):
            out.setdefault(c["entity"], []).append(
                c["data"]["name"] if c["entity"] == "resident" else c["id"]
            )
    return out


def fresh_changes(client, snapshot: list[dict], cursor: str) -> tuple[list[dict], str]:
    """What a phone pulls past its cursor that its snapshot did not already hold."""
    carried = {json.dumps(c, sort_keys=True) for c in snapshot}
    changes, cursor = pull_all(client, cursor)
    return [c for c in changes if json.dumps(c, sort_keys=True) not in carried], cursor


def test_upload_preview_adjust_commit_reimport_and_the_phone_pulls_only_the_changes(app, org, cast, auth):
    auth.login("super1")
    data = workbook_bytes(ledger_rows(cast))
    imp = uploaded(app, auth, data)
    assert imp["state"] == "ready", imp
    assert imp["header_row"] == 3
    by_header = {c["header"]: c["field"] for c in imp["columns"]}
    # 姓名 is merged down from row 2; 联络 is not a header the import knows; 备注 is left out.
    assert by_header["姓名"] == "name" and by_header["公民身份号码"] == "id_number"
    assert by_header["门牌"] == "room" and by_header["网格"] == "grid"
    assert by_header["联络"] is None and by_header["备注"] is None
    assert imp["report"]["rows"] == 4 and imp["report"]["valid"] == 4
    assert {"code": "phone", "label": "联系电话", "required": False} in imp["fields"]
    assert counts()[:2] == (0, 0), "nothing is stored in the register before the commit"

    # The user says 联络 is the phone column, and saves the mapping: every row is checked again.
    phone_column = next(c["index"] for c in imp["columns"] if c["header"] == "联络")
    mapping = {str(c["index"]): c["field"] for c in imp["columns"]}
    mapping[str(phone_column)] = "phone"
    response = auth.put(f"/api/v1/ledger/imports/{imp['id']}/mapping", json={"mapping": mapping})
    assert response.status_code == 202, response.get_json()
    imp = settle(app, auth, imp["id"])
    assert imp["state"] == "ready" and imp["report"]["valid"] == 4
    assert {c["header"]: c["field"] for c in imp["columns"]}["联络"] == "phone"

    # Another supervisor does not see this import; a worker may not import at all.
    other = auth.client.application.test_client()
    from tests.conftest import AuthActions

    street = AuthActions(other)
    street.login("street1")
    assert street.client.get(f"/api/v1/ledger/imports/{imp['id']}").status_code == 404

    worker_client = auth.client.application.test_client()
    worker = AuthActions(worker_client)
    worker.login("worker1")
    assert upload(worker, data).status_code == 404
    snapshot, cursor = pull_all(worker_client)

    done = committed(app, auth, imp["id"])
    assert done["counts"]["residents"] == {"created": 4, "updated": 0, "unchanged": 0}
    assert done["counts"]["households"] == {"created": 2, "updated": 0, "unchanged": 0}
    assert done["counts"]["buildings"]["created"] == 2
    wang = db.session.scalar(select(Resident).where(Resident.name == "王建国"))
    li = db.session.scalar(select(Resident).where(Resident.name == "李秀英"))
    assert wang.tags == ["living_alone", "aged"] and wang.phone == "13800001111" and wang.relation == "head"
    assert li.birth_date == date(1950, 5, 1) and li.id_number == person(2, date(1950, 5, 1), "female")
    assert li.household_id == wang.household_id and li.gender == "female"
    household = db.session.get(Household, wang.household_id)
    assert household.head_name == "王建国" and household.address == "3栋2单元301"
    assert db.session.get(Building, household.building_id).name == "3栋"
    audit = db.session.scalar(select(AuditLog).where(AuditLog.action == "ledger.import"))
    assert audit.actor_id == org["supervisor"].id
    assert audit.detail["file_sha256"] == imp["file_sha256"] and audit.detail["rejected"] == 0
    assert audit.detail["residents"]["created"] == 4

    # The worker of grid 1 pulls the household of grid 1 and its two people, nothing of grid 2.
    changes, cursor = fresh_changes(worker_client, snapshot, cursor)
    assert sorted(register_changes(changes)["resident"]) == ["李秀英", "王建国"]
    snapshot += changes

    # The same file again (the saved mapping is reused): nothing changes, nothing reaches a phone.
    before = counts()
    again = uploaded(app, auth, data)
    assert {c["header"]: c["field"] for c in again["columns"]}["联络"] == "phone"
    again = committed(app, auth, again["id"])
    assert again["counts"]["residents"] == {"created": 0, "updated": 0, "unchanged": 4}
    assert again["counts"]["households"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert counts() == before
    changes, cursor = fresh_changes(worker_client, snapshot, cursor)
    assert register_changes(changes) == {}

    # Edit one phone in grid 1 and one category in grid 2: only those residents change.
    rows = ledger_rows(cast)
    rows[0][7] = "13800009999"
    rows[3][9] = "低保"
    edited = committed(app, auth, uploaded(app, auth, workbook_bytes(rows))["id"])
    assert edited["counts"]["residents"] == {"created": 0, "updated": 2, "unchanged": 2}
    # The head's phone is the household's contact number too.
    assert edited["counts"]["households"] == {"created": 0, "updated": 1, "unchanged": 1}
    db.session.expire_all()
    wang = db.session.get(Resident, wang.id)
    assert wang.phone == "13800009999" and wang.version == 2
    changes, cursor = fresh_changes(worker_client, snapshot, cursor)
    assert register_changes(changes) == {"household": [str(wang.household_id)], "resident": ["王建国"]}
    assert [c["version"] for c in changes if c["entity"] == "resident"] == [2]


def test_every_row_is_checked_and_the_rejected_rows_come_back_with_reasons(app, org, cast, auth):
    auth.login("super1")
    g1 = cast["grid1"]
    # Someone already registered in community 2's grid, outside this supervisor's area.
    from tests.factories import make_building, make_household, make_resident

    make_building(org["worker"].grids[0].id, "1栋", "示例路1号")
    outsider = make_resident(make_household(cast["other_grid"].id), id_number=person(30, date(1960, 1, 1)))
    db.session.commit()
    good = person(10, date(1955, 6, 1))
    twin = person(11, date(1956, 6, 1))
    wrong_check = person(12, date(1957, 6, 1))[:-1] + (
        "0" if person(12, date(1957, 6, 1))[-1] != "0" else "1"
    )
    rows = [
        [
            '=HYPERLINK("http://x","王五")',
            good,
            "男",
            "1955-06-01",
            "1栋",
            "1单元",
            "101",
            "13800000001",
            g1,
            None,
            "户主",
            None,
        ],
        ["数字身份证", 4.20105198001011e17, "男", None, "1栋", "1单元", "102", None, g1, None, None, None],
        ["校验位错", wrong_check, None, None, "1栋", "1单元", "103", None, g1, None, None, None],
        [
            "日期不符",
            person(13, date(1958, 6, 1)),
            None,
            "1958-06-02",
            "1栋",
            "1单元",
            "104",
            None,
            g1,
            None,
            None,
            None,
        ],
        [
            "性别不符",
            person(14, date(1959, 6, 1)),
            "女",
            None,
            "1栋",
            "1单元",
            "105",
            None,
            g1,
            None,
            None,
            None,
        ],
        [
            "电话错",
            person(15, date(1961, 6, 1)),
            None,
            None,
            "1栋",
            "1单元",
            "106",
            "1380000",
            g1,
            None,
            None,
            None,
        ],
        [
            "网格错",
            person(16, date(1962, 6, 1)),
            None,
            None,
            "1栋",
            "1单元",
            "107",
            None,
            "没有这个网格",
            None,
            None,
            None,
        ],
        ["重复甲", twin, None, None, "1栋", "1单元", "108", None, g1, None, None, None],
        ["重复乙", twin, None, None, "1栋", "1单元", "109", None, g1, None, None, None],
        ["范围外", outsider.id_number, None, None, "1栋", "1单元", "110", None, g1, None, None, None],
        [
            "楼栋错",
            person(17, date(1963, 6, 1)),
            None,
            None,
            "1栋",
            "1单元",
            "111",
            None,
            cast["grid2"],
            None,
            None,
            None,
        ],
        [
            "=1+2",
            person(18, date(1964, 6, 1)),
            None,
            None,
            "1栋",
            "1单元",
            "112",
            "@SUM(1)",
            g1,
            None,
            None,
            None,
        ],
    ]
    headers = [*HEADERS[:7], "联系电话", *HEADERS[8:]]
    imp = uploaded(app, auth, workbook_bytes(rows, headers=headers, title=None))
    report = imp["report"]
    assert report["rows"] == 12 and report["valid"] == 1, report
    first = {c["field"]: c for c in report["columns"]}
    messages = lambda code: " ".join(e["message"] for e in first[code]["first"])  # noqa: E731
    assert first["id_number"]["errors"] == 5
    assert "后几位已丢失" in messages("id_number") and "校验位" in messages("id_number")
    assert "重复" in messages("id_number") and "负责范围以外" in messages("id_number")
    assert "不一致" in messages("birth_date") and "不一致" in messages("gender")
    assert first["phone"]["errors"] == 2 and first["grid"]["errors"] == 1
    assert "另一个网格" in messages("building")
    done = committed(app, auth, imp["id"])
    assert done["counts"]["residents"]["created"] == 1
    # The formula was never run: the name is its text.
    assert (
        db.session.scalar(select(Resident.name).where(Resident.id_number == good))
        == '=HYPERLINK("http://x","王五")'
    )

    sheet = auth.client.get(f"/api/v1/ledger/imports/{imp['id']}/rejected.xlsx")
    assert sheet.status_code == 200
    book = load_workbook(io.BytesIO(sheet.data))
    cells = list(book.active.iter_rows(values_only=True))
    assert cells[0][-1] == "错误原因" and len(cells) == 1 + 11
    by_name = {row[0]: row for row in cells[1:]}
    assert "后几位已丢失" in by_name["数字身份证"][-1]
    # Text that Excel would run stays text in the sheet we hand back, exactly as it was sent: the
    # supervisor corrects the sheet and imports it again, with no apostrophe added to a cell.
    formula_row = next(r for r in book.active.iter_rows(min_row=2) if "=1+2" in str(r[0].value))
    assert formula_row[0].data_type == "s" and formula_row[0].value == "=1+2" and formula_row[0].quotePrefix
    assert formula_row[7].value == "@SUM(1)" and formula_row[7].quotePrefix


@pytest.mark.parametrize(
    "encoding,bom", [("utf-8", True), ("utf-8", False), ("gbk", False), ("gb18030", False)]
)
def test_csv_in_utf8_and_gbk_with_or_without_bom(app, org, cast, auth, encoding, bom):
    auth.login("super1")
    lines = [
        "序号,姓名,身份证号,出生日期,现住址,网格,联系电话",
        f"1,欧阳娜娜,{person(20, date(1970, 2, 3), 'female')},1970-02-03,示例路1号101室,{cast['grid1']},13700000000",
        ",,,,,,",
        f"2,钱多多,4.20105E+17,1971-02-03,示例路1号102室,{cast['grid1']},",
    ]
    data = ("\r\n".join(lines) + "\r\n").encode(encoding)
    imp = uploaded(app, auth, (b"\xef\xbb\xbf" if bom else b"") + data, "底册.csv")
    assert imp["state"] == "ready" and imp["file_format"] == "csv", imp
    assert imp["header_row"] == 1 and imp["columns"][1]["field"] == "name"
    assert imp["report"]["rows"] == 2 and imp["report"]["valid"] == 1
    assert "科学计数法" in imp["report"]["columns"][0]["first"][0]["message"]
    assert imp["columns"][1]["samples"][0] == "欧阳娜娜"


def test_a_csv_mixing_utf8_and_gbk_is_a_file_error(app, org, cast, auth):
    auth.login("super1")
    data = "姓名,身份证号,现住址\r\n".encode() + f"张三,{person(21, date(1970, 1, 1))},示例路\r\n".encode(
        "gbk"
    )
    imp = uploaded(app, auth, data, "mixed.csv")
    assert imp["state"] == "failed" and "混有" in imp["error"]
    assert counts()[0] == 0


def _sheet_xml(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML rewritten."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                body = change(body)
            target.writestr(item, body)
    return out.getvalue()


def test_files_that_are_refused_before_anything_is_read(app, org, cast, auth):
    auth.login("super1")
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    assert upload(auth, png, "photo.png").get_json()["error"]["code"] == "unsupported_file"
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100
    refused = upload(auth, xls, "old.xls")
    assert refused.status_code == 422 and ".xlsx" in refused.get_json()["error"]["message"]
    assert upload(auth, b"PK\x03\x04 not really a zip", "x.xlsx").status_code == 422
    # A real workbook with its compressed sheet damaged: refused at upload, or a failed analysis.
    good = workbook_bytes(ledger_rows(cast), title=None)
    at = good.index(b"xl/worksheets/sheet1.xml") + 60
    damaged = upload(auth, good[:at] + bytes(b ^ 0x5A for b in good[at : at + 40]) + good[at + 40 :])
    accepted = int(damaged.status_code == 202)
    if accepted:
        assert settle(app, auth, damaged.get_json()["id"])["state"] == "failed"
    else:
        assert damaged.status_code == 422 and damaged.get_json()["error"]["code"] == "unsupported_file"

    # A zip bomb: a sheet declaring more than the cap once unpacked (a few KB on the wire).
    app.config["LEDGER_MAX_UNZIPPED_BYTES"] = 4 * 1024 * 1024
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w") as member:
            for _ in range(5):
                member.write(b"\x00" * (1024 * 1024))
    assert len(bomb.getvalue()) < 64 * 1024
    refused = upload(auth, bomb.getvalue(), "bomb.xlsx")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "file_too_large"

    # A sheet whose last row is Excel's last, 1,048,576: refused by its dimension, unread.
    small = workbook_bytes(ledger_rows(cast), title=None)
    huge = _sheet_xml(
        small,
        lambda xml: re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:L1048576"', xml).replace(
            b"</sheetData>",
            b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
        ),
    )
    refused = upload(auth, huge, "huge.xlsx")
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "too_many_rows"
    # The same sheet without its dimension: the reader stops at the cap, not at row 1,048,576.
    lying = _sheet_xml(huge, lambda xml: re.sub(rb"<dimension [^>]*/>", b"", xml))
    started = time.monotonic()
    imp = uploaded(app, auth, lying, "huge.xlsx")
    assert imp["state"] == "failed" and "拆分" in imp["error"], imp
    assert time.monotonic() - started < 15
    assert (
        db.session.scalar(select(func.count()).select_from(LedgerImport)) == 1
    )  # refused ones leave nothing


def _refuse_resident_named(name: str) -> list[str]:
    """A database trigger refusing one resident's insert: a failure in the middle of a commit."""
    if db.engine.dialect.name == "postgresql":
        return [
            "CREATE FUNCTION ledger_test_refuse() RETURNS trigger AS $$ BEGIN "
            f"IF NEW.name = '{name}' THEN RAISE EXCEPTION 'refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql",
            "CREATE TRIGGER ledger_test_refuse BEFORE INSERT ON resident FOR EACH ROW EXECUTE FUNCTION ledger_test_refuse()",
        ]
    return [
        f"CREATE TRIGGER ledger_test_refuse BEFORE INSERT ON resident WHEN NEW.name = '{name}' "
        "BEGIN SELECT RAISE(ABORT, 'refused'); END"
    ]


def test_a_commit_that_fails_half_way_leaves_nothing_behind(app, org, cast, auth):
    auth.login("super1")
    rows = [
        [
            f"居民{n}",
            person(40 + n, date(1960, 1, 1 + n)),
            None,
            None,
            "8栋",
            "1单元",
            f"{100 + n}",
            None,
            cast["grid1"],
            None,
            "户主",
            None,
        ]
        for n in range(6)
    ]
    rows[-1][0] = "拒绝写入"
    imp = uploaded(app, auth, workbook_bytes(rows, title=None))
    assert imp["report"]["valid"] == 6
    before = counts()
    # Two households per step: the refused insert comes in the third, after two were written.
    app.config["LEDGER_COMMIT_CHUNK"] = 2
    statements = _refuse_resident_named("拒绝写入")
    with db.engine.begin() as conn:
        for statement in statements:
            conn.execute(text(statement))
    try:
        assert auth.post(f"/api/v1/ledger/imports/{imp['id']}/commit").status_code == 202
        failed = settle(app, auth, imp["id"])
    finally:
        with db.engine.begin() as conn:
            conn.execute(
                text(
                    "DROP TRIGGER ledger_test_refuse"
                    + (" ON resident" if db.engine.dialect.name == "postgresql" else "")
                )
            )
            if db.engine.dialect.name == "postgresql":
                conn.execute(text("DROP FUNCTION ledger_test_refuse()"))
    assert failed["state"] == "ready" and "未作任何改动" in failed["error"], failed
    assert counts() == before
    assert db.session.scalar(select(func.count()).select_from(Building)) == 0
    assert (
        db.session.scalar(
            select(func.count()).select_from(AuditLog).where(AuditLog.action == "ledger.import")
        )
        == 0
    )
    # Fixed (the trigger gone), the same import commits in full.
    assert committed(app, auth, imp["id"])["counts"]["residents"]["created"] == 6


def test_a_commit_whose_process_died_may_start_again(app, org, cast, auth):
    auth.login("super1")
    imp = uploaded(app, auth, workbook_bytes(ledger_rows(cast)))
    # As a commit step leaves it when its process is killed: committing, its transaction gone.
    row = db.session.get(LedgerImport, imp["id"])
    row.state = "committing"
    db.session.commit()
    assert auth.post(f"/api/v1/ledger/imports/{imp['id']}/commit").status_code == 409
    assert auth.client.get(f"/api/v1/ledger/imports/{imp['id']}").get_json()["stalled"] is False
    row.updated_at = clock.now() - timedelta(minutes=16)
    db.session.commit()
    assert auth.client.get(f"/api/v1/ledger/imports/{imp['id']}").get_json()["stalled"] is True
    assert committed(app, auth, imp["id"])["counts"]["residents"]["created"] == 4


def _aged(path: Path, days: float) -> None:
    """As if the file was last written `days` ago (on the tests' clock)."""
    when = (clock.now() - timedelta(days=days)).timestamp()
    os.utime(path, (when, when))


def test_uploads_leave_the_disk_after_the_keep_days_and_an_import_left_waiting_fails(app, org, cast, auth):
    auth.login("super1")
    folder = Path(app.config["INSTANCE_PATH"]) / "ledger"
    waiting_bytes = workbook_bytes(ledger_rows(cast))
    waiting = uploaded(app, auth, waiting_bytes)
    bad_row = ["错号", "123", "男", None, "1栋", "1单元", "109", None, cast["grid1"], None, None, None]
    done = uploaded(app, auth, workbook_bytes([*ledger_rows(cast)[:1], bad_row], title=None))
    assert done["report"]["rejected"] == 1
    committed(app, auth, done["id"])
    # Left 31 days: the waiting one never committed, the done one's rejected rows never fetched,
    # and first passwords nobody downloaded.
    rows = {imp_id: db.session.get(LedgerImport, imp_id) for imp_id in (waiting["id"], done["id"])}
    organisation.keep_first_passwords(rows[done["id"]], [["网格员", "w9", "pw", "网格1"]])
    for row in rows.values():
        row.updated_at = clock.now() - timedelta(days=31)
        _aged(folder / f"{row.file_sha256}.{row.file_format}", 31)
    db.session.commit()
    recent_stray, old_stray, cut_short = (
        folder / f"{'a' * 64}.csv",
        folder / f"{'b' * 64}.csv",
        folder / "x.part",
    )
    for path, days in ((recent_stray, 0.1), (old_stray, 2), (cut_short, 2)):
        path.write_bytes(b"x")
        _aged(path, days)

    fresh = uploaded(app, auth, workbook_bytes(ledger_rows(cast)[:2], title=None))  # sweeps
    assert fresh["state"] == "ready"
    db.session.expire_all()
    for row in rows.values():
        assert not (folder / f"{row.file_sha256}.{row.file_format}").exists()
        assert not list(folder.glob(f"import-{row.id}.*"))
    assert not organisation.has_first_passwords(rows[done["id"]])
    assert not old_stray.exists() and not cut_short.exists()
    assert recent_stray.exists()  # maybe an upload whose import is not committed yet
    fresh_row = db.session.get(LedgerImport, fresh["id"])
    assert (folder / f"{fresh_row.file_sha256}.{fresh_row.file_format}").exists()

    # The waiting import says why it can no longer be committed; the done one keeps its report.
    left = auth.client.get(f"/api/v1/ledger/imports/{waiting['id']}").get_json()
    assert left["state"] == "failed" and "重新上传" in left["error"]
    assert auth.post(f"/api/v1/ledger/imports/{waiting['id']}/commit").status_code == 409
    kept = auth.client.get(f"/api/v1/ledger/imports/{done['id']}").get_json()
    assert kept["state"] == "committed" and kept["counts"]["residents"]["created"] == 1
    gone = auth.client.get(f"/api/v1/ledger/imports/{done['id']}/rejected.xlsx")
    assert gone.status_code == 410 and gone.get_json()["error"]["code"] == "file_gone"
    assert auth.client.get(f"/api/v1/ledger/imports/{done['id']}/accounts.xlsx").status_code == 410
    # The same file uploaded again is a new import that works.
    again = uploaded(app, auth, waiting_bytes)
    assert again["state"] == "ready" and again["report"]["valid"] == waiting["report"]["valid"]


def test_flask_ledger_prune_removes_what_the_upload_would(app, org, cast, auth):
    auth.login("super1")
    folder = Path(app.config["INSTANCE_PATH"]) / "ledger"
    imp = uploaded(app, auth, workbook_bytes(ledger_rows(cast)))
    row = db.session.get(LedgerImport, imp["id"])
    path = folder / f"{row.file_sha256}.{row.file_format}"
    row.updated_at = clock.now() - timedelta(days=29)
    db.session.commit()
    result = app.test_cli_runner().invoke(args=["ledger", "prune"])
    assert result.exit_code == 0, result.output
    assert path.exists()  # 29 days: kept
    row.updated_at = clock.now() - timedelta(days=31)
    db.session.commit()
    _aged(path, 31)
    result = app.test_cli_runner().invoke(args=["ledger", "prune"])
    assert result.exit_code == 0 and "1 imports never committed" in result.output, result.output
    assert not path.exists()
    db.session.expire_all()
    assert db.session.get(LedgerImport, imp["id"]).state == "failed"
