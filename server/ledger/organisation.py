"""The organisation ledger (网格划分及网格员信息表): communities, their grids, and the grid
workers who walk them, one row per grid and worker. The same steps as the register ledger
(upload, preview, mapping, commit as a job, rejected rows back as a workbook), with its own
columns and checks.

Matching: a community by code, else by name, within the importer's street(s); a grid by its
code; a worker by account name (账号), else by phone number. A re-import of the same file
changes nothing; an edited one changes only what changed. A re-import never takes a worker off
a grid or deletes anything: leaving is done on the account screen, where it is seen.

Who may change what:
- an admin or a street-wide supervisor: their street (a district admin: any of their streets,
  named in a 街道 column when there are several); new communities too;
- a community supervisor: grids and workers of their own community only.

New workers get a random first password and must change it at their first login; the list of
new accounts and first passwords can be downloaded once, by the importer, after the commit.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import string
import unicodedata
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import or_, select

from server import xlsx
from server.audit.service import record
from server.auth import service as accounts
from server.auth.models import User
from server.auth.scope import Scope
from server.extensions import db
from server.i18n import msg
from server.ledger import columns
from server.ledger.columns import CellError, Field, header_key, text_of
from server.ledger.models import LedgerImport
from server.ledger.service import read_header, read_rows, storage_dir
from server.org.models import Community, Grid, Street
from server.register.idcard import phone_errors

KIND = "organisation"

FIELDS: tuple[Field, ...] = (
    Field("street", "街道", "street", ("街道", "所属街道", "街道名称", "街道（乡镇）", "乡镇街道")),
    Field("community", "社区", "community", ("社区", "所属社区", "社区名称", "社区（村）", "村社区"), True),
    Field("community_code", "社区编码", "community code", ("社区编码", "社区代码", "社区编号")),
    Field("grid_code", "网格编码", "grid code", ("网格编码", "网格编号", "网格代码", "网格号"), True),
    Field("grid", "网格名称", "grid name", ("网格名称", "网格", "所属网格"), True),
    Field("worker", "网格员", "grid worker", ("网格员", "网格员姓名", "专职网格员", "姓名", "负责人")),
    Field(
        "phone",
        "联系电话",
        "phone",
        ("联系电话", "网格员电话", "手机号", "手机号码", "电话", "手机", "联系方式", "网格员联系电话"),
    ),
    Field("username", "登录账号", "account", ("登录账号", "账号", "用户名", "登录名", "系统账号")),
)
FIELD_BY_CODE = {f.code: f for f in FIELDS}
IGNORED_HEADERS = frozenset({"序号", "编号", "备注", "户数", "人口数", "楼栋数", "网格类型"})
_SYNONYMS = {header_key(h): f.code for f in FIELDS for h in (f.code, f.zh, *f.headers)}
# Longest first: 网格员电话 is a phone, not the grid worker (网格员) nor the grid (网格).
_BY_LENGTH = sorted(((header_key(h), f.code) for f in FIELDS for h in f.headers), key=lambda p: -len(p[0]))
_CODE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z_-]{0,29}$")
_USERNAME = re.compile(r"^[0-9A-Za-z_.@-]{3,64}$")
FIRST_PASSWORD_LENGTH = 12
# Letters and digits only: the first password travels in a workbook, may be copied on to paper or
# into a CSV, and is typed on a phone. token_urlsafe's "-" and "_" are easy to misread, and a
# leading "-" is formula-looking (a CSV gives it an apostrophe). 62^12: 71 bits.
FIRST_PASSWORD_ALPHABET = string.ascii_letters + string.digits


def field_for_header(text: Any) -> str | None:
    key = header_key(text)
    if not key:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    for header, code in _BY_LENGTH:
        if len(header) >= 2 and header in key:
            return code
    return None


def _narrow(value: Any) -> str:
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text_of(value) or ""))


def _code(value: Any) -> str:
    text = _narrow(value)
    if not _CODE.match(text):
        raise CellError(
            msg(
                "编码只能包含字母、数字、短横线，最长 30 位",
                "A code holds letters, digits and dashes only, at most 30",
            )
        )
    return text


def _phone(value: Any) -> str:
    text = columns.phone(value)
    if problems := phone_errors(text):
        raise CellError(problems[0])
    return text


def _username(value: Any) -> str:
    text = _narrow(value)
    if not _USERNAME.match(text):
        raise CellError(
            msg(
                "账号只能包含字母、数字和 _ . @ -，3–64 位",
                "An account name holds letters, digits and _ . @ -, 3 to 64 of them",
            )
        )
    return text


CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "street": columns.plain_text,
    "community": columns.plain_text,
    "community_code": _code,
    "grid_code": _code,
    "grid": columns.plain_text,
    "worker": columns.plain_text,
    "phone": _phone,
    "username": _username,
}


def mapping_errors(mapping: dict[str, str | None]) -> list[str]:
    mapped = {code for code in mapping.values() if code}
    return [
        msg(f"请指定“{f.zh}”对应的列", f"Choose the column for the {f.en}")
        for f in FIELDS
        if f.required and f.code not in mapped
    ]


def analyse(imp: LedgerImport, user: User) -> None:
    """Find the header, map the columns (the saved mapping, else a guess), check every row and
    count what a commit would change."""
    read_header(imp, field_for_header, "“社区”“网格编码”“网格名称”")
    problems = mapping_errors(imp.mapping or {})
    if problems:
        imp.report = Plan().report(problems)
        imp.rejected = []
        return
    out = plan(imp, Scope.of(user), read_rows(imp))
    imp.report = out.report([])
    imp.rejected = sorted([number, "；".join(reasons)] for number, reasons in out.rejected.items())


# ---- the plan: what a commit would do, worked out from the file and the database -----------


@dataclass
class Plan:
    total: int = 0
    valid: int = 0
    rejected: dict[int, list[str]] = field(default_factory=dict)
    errors: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    error_counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # code → (street_id, name) of each community to create; code → new name of one to rename.
    new_communities: dict[str, tuple[int, str]] = field(default_factory=dict)
    # grid code → (community code, name) to create, or grid id → new name.
    new_grids: dict[str, tuple[str, str]] = field(default_factory=dict)
    renamed_grids: dict[int, str] = field(default_factory=dict)
    unchanged_grids: set[int] = field(default_factory=set)
    # username → (display name, phone, [grid codes]) to create; user id → changes / grids to add.
    new_workers: dict[str, dict] = field(default_factory=dict)
    worker_changes: dict[int, dict] = field(default_factory=dict)
    worker_grids: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    unchanged_workers: set[int] = field(default_factory=set)

    def reject(self, number: int, code: str, value: Any, message: str) -> None:
        self.error_counts[code] += 1
        if len(self.errors[code]) < 5:
            self.errors[code].append(
                {"row": number, "value": (text_of(value) or "")[:60], "message": message}
            )
        label = FIELD_BY_CODE[code].zh if code in FIELD_BY_CODE else "整行"
        self.rejected.setdefault(number, []).append(f"{label}：{message}")

    def report(self, mapping_problems: list[str]) -> dict:
        counts = self.counts()
        return {
            "kind": KIND,
            "rows": self.total,
            "valid": self.valid,
            "rejected": len(self.rejected),
            "mapping_errors": mapping_problems,
            "columns": [
                {
                    "field": code,
                    "label": FIELD_BY_CODE[code].zh if code in FIELD_BY_CODE else "整行",
                    "errors": self.error_counts[code],
                    "first": self.errors[code],
                }
                for code in [*FIELD_BY_CODE, "row"]
                if self.error_counts.get(code)
            ],
            **counts,
        }

    def counts(self) -> dict:
        return {
            "communities": {"created": len(self.new_communities), "updated": 0, "unchanged": 0},
            "grids": {
                "created": len(self.new_grids),
                "updated": len(self.renamed_grids),
                "unchanged": len(self.unchanged_grids - set(self.renamed_grids)),
            },
            "workers": {
                "created": len(self.new_workers),
                "updated": len(set(self.worker_changes) | set(self.worker_grids)),
                "unchanged": len(self.unchanged_workers - set(self.worker_changes) - set(self.worker_grids)),
            },
        }


class _Org:
    """The streets, communities, grids and workers the importer may touch, read once."""

    def __init__(self, scope: Scope):
        self.scope = scope
        self.streets = db.session.execute(
            select(Street.id, Street.name, Street.code).where(scope.street_clause(Street.id))
        ).all()
        self.communities = db.session.execute(
            select(Community.id, Community.street_id, Community.name, Community.code).where(
                scope.community_clause(Community.id)
            )
        ).all()
        # Every grid code in the database: a code is unique, in scope or not.
        self.grids = {
            code: (grid_id, community_id, name)
            for grid_id, code, community_id, name in db.session.execute(
                select(Grid.id, Grid.code, Grid.community_id, Grid.name)
            )
        }
        self.may_create_communities = scope.level in ("all", "district", "street")

    def street(self, text: str | None) -> int | None:
        if text:
            found = [s.id for s in self.streets if text in (s.name, s.code)]
            if len(found) != 1:
                raise CellError(msg(f"街道“{text}”不在您的负责范围内", f"No street “{text}” in your area"))
            return found[0]
        if len(self.streets) == 1:
            return self.streets[0].id
        raise CellError(msg("请填写街道", "Give the street"))


def plan(imp: LedgerImport, scope: Scope, rows) -> Plan:
    """Check every row and work out the changes; nothing is written."""
    mapping = {int(k): v for k, v in (imp.mapping or {}).items() if v}
    org = _Org(scope)
    out = Plan()
    users_by_name: dict[str, User] = {}
    users_by_phone: dict[str, list[User]] = defaultdict(list)
    seen_grid: dict[str, tuple[int, str, str]] = {}
    seen_account: dict[str, tuple[int, str]] = {}
    parsed = []
    for number, cells in rows:
        if number <= (imp.header_row or 0):
            continue
        raw = {code: cells[index] if index < len(cells) else None for index, code in mapping.items()}
        if all(text_of(v) is None for v in raw.values()):
            continue
        out.total += 1
        values: dict[str, Any] = {}
        for code, value in raw.items():
            values[code] = None
            if text_of(value) is None:
                if FIELD_BY_CODE[code].required:
                    out.reject(number, code, None, msg("必填项", "Required"))
                continue
            try:
                values[code] = CONVERTERS[code](value)
            except CellError as exc:
                out.reject(number, code, value, str(exc))
        if values.get("worker") and not (values.get("username") or values.get("phone")):
            out.reject(
                number,
                "worker",
                raw.get("worker"),
                msg("网格员需要手机号或账号", "A worker needs a phone or an account"),
            )
        if (values.get("username") or values.get("phone")) and not values.get("worker"):
            out.reject(number, "worker", None, msg("请填写网格员姓名", "Give the worker's name"))
        # The same grid twice must say the same thing; the same account must be the same person.
        grid_code = values.get("grid_code")
        if grid_code:
            said = (number, values.get("community") or "", values.get("grid") or "")
            if grid_code in seen_grid and seen_grid[grid_code][1:] != said[1:]:
                out.reject(
                    number,
                    "grid_code",
                    grid_code,
                    msg(
                        f"与第 {seen_grid[grid_code][0]} 行的同一网格名称或社区不一致",
                        f"Row {seen_grid[grid_code][0]} gives this grid another name or community",
                    ),
                )
            seen_grid.setdefault(grid_code, said)
        account = values.get("username") or values.get("phone")
        if account and values.get("worker"):
            if account in seen_account and seen_account[account][1] != values["worker"]:
                out.reject(
                    number,
                    "worker",
                    values["worker"],
                    msg(
                        f"与第 {seen_account[account][0]} 行的账号相同但姓名不同",
                        f"Row {seen_account[account][0]} has this account under another name",
                    ),
                )
            seen_account.setdefault(account, (number, values["worker"]))
        parsed.append((number, raw, values))

    accounts_wanted = {v.get("username") for _n, _r, v in parsed if v.get("username")}
    phones_wanted = {v.get("phone") for _n, _r, v in parsed if v.get("phone")}
    if accounts_wanted or phones_wanted:
        for user in db.session.scalars(
            select(User).where(or_(User.username.in_(accounts_wanted), User.phone.in_(phones_wanted)))
        ):
            users_by_name[user.username] = user
            if user.phone:
                users_by_phone[user.phone].append(user)
    in_scope_users = set(
        db.session.scalars(select(User.id).where(scope.user_clause(), User.role == "worker"))
    )
    communities_by_code = {c.code: c for c in org.communities}
    for number, raw, values in parsed:
        if number in out.rejected:
            continue
        try:
            street_id = org.street(values.get("street"))
        except CellError as exc:
            out.reject(number, "street", raw.get("street"), str(exc))
            continue
        community_code = _community(out, org, communities_by_code, number, raw, values, street_id)
        if community_code is None:
            continue
        if not _grid(out, org, number, raw, values, community_code, communities_by_code):
            continue
        if values.get("worker") and not _worker(
            out, number, raw, values, users_by_name, users_by_phone, in_scope_users
        ):
            continue
        out.valid += 1
    return out


def _community(out, org, by_code, number, raw, values, street_id) -> str | None:
    """The code of the row's community, planning a new one where the importer may."""
    name, code = values["community"], values.get("community_code")
    in_street = [c for c in org.communities if c.street_id == street_id]
    if code and code in by_code:
        found = by_code[code]
        if found.name != name:
            out.reject(
                number,
                "community",
                raw.get("community"),
                msg(f"社区编码 {code} 对应的是“{found.name}”", f"Code {code} is “{found.name}”"),
            )
            return None
        return code
    named = [c for c in in_street if c.name == name]
    if named and not code:
        return named[0].code
    if named and code:
        out.reject(
            number,
            "community_code",
            code,
            msg(f"“{name}”的社区编码是 {named[0].code}", f"“{name}” has the code {named[0].code}"),
        )
        return None
    if code in out.new_communities:
        if out.new_communities[code] != (street_id, name):
            out.reject(
                number,
                "community_code",
                code,
                msg("同一社区编码对应了不同的社区", "One code for two communities"),
            )
            return None
        return code
    if not org.may_create_communities:
        out.reject(
            number,
            "community",
            raw.get("community"),
            msg(f"社区“{name}”不在您的负责范围内", f"No community “{name}” in your area"),
        )
        return None
    for planned_code, planned in out.new_communities.items():
        if planned == (street_id, name) and not code:
            return planned_code
    if not code:
        out.reject(
            number, "community_code", None, msg("新社区需要填写社区编码", "A new community needs its code")
        )
        return None
    if db.session.scalar(select(Community.id).where(Community.code == code)) is not None:
        out.reject(
            number, "community_code", code, msg("该社区编码已被其他街道使用", "Another street uses this code")
        )
        return None
    out.new_communities[code] = (street_id, name)
    return code


