"""Benchmark the ledger import and the Excel export at a street's size (issue 13 §4).

Run: .venv/bin/python bench/ledger_io.py [--db sqlite|postgresql://…] [--residents 100000]
     [--households N (default 40 % of residents)] [--cases 200000]
Without --db it runs SQLite, then PostgreSQL at postgresql://postgres@127.0.0.1:5432/postgres;
each run makes its own throwaway database and removes it afterwards.

- import: a generated register ledger (valid ID numbers, no real people) as one XLSX, through the
  app's own pipeline: preview (header, mapping, every row checked) and commit (one transaction),
  with the commit's peak RSS. Goals: commit ≤ 60 s on PostgreSQL, ≤ 300 MB.
- export: the cases sheet of the desk (server/cases/export.py, XlsxWriter constant_memory) over
  every case, then the same rows with the csv module; time, peak RSS, and the XLSX/CSV time ratio.
  Goals: ≤ 45 s, ≤ 200 MB. Then the same sheet as an export job (server/exports replaying the
  route, as the desk's button does), and its time against the direct export's.
Each measured step runs in a child process of its own, so its peak RSS is its own. Figures are
printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select  # noqa: E402

from bench.sync_push import DEFAULT_POSTGRES, database  # noqa: E402
from server import create_app  # noqa: E402
from server.extensions import db  # noqa: E402

COMMUNITIES = 10
GRIDS_PER_COMMUNITY = 8
HEADERS = [
    "序号",
    "姓名",
    "公民身份号码",
    "性别",
    "出生日期",
    "联系电话",
    "社区",
    "网格",
    "楼栋",
    "单元",
    "门牌",
    "与户主关系",
    "人员类别",
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "建国秀英伟芳娜敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂英"
RELATIONS = ("户主", "配偶", "子女", "父母", "孙子女/外孙子女")
TAGS = (None, None, None, None, "独居", "高龄", "低保", "残疾")
GOALS = {"commit_s_postgres": 60, "import_rss_mb": 300, "export_s": 45, "export_rss_mb": 200}


def _app(url: str, workdir: Path):
    return create_app(
        "test", {"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": workdir, "PHOTOS_DIR": workdir / "photos"}
    )


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# ---- set-up (in the parent: not measured) -----------------------------------------------------


def seed(url: str, workdir: Path, cases: int) -> None:
    """Migrate, then a street of COMMUNITIES × GRIDS_PER_COMMUNITY grids, an admin, and `cases` cases."""
    from flask_migrate import upgrade

    from server.auth.models import User
    from server.cases.catalogue import HAZARD_CATEGORIES
    from server.cases.models import Case
    from server.org.models import Community, Grid, Street

    app = _app(url, workdir)
    with app.app_context():
        upgrade()
        street = Street(name="基准街道", code="360103-900")
        db.session.add(street)
        db.session.flush()
        grid_ids = []
        for c in range(1, COMMUNITIES + 1):
            community = Community(street_id=street.id, name=f"基准{c}社区", code=f"360103-900-{c:03d}")
            db.session.add(community)
            db.session.flush()
            for g in range(1, GRIDS_PER_COMMUNITY + 1):
                grid = Grid(
                    community_id=community.id, code=f"{community.code}-{g:03d}", name=f"基准{c}社区第{g}网格"
                )
                db.session.add(grid)
                db.session.flush()
                grid_ids.append(grid.id)
        admin = User(username="bench-admin", display_name="基准管理员", role="admin", password_hash="x")
        db.session.add(admin)
        db.session.flush()
        category = HAZARD_CATEGORIES[0]["code"]
        now = datetime.now(UTC)
        batch = []
        for n in range(cases):
            at = now - timedelta(minutes=3 * n)
            closed = n % 3 == 0
            batch.append(
                {
                    "id": uuid.uuid4(),
                    "kind": "hazard",
                    "category": category,
                    "severity": "general",
                    "urgent": n % 17 == 0,
                    "state": "closed" if closed else "filed",
                    "description": f"楼道堆放杂物，第{n}号",
                    "address": f"示例路{n % 500}号",
                    "photos": [],
                    "grid_id": grid_ids[n % len(grid_ids)],
                    "reporter_id": admin.id,
                    "reported_at": at,
                    "created_at": at,
                    "updated_at": at,
                    "version": 1,
                    "filed_at": at + timedelta(minutes=20),
                    "handle_deadline": at + timedelta(days=3),
                    "close_deadline": at + timedelta(days=7),
                    "closed_at": at + timedelta(days=2) if closed else None,
                }
            )
            if len(batch) == 5000:
                db.session.execute(insert(Case), batch)
                batch = []
        if batch:
            db.session.execute(insert(Case), batch)
        db.session.commit()
        db.engine.dispose()


def id_number(n: int) -> tuple[str, date, str]:
    """The n-th generated person: a valid number (region 360103), their birth date and sex."""
    from server.register.idcard import make_id_number

    born = date(1930, 1, 1) + timedelta(days=n % 32000)
    sequence = n // 32000 * 2 + (n % 2)  # odd for men
    return make_id_number("360103", born, sequence), born, "男" if n % 2 else "女"


def write_ledger(path: Path, residents: int, households: int) -> None:
    """The ledger XLSX: households spread over the grids, people shared out evenly, heads first."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("居民底册")
    sheet.append(["南浦街道居民底册（基准数据，非真实人员）"])
    sheet.append(HEADERS)
    grids = COMMUNITIES * GRIDS_PER_COMMUNITY
    person = 0
    for h in range(households):
        size = residents // households + (1 if h < residents % households else 0)
        grid = h % grids
        community, grid_no = grid // GRIDS_PER_COMMUNITY + 1, grid % GRIDS_PER_COMMUNITY + 1
        local = h // grids
        building, unit, room = local // 24 + 1, local % 24 // 6 + 1, f"{local % 6 + 1}0{local % 2 + 1}"
        for member in range(size):
            number, born, sex = id_number(person)
            name = (
                SURNAMES[person % len(SURNAMES)]
                + GIVEN[person % len(GIVEN)]
                + GIVEN[(person // len(GIVEN)) % len(GIVEN)]
            )
            sheet.append(
                [
                    person + 1,
                    name,
                    number,
                    sex,
                    born,
                    f"13{person % 10}{person:08d}"[:11],
                    f"基准{community}社区",
                    f"第{grid_no}网格",
                    f"{building}栋",
                    f"{unit}单元",
                    room,
                    RELATIONS[min(member, len(RELATIONS) - 1)],
                    TAGS[person % len(TAGS)],
                ]
            )
            person += 1
    book.save(path)


# ---- measured steps (each in a child process) -------------------------------------------------


def child_import(url: str, workdir: Path, ledger: Path) -> dict:
    from server.auth.models import User
    from server.ledger import service

    app = _app(url, workdir)
    with app.app_context():
        admin = db.session.scalar(select(User).where(User.username == "bench-admin"))
        started = time.perf_counter()
        imp = service.store_upload(ledger.read_bytes(), ledger.name, admin)
        service.analyse(imp, admin)
        imp.state = "committing"
        db.session.commit()
        preview_s = time.perf_counter() - started
        preview_rss = _rss_mb()
        started = time.perf_counter()
        counts = service.commit(imp, admin, lambda done, total: None)
        db.session.commit()
        commit_s = time.perf_counter() - started
        return {
            "preview_s": preview_s,
            "preview_rss_mb": preview_rss,
            "commit_s": commit_s,
            "rss_mb": _rss_mb(),
            "report": {k: imp.report[k] for k in ("rows", "valid", "rejected", "households")},
            "residents": counts["residents"],
            "households": counts["households"],
        }


def child_export(url: str, workdir: Path) -> dict:
    from server.cases.export import build_cases_xlsx, case_rows, columns
    from server.cases.models import Case
    from server.timeutil import utcnow

    app = _app(url, workdir)
    with app.app_context():
        base = _rss_mb()
        started = time.perf_counter()
        sheet = build_cases_xlsx(select(Case), utcnow())
        xlsx_s = time.perf_counter() - started
        sheet.file.seek(0, os.SEEK_END)
        xlsx_bytes = sheet.file.tell()
        sheet.file.close()
        xlsx_rss = _rss_mb()
        started = time.perf_counter()
        with tempfile.TemporaryFile("w+", encoding="utf-8-sig", newline="") as out:
            writer = csv.writer(out)
            writer.writerow([column.title for column in columns()])
            for row in case_rows(select(Case), utcnow()):
                writer.writerow(["" if v is None else v for v in row])
            csv_bytes = out.tell()
        csv_s = time.perf_counter() - started
        return {
            "base_rss_mb": base,
            "rows": sheet.rows,
            "xlsx_s": xlsx_s,
            "xlsx_rss_mb": xlsx_rss,
            "xlsx_mb": xlsx_bytes / 1e6,
            "csv_s": csv_s,
            "csv_mb": csv_bytes / 1e6,
        }


def child_job(url: str, workdir: Path) -> dict:
    """The same sheet as an export job (POST /exports): the admin's export of every case, replayed
    through the export route by server/exports, its file written under the instance folder."""
    from server.auth.models import User
    from server.exports import service
    from server.exports.models import ExportJob

    app = _app(url, workdir)
    with app.app_context():
        base = _rss_mb()
        admin = db.session.scalar(select(User).where(User.role == "admin"))
        export = service.start(admin, "/cases/export.xlsx", {}, "zh-CN", "127.0.0.1")
        db.session.commit()
        export_id = export.id
        started = time.perf_counter()
        service.run(export_id)  # what a push thread or `flask push-worker` runs
        job_s = time.perf_counter() - started
        db.session.expire_all()  # the job ran in an app context (and session) of its own
        export = db.session.get(ExportJob, export_id)
        assert export.state == "done", export.error
        return {
            "base_rss_mb": base,
            "job_s": job_s,
            "job_rss_mb": _rss_mb(),
            "job_mb": export.size_bytes / 1e6,
        }


def run_child(step: str, url: str, workdir: Path, ledger: Path | None = None) -> dict:
    command = [sys.executable, __file__, "--child", step, "--url", url, "--workdir", str(workdir)]
    if ledger:
        command += ["--ledger", str(ledger)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{step} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def measure_import(spec: str, url: str, workdir: Path, ledger: Path) -> None:
    got = run_child("import", url, workdir, ledger)
    report = got["report"]
    print(
        f"  import preview: {got['preview_s']:.1f} s ({report['rows']:,} rows, {report['valid']:,} valid, {report['rejected']:,} rejected, {report['households']:,} households), peak RSS {got['preview_rss_mb']:.0f} MB"
    )
    goal = f" (goal ≤ {GOALS['commit_s_postgres']} s)" if spec != "sqlite" else ""
    print(
        f"  import commit: {got['commit_s']:.1f} s{goal}; residents created {got['residents']['created']:,}, households created {got['households']['created']:,}"
    )
    print(f"  import peak RSS: {got['rss_mb']:.0f} MB (goal ≤ {GOALS['import_rss_mb']} MB)")


def run(spec: str, residents: int, households: int, cases: int, import_too: bool = True) -> None:
    name = "SQLite" if spec == "sqlite" else "PostgreSQL"
    load = os.getloadavg()
    print(f"\n{name}: {residents:,} residents in {households:,} households, {cases:,} cases")
    print(f"  load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} ({os.cpu_count()} cores)")
    with (
        tempfile.TemporaryDirectory(prefix="gridwalk-ledger-bench-") as tmp,
        database(spec, Path(tmp)) as url,
    ):
        workdir = Path(tmp)
        started = time.perf_counter()
        seed(url, workdir, cases)
        ledger = workdir / "ledger.xlsx"
        write_ledger(ledger, residents, households)
        print(
            f"  set-up (schema, cases, ledger file {ledger.stat().st_size / 1e6:.1f} MB): {time.perf_counter() - started:.1f} s"
        )
        if import_too:
            measure_import(spec, url, workdir, ledger)
        got = run_child("export", url, workdir)
        print(
            f"  export {got['rows']:,} cases to XLSX: {got['xlsx_s']:.1f} s (goal ≤ {GOALS['export_s']} s), {got['xlsx_mb']:.1f} MB, peak RSS {got['xlsx_rss_mb']:.0f} MB (goal ≤ {GOALS['export_rss_mb']} MB; {got['base_rss_mb']:.0f} MB before)"
        )
        print(f"  same rows with the csv module: {got['csv_s']:.1f} s, {got['csv_mb']:.1f} MB")
        print(f"  XLSX / CSV time: {got['xlsx_s'] / max(got['csv_s'], 1e-9):.2f}×")
        job = run_child("job", url, workdir)
        print(
            f"  the same export as a job (POST /exports): {job['job_s']:.1f} s, {job['job_mb']:.1f} MB, peak RSS {job['job_rss_mb']:.0f} MB; job / direct time: {job['job_s'] / max(got['xlsx_s'], 1e-9):.2f}×"
        )
    load = os.getloadavg()
    print(f"  load average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="sqlite or a postgresql:// URL (repeatable)")
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--households", type=int, help="default: 40 %% of residents")
    parser.add_argument("--cases", type=int, default=200_000)
    parser.add_argument("--export-only", action="store_true", help="skip the import (it takes minutes)")
    parser.add_argument("--child", choices=("import", "export", "job"), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--ledger", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        children = {
            "import": lambda: child_import(args.url, args.workdir, args.ledger),
            "export": lambda: child_export(args.url, args.workdir),
            "job": lambda: child_job(args.url, args.workdir),
        }
        result = children[args.child]()
        print(json.dumps(result))
        return 0
    households = args.households or max(1, args.residents * 2 // 5)
    for spec in args.db or ["sqlite", DEFAULT_POSTGRES]:
        run(spec, args.residents, min(households, args.residents), args.cases, not args.export_only)
    return 0


if __name__ == "__main__":
    sys.exit(main())