def _grid(out, org, number, raw, values, community_code, by_code) -> bool:
    code, name = values["grid_code"], values["grid"]
    if code in org.grids:
        grid_id, community_id, old_name = org.grids[code]
        community = by_code.get(community_code)
        if community is None or community.id != community_id:
            out.reject(
                number,
                "grid_code",
                code,
                msg("该网格编码已属于另一个社区", "This grid code belongs to another community"),
            )
            return False
        if old_name != name:
            out.renamed_grids[grid_id] = name
        out.unchanged_grids.add(grid_id)
        return True
    if community_code not in by_code and community_code not in out.new_communities:
        out.reject(
            number,
            "community",
            raw.get("community"),
            msg("社区不在您的负责范围内", "Community outside your area"),
        )
        return False
    out.new_grids[code] = (community_code, name)
    return True


def _worker(out, number, raw, values, users_by_name, users_by_phone, in_scope_users) -> bool:
    name, phone, username = values["worker"], values.get("phone"), values.get("username")
    user = users_by_name.get(username) if username else None
    if user is None and not username and phone:
        same = users_by_phone.get(phone, [])
        user = same[0] if len(same) == 1 else None
        if len(same) > 1:
            out.reject(
                number,
                "phone",
                phone,
                msg(
                    "该手机号对应多个账号，请填写登录账号",
                    "Several accounts have this phone; give the account",
                ),
            )
            return False
    if user is None:
        account = username or phone
        if account in users_by_name:
            out.reject(number, "username", account, msg("该账号已被其他人使用", "This account name is taken"))
            return False
        planned = out.new_workers.setdefault(account, {"display_name": name, "phone": phone, "grids": set()})
        planned["grids"].add(values["grid_code"])
        return True
    # Someone else's worker (another community's) is not the importer's to reassign; a worker
    # with no grid yet is anyone's to place.
    if user.role != "worker" or (user.id not in in_scope_users and user.grids):
        out.reject(
            number,
            "username",
            username or phone,
            msg("该账号不是您负责范围内的网格员", "This account is not a worker in your area"),
        )
        return False
    changes = {}
    if user.display_name != name:
        changes["display_name"] = name
    if phone and user.phone != phone:
        changes["phone"] = phone
    if changes:
        out.worker_changes[user.id] = changes
    if values["grid_code"] not in {g.code for g in user.grids}:
        out.worker_grids[user.id].add(values["grid_code"])
    out.unchanged_workers.add(user.id)
    return True


# ---- commit ---------------------------------------------------------------------------------


def first_password() -> str:
    """A new account's one-time password, as the importer hands it over in the workbook."""
    return "".join(secrets.choice(FIRST_PASSWORD_ALPHABET) for _ in range(FIRST_PASSWORD_LENGTH))


def commit(imp: LedgerImport, user: User, rows) -> tuple[dict, list[list[str]]]:
    """Apply the plan worked out again now (the database may have moved since the preview);
    the caller commits. Returns the counts, and the new accounts with their first passwords
    (for keep_first_passwords once the transaction is committed)."""
    scope = Scope.of(user)
    out = plan(imp, scope, rows)
    communities = {
        c.code: c
        for c in db.session.scalars(
            select(Community).where(
                Community.code.in_({c for c, _ in out.new_grids.values()} | set(out.new_communities))
            )
        )
    }
    for code, (street_id, name) in out.new_communities.items():
        community = Community(street_id=street_id, name=name, code=code)
        db.session.add(community)
        communities[code] = community
    db.session.flush()
    for code, (community_code, name) in out.new_grids.items():
        db.session.add(Grid(community_id=communities[community_code].id, code=code, name=name))
    for grid_id, name in out.renamed_grids.items():
        db.session.get(Grid, grid_id).name = name
    db.session.flush()
    grid_ids = dict(
        db.session.execute(
            select(Grid.code, Grid.id).where(
                Grid.code.in_(
                    set(out.new_grids)
                    | {c for codes in out.worker_grids.values() for c in codes}
                    | {c for w in out.new_workers.values() for c in w["grids"]}
                )
            )
        ).all()
    )
    first_passwords = []
    for account, planned in sorted(out.new_workers.items()):
        password = first_password()
        accounts.create_user(
            username=account,
            display_name=planned["display_name"],
            password=password,
            role="worker",
            phone=planned["phone"],
            grid_ids=sorted(grid_ids[c] for c in planned["grids"]),
            must_change_password=True,
        )
        first_passwords.append(
            [account, planned["display_name"], password, "、".join(sorted(planned["grids"]))]
        )
    for user_id, changes in out.worker_changes.items():
        worker = db.session.get(User, user_id)
        for key, value in changes.items():
            setattr(worker, key, value)
    for user_id, codes in out.worker_grids.items():
        worker = db.session.get(User, user_id)
        worker.grids.extend(db.session.get(Grid, grid_ids[c]) for c in sorted(codes))
    db.session.flush()
    result = {"rows": out.total, "imported": out.valid, "rejected": len(out.rejected), **out.counts()}
    imp.rejected = sorted([number, "；".join(reasons)] for number, reasons in out.rejected.items())
    record(
        "ledger.import",
        user,
        "ledger_import",
        imp.id,
        {
            "kind": KIND,
            "file_sha256": imp.file_sha256,
            "file_name": imp.file_name,
            "scope": scope.level,
            **result,
        },
    )
    return result, first_passwords


# ---- the new accounts' first passwords: one download, by the importer ------------------------

PASSWORD_COLUMNS = ("登录账号", "网格员", "初始密码", "网格编码")


def _passwords_path(imp: LedgerImport) -> Path:
    return storage_dir() / f"import-{imp.id}.accounts.json"


def keep_first_passwords(imp: LedgerImport, first_passwords: list[list[str]]) -> None:
    """Kept on the server's disk (owner-only) until the importer downloads them, once."""
    if not first_passwords:
        return
    path = _passwords_path(imp)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(first_passwords, out, ensure_ascii=False)


def has_first_passwords(imp: LedgerImport) -> bool:
    return _passwords_path(imp).exists()


def take_first_passwords(imp: LedgerImport) -> xlsx.Spreadsheet | None:
    """The new accounts as a workbook; the file on the server is gone once this is read."""
    path = _passwords_path(imp)
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    sheet = xlsx.write(
        "新账号初始密码",
        [
            xlsx.Column(PASSWORD_COLUMNS[0], 16),
            xlsx.Column(PASSWORD_COLUMNS[1], 10),
            xlsx.Column(PASSWORD_COLUMNS[2], 16),
            xlsx.Column(PASSWORD_COLUMNS[3], 30),
        ],
        data,
    )
    path.unlink(missing_ok=True)
    return sheet
