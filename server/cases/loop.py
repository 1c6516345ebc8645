"""The case loop: who may take which action in which state, and what each one records.

One table, TRANSITIONS, says (state, action) → new state; ACTION_ROLES says which roles take an
action (a role that never may answers 404, like a case outside the scope). An action the case's
state does not allow answers 409 with `allowed`, the actions the caller may take now. Every
transition appends a CaseEvent; the caller owns the transaction and sends the pushes returned
after committing.

A report's review is the case's first step: `return` sends the report back to its author (the
submission becomes `returned`), and the author's resubmission puts the same case back in
`reported` (resubmit, the one step no action of the API takes). The phone gets both tables in
the pulled catalogue (loop_catalogue) and each case with the puller's `allowed_actions`.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import ColumnElement, Select, insert, or_, select
from sqlalchemy import event as orm_event
from sqlalchemy.orm.attributes import flag_modified

from server import worktime as calendar
from server.auth.models import User
from server.auth.scope import Scope
from server.cases.limits import CASE_LIMIT_FACTOR, limit_for
from server.cases.models import CASE_STATES, Case, CaseEvent, case_photo
from server.errors import ApiError, not_found, validation_failed
from server.extensions import db
from server.i18n import msg
from server.org.models import Department
from server.photos.service import existing_hashes
from server.push.message import WebPush
from server.sync.changes import change_row, record_changes
from server.timeutil import iso, parse_time

log = logging.getLogger(__name__)

CASE_ENTITY = "case"
SUPERVISORS = ("supervisor", "admin")
TRANSITIONS: dict[tuple[str, str], str] = {
    ("reported", "file"): "filed",
    ("reported", "return"): "returned",
    ("reported", "void"): "voided",
    ("reported", "merge"): "merged",
    ("filed", "dispatch"): "dispatched",
    ("dispatched", "handle"): "handled",
    ("handled", "check"): "checked",
    ("checked", "close"): "closed",
    ("checked", "rework"): "dispatched",
}
ACTIONS = ("file", "return", "void", "merge", "dispatch", "handle", "check", "rework", "close")
# handle: the handler of the case's department or its assignee; check: a worker of the case's
# grid or a supervisor (both narrowed further in may_take).
ACTION_ROLES: dict[str, tuple[str, ...]] = {
    "file": SUPERVISORS,
    "return": SUPERVISORS,
    "void": SUPERVISORS,
    "merge": SUPERVISORS,
    "dispatch": SUPERVISORS,
    "rework": SUPERVISORS,
    "close": SUPERVISORS,
    "handle": ("handler", "worker"),
    "check": ("worker", *SUPERVISORS),
}
TERMINAL = ("closed", "voided", "merged")
OPEN_STATES = ("reported", "filed", "returned", "dispatched", "handled", "checked")
# The reporter's fixed report: returned → reported, taken by the resubmission, not the actions API.
RESUBMIT = "resubmit"
# The words for each state (as the phone shows them), in CASE_STATES order.
STATE_LABELS: dict[str, tuple[str, str]] = {
    "reported": ("待受理", "reported"),
    "filed": ("已立案", "filed"),
    "returned": ("已退回", "returned"),
    "voided": ("已作废", "voided"),
    "merged": ("已合并", "merged"),
    "dispatched": ("处置中", "dispatched"),
    "handled": ("待核查", "handled"),
    "checked": ("待结案", "checked"),
    "closed": ("已结案", "closed"),
}
MAX_COMMENT = 2000
MAX_PHOTOS = 9

# A report is a submission, which this feature may not import: the submissions feature listens
# here, and create_app connects it. Listeners run inside the caller's transaction.
RETURNED_EXTENSION = "gridwalk.cases.report_returned"
ANSWERS_EXTENSION = "gridwalk.cases.report_answers"
# (submission id, comment, reviewer id, now) -> the pushes to send once committed.
ReportReturned = Callable[[uuid.UUID, str, int, datetime], list[WebPush]]
# submission ids -> their answers.
ReportAnswers = Callable[[list[uuid.UUID]], dict[uuid.UUID, dict]]


def on_report_returned(app: Flask, listener: ReportReturned) -> None:
    app.extensions.setdefault(RETURNED_EXTENSION, []).append(listener)


def on_report_answers(app: Flask, listener: ReportAnswers) -> None:
    app.extensions.setdefault(ANSWERS_EXTENSION, []).append(listener)


def report_returned(case: Case, comment: str, reviewer_id: int, now: datetime) -> list[WebPush]:
    """The case's report goes back to its author; the pushes the listeners ask for."""
    if case.submission_id is None:
        return []
    pushes: list[WebPush] = []
    for listener in current_app.extensions.get(RETURNED_EXTENSION, ()):
        pushes.extend(listener(case.submission_id, comment, reviewer_id, now))
    return pushes


def report_answers(submission_ids: list[uuid.UUID]) -> dict[uuid.UUID, dict]:
    """The answers of these reports, from the listeners that hold them."""
    found: dict[uuid.UUID, dict] = {}
    if submission_ids:
        for listener in current_app.extensions.get(ANSWERS_EXTENSION, ()):
            found.update(listener(submission_ids))
    return found


@dataclass
class Outcome:
    """What an action did: the event, and the pushes to send once committed."""

    case: Case
    event: CaseEvent
    pushes: list[WebPush] = field(default_factory=list)


def visible(stmt: Select, user: User, scope: Scope) -> Select:
    """Cases the user may see: supervisors by grid scope, workers their grids (and cases assigned
    to them), handlers only cases dispatched to their department or to them."""
    if scope.everything:
        return stmt
    if user.role == "handler":
        conditions = [Case.assignee_id == user.id]
        if user.department_id is not None:
            conditions.append(Case.department_id == user.department_id)
        return stmt.where(or_(*conditions))
    conditions = [Case.assignee_id == user.id] if user.role == "worker" else []
    conditions.append(scope.grid_clause(Case.grid_id, Case.street_id))
    return stmt.where(or_(*conditions))


def case_or_404(user: User, case_id: Any, scope: Scope | None = None) -> Case:
    """The case if the user may see it; the same 404 otherwise."""
    try:
        wanted = case_id if isinstance(case_id, uuid.UUID) else uuid.UUID(str(case_id))
    except ValueError:
        raise not_found() from None
    scope = scope or Scope.of(user)
    case = db.session.scalar(visible(select(Case), user, scope).where(Case.id == wanted))
    if case is None:
        raise not_found()
    return case


def may_take(action: str, case: Case, user: User, scope: Scope) -> bool:
    """Whether this user's role (and tie to the case) lets them take the action at all."""
    if user.role not in ACTION_ROLES.get(action, ()):
        return False
    if action == "handle":
        if case.assignee_id is not None:
            return case.assignee_id == user.id
        return user.role == "handler" and user.department_id == case.department_id
    if action == "check" and user.role == "worker":
        # A worker's scope is the grids assigned to them (loaded once for a whole pull).
        return any(grid.id == case.grid_id for grid in user.grids)
    return True


def allowed_actions(case: Case, user: User, scope: Scope, state: str | None = None) -> list[str]:
    """The actions this user may take on the case now (or in `state`)."""
    state = state or case.state
    return [a for (s, a) in TRANSITIONS if s == state and may_take(a, case, user, scope)]


def state_words(state: str) -> str:
    """A state as the caller reads it: 已立案 / filed."""
    zh, en = STATE_LABELS.get(state, (state, state))
    return msg(zh, en)


def loop_catalogue() -> list[dict]:
    """The loop as the phone gets it (catalogue `case_loop`): one item per state, in order, with
    its words and the actions it allows: {action, to, roles}. The roles are ACTION_ROLES; the
    server narrows two of them per case (handle: the assignee or the department's handler;
    check by a worker: their own grids), which each case's `allowed_actions` already reflects."""
    return [
        {
            "code": state,
            "label": {"zh": STATE_LABELS[state][0], "en": STATE_LABELS[state][1]},
            "terminal": state in TERMINAL,
            "actions": [
                {"action": action, "to": to, "roles": list(ACTION_ROLES[action])}
                for (source, action), to in TRANSITIONS.items()
                if source == state
            ],
        }
        for state in CASE_STATES
    ]


def illegal(case: Case, action: str, user: User, scope: Scope, state: str) -> ApiError:
    return ApiError(
        409,
        "illegal_transition",
        msg(f"案件当前状态不允许此操作（{state}）", f"A case in {state} cannot take “{action}”"),
        allowed=allowed_actions(case, user, scope, state),
        state=state,
    )


def check_action(case: Case, action: Any, user: User, scope: Scope, state: str | None = None) -> str:
    """The next state, or the error: unknown action 422, a role that never may 404, wrong state 409.

    `state` stands in for the case's own when an earlier item of the same push moved it."""
    state = state or case.state
    if action not in ACTIONS:
        raise validation_failed({"action": [msg("未知的操作", f"action is one of {', '.join(ACTIONS)}")]})
    if not may_take(action, case, user, scope):
        raise not_found()
    new_state = TRANSITIONS.get((state, action))
    if new_state is None:
        raise illegal(case, action, user, scope, state)
    return new_state


def _text(body: dict, key: str, errors: dict, required: bool, zh: str) -> str | None:
    value = body.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            errors[key] = [msg(f"请填写{zh}", f"{key} is required")]
        return None
    if not isinstance(value, str) or len(value) > MAX_COMMENT:
        errors[key] = [
            msg(f"{zh}最多 {MAX_COMMENT} 字", f"{key} is text of at most {MAX_COMMENT} characters")
        ]
        return None
    return value.strip()


def _int(body: dict, key: str, errors: dict) -> int | None:
    value = body.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 2**31 - 1:
        errors[key] = [msg("编号无效", f"{key} is not an id")]
        return None
    return value


def validate_body(case: Case, action: str, body: dict, user: User, scope: Scope, now: datetime) -> dict:
    """Check the fields an action needs; returns them cleaned (photos as a list of sha256)."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {"action": action}
    clean["comment"] = _text(body, "comment", errors, action == "return", "说明")
    if action == "void":
        clean["comment"] = _text(body, "reason", errors, True, "作废原因") or clean["comment"]
    photos = body.get("photos") or []
    if not isinstance(photos, list) or not all(isinstance(p, str) and len(p) == 64 for p in photos):
        errors["photos"] = [msg("照片应为 SHA-256 编号列表", "photos is a list of SHA-256 hashes")]
        photos = []
    photos = list(dict.fromkeys(photos))
    if len(photos) > MAX_PHOTOS:
        errors["photos"] = [msg(f"最多 {MAX_PHOTOS} 张照片", f"At most {MAX_PHOTOS} photos")]
    if action in ("handle", "check") and not photos and "photos" not in errors:
        errors["photos"] = [msg("请拍摄现场照片", "Take at least one photo of the site")]
    clean["photos"] = photos
    if action == "merge":
        into = body.get("into_case_id")
        target = None
        try:
            target_id = uuid.UUID(str(into)) if into is not None else None
        except ValueError:
            target_id = None
        if target_id is None:
            errors["into_case_id"] = [msg("请选择要并入的案件", "Choose the case to merge into")]
        elif target_id == case.id:
            errors["into_case_id"] = [msg("不能并入自身", "A case cannot be merged into itself")]
        else:
            target = db.session.scalar(visible(select(Case), user, scope).where(Case.id == target_id))
            if target is None:
                errors["into_case_id"] = [msg("找不到该案件", "No such case")]
            elif target.state in TERMINAL:
                errors["into_case_id"] = [
                    msg(
                        "不能并入已结案、作废或已合并的案件",
                        "Cannot merge into a closed, voided or merged case",
                    )
                ]
        clean["target"] = target
    if action in ("dispatch", "rework"):
        department_id = _int(body, "department_id", errors)
        assignee_id = _int(body, "assignee_id", errors)
        if action == "rework" and department_id is None and assignee_id is None:
            department_id, assignee_id = case.department_id, case.assignee_id
        if (
            department_id is None
            and assignee_id is None
            and not errors.keys() & {"department_id", "assignee_id"}
        ):
            errors["assignee_id"] = [msg("请选择处置部门或处置人", "Choose a department or a person")]
        if department_id is not None and db.session.get(Department, department_id) is None:
            errors["department_id"] = [msg("处置部门不存在", "No such department")]
        if assignee_id is not None:
            assignee = db.session.get(User, assignee_id)
            if assignee is None or not assignee.active or assignee.role not in ("handler", "worker"):
                errors["assignee_id"] = [
                    msg("处置人不存在或已停用", "The assignee is not an active handler or worker")
                ]
        clean["department_id"], clean["assignee_id"] = department_id, assignee_id
        deadline = body.get("deadline")
        clean["deadline"] = None
        if deadline is not None:
            parsed = parse_time(deadline)
            if parsed is None or parsed <= now:
                errors["deadline"] = [msg("期限应为将来的时间", "deadline is a future ISO 8601 time")]
            clean["deadline"] = parsed
    if errors:
        raise validation_failed(errors)
    return clean


def audience(case: Case) -> list[int]:
    """Users outside the grid scopes who hold the case: its department's handlers and its assignee."""
    ids = set()
    if case.assignee_id is not None:
        ids.add(case.assignee_id)
    if case.department_id is not None:
        ids.update(
            db.session.scalars(
                select(User.id).where(User.department_id == case.department_id, User.role == "handler")
            )
        )
    return sorted(ids)


# The sync entity of the report a case came from: the reporter's phone shows the case's state on it.
REPORT_ENTITY = "submission"


def record_case_changes(case: Case, extra_users: list[int] = (), old_grid_id: int | None = None) -> None:
    """Tell the grid's phones (and a former grid's), the case's holders (and its former holders)
    and the reporter."""
    rows = [change_row(CASE_ENTITY, case.id, grid_id=case.grid_id)]
    if old_grid_id is not None and old_grid_id != case.grid_id:
        rows.append(change_row(CASE_ENTITY, case.id, grid_id=old_grid_id))
    rows += [
        change_row(CASE_ENTITY, case.id, user_id=u) for u in sorted(set(audience(case)) | set(extra_users))
    ]
    if case.submission_id is not None:
        rows.append(change_row(REPORT_ENTITY, case.submission_id, user_id=case.reporter_id))
    record_changes(rows)


def apply(
    case: Case,
    clean: dict,
    user: User,
    now: datetime,
    new_state: str,
    item_id: uuid.UUID | None = None,
    content_hash: str | None = None,
) -> Outcome:
    """Make the transition: update the case, append its event (and the merge target's), note changes."""
    action = clean["action"]
    before_holders = audience(case)
    from_state = case.state
    event_extra: dict[str, Any] = {}
    pushes: list[WebPush] = []
    if action == "file":
        case.filed_at = now
    elif action in ("dispatch", "rework"):
        case.department_id, case.assignee_id = clean["department_id"], clean["assignee_id"]
        limit = calendar.limit_minutes(limit_for(case))
        case.dispatched_at = now
        case.handled_at = None
        case.handle_deadline = clean["deadline"] or calendar.add_working_minutes(now, limit)
        # A new clock gets its own "deadline near" push; always written, so a sweep's claim
        # committed while this transaction ran cannot survive it.
        case.deadline_reminded_at = None
        flag_modified(case, "deadline_reminded_at")
        # The handling light turns yellow at 80 % of the working time: the sweep's key.
        case.remind_at = calendar.add_working_minutes(
            now, 0.8 * calendar.working_minutes_between(now, case.handle_deadline)
        )
        if case.close_deadline is None:
            start = case.filed_at or now
            case.close_deadline = calendar.add_working_minutes(start, limit * CASE_LIMIT_FACTOR)
        event_extra = {
            "department_id": case.department_id,
            "assignee_id": case.assignee_id,
            "deadline": case.handle_deadline,
        }
        pushes.append(
            WebPush(
                user_ids=audience(case),
                kind="case_dispatched",
                title=("返工：" if action == "rework" else "新派遣案件：") + (case.description or "")[:30],
                url=f"/cases/{case.id}",
                tag=f"case-{case.id}",
                data={"case_id": str(case.id)},
            )
        )
    elif action == "handle":
        case.handled_at = now
    elif action == "close":
        case.closed_at = now
    elif action == "merge":
        target: Case = clean["target"]
        case.merged_into_id = target.id
        target.photos = list(dict.fromkeys([*(target.photos or []), *(case.photos or [])]))
        target.version += 1
        target.updated_at = now
        db.session.add(
            CaseEvent(
                case_id=target.id,
                actor_id=user.id,
                action="merge_in",
                from_state=target.state,
                to_state=target.state,
                comment=f"并入案件 {case.id}" + (f"：{clean['comment']}" if clean["comment"] else ""),
                photos=list(case.photos or []),
                at=now,
            )
        )
        _link_photos(target.id, [*(case.photos or [])])
    elif action == "return":
        # The report goes back to its author as a returned submission (the submissions feature
        # listens: on_report_returned), with the push a returned visit gets.
        returned = report_returned(case, clean["comment"] or "", user.id, now)
        pushes.extend(returned)
        if not returned:
            pushes.append(
                WebPush(
                    user_ids=[case.reporter_id],
                    kind="case_returned",
                    title="上报被退回补充：" + (clean["comment"] or "")[:30],
                    url=f"/cases/{case.id}",
                    tag=f"case-{case.id}",
                    data={"case_id": str(case.id)},
                )
            )
    case.state = new_state
    case.version += 1
    case.updated_at = now
    event = CaseEvent(
        case_id=case.id,
        actor_id=user.id,
        action=action,
        from_state=from_state,
        to_state=new_state,
        comment=clean.get("comment"),
        photos=clean["photos"] or None,
        at=now,
        item_id=item_id,
        content_hash=content_hash,
        **event_extra,
    )
    db.session.add(event)
    _link_photos(case.id, clean["photos"])
    db.session.flush()
    record_case_changes(case, before_holders)
    if action == "merge":
        record_case_changes(clean["target"])
    return Outcome(case, event, pushes)


# What a resubmitted report replaces on its case; the id, reporter, report time and history stay.
REPORT_FIELDS = (
    "kind",
    "category",
    "subcategory",
    "severity",
    "urgent",
    "description",
    "address",
    "location",
    "photos",
    "grid_id",
    "building_id",
    "household_id",
    "submission_id",
)


def returned_case(submission_id: uuid.UUID) -> Case | None:
    """The case a report opened, locked until the transaction ends: two resubmissions racing
    for it are told apart here (the second one reads the state the first one left)."""
    return db.session.scalar(
        select(Case)
        .where(Case.submission_id == submission_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def resubmit(case_id: uuid.UUID, report: dict, now: datetime, content_hash: str | None = None) -> None:
    """The reporter's fixed report (a case row as service.case_row makes it) puts the returned
    case back in `reported`: the case takes its answers and photos, and the `resubmit` event
    names the new submission, as the `report` event names the first, so the log keeps both."""
    case = db.session.get(Case, case_id)
    old_grid_id = case.grid_id
    for key in REPORT_FIELDS:
        setattr(case, key, report[key])
    case.state = "reported"
    case.version += 1
    case.updated_at = now
    db.session.add(
        CaseEvent(
            case_id=case.id,
            actor_id=report["reporter_id"],
            action=RESUBMIT,
            from_state="returned",
            to_state="reported",
            photos=list(report["photos"]) or None,
            at=now,
            item_id=report["submission_id"],
            content_hash=content_hash,
        )
    )
    _link_photos(case.id, report["photos"])
    db.session.flush()
    record_case_changes(case, old_grid_id=old_grid_id)


def _link_photos(case_id: uuid.UUID, photos: list[str]) -> None:
    if not photos:
        return
    have = set(db.session.scalars(select(case_photo.c.sha256).where(case_photo.c.case_id == case_id)))
    rows = [{"case_id": case_id, "sha256": sha} for sha in dict.fromkeys(photos) if sha not in have]
    if rows:
        db.session.execute(insert(case_photo), rows)


def missing_photos(photos: list[str]) -> list[str]:
    """The photos of an action the server has not stored yet."""
    have = existing_hashes(set(photos))
    return [sha for sha in photos if sha not in have]


def take_action(case: Case, body: dict, user: User) -> Outcome:
    """An action from the desk (online): checked, photos present, applied."""
    scope = Scope.of(user)
    action = body.get("action")
    new_state = check_action(case, action, user, scope)
    now = calendar.now()
    clean = validate_body(case, action, body, user, scope, now)
    missing = missing_photos(clean["photos"])
    if missing:
        raise validation_failed({"photos": [msg("照片尚未上传", "Upload these photos first")]}) from None
    return apply(case, clean, user, now, new_state)


# ---- clocks and the shape the PWA gets ------------------------------------------------------


def clocks(case: Case, now: datetime) -> dict[str, Any]:
    """The per-step clock (dispatch → handled) and the whole-case clock (filed → closed), with lights."""
    out: dict[str, Any] = {}
    if case.dispatched_at and case.handle_deadline:
        end = case.handled_at if case.handled_at else now
        limit = calendar.working_minutes_between(case.dispatched_at, case.handle_deadline)
        elapsed = calendar.working_minutes_between(case.dispatched_at, end)
        out["handle"] = {
            "deadline": iso(case.handle_deadline),
            "limit_minutes": round(limit),
            "elapsed_minutes": round(elapsed),
            "light": calendar.light(elapsed, limit),
            "running": case.handled_at is None,
        }
    if case.filed_at and case.close_deadline:
        end = case.closed_at if case.closed_at else now
        limit = calendar.working_minutes_between(case.filed_at, case.close_deadline)
        elapsed = calendar.working_minutes_between(case.filed_at, end)
        out["case"] = {
            "deadline": iso(case.close_deadline),
            "limit_minutes": round(limit),
            "elapsed_minutes": round(elapsed),
            "light": calendar.light(elapsed, limit),
            "running": case.closed_at is None,
        }
    return out


def running_deadline(case: Case) -> datetime | None:
    """The earliest deadline still running: handling while dispatched and not handled, closing
    while not closed; none once the case has ended. Stored as case.overdue_at on every write."""
    if case.state in TERMINAL:
        return None
    running = []
    if case.handle_deadline and case.handled_at is None and case.state == "dispatched":
        running.append(_aware(case.handle_deadline))
    if case.close_deadline and case.closed_at is None:
        running.append(_aware(case.close_deadline))
    return min(running, default=None)


@orm_event.listens_for(Case, "before_insert")
@orm_event.listens_for(Case, "before_update")
def _keep_overdue_at(_mapper, _connection, case: Case) -> None:
    # Every ORM write of a case goes through here, so the column cannot lag the state.
    case.overdue_at = running_deadline(case)


def is_overdue(case: Case, now: datetime) -> bool:
    """A running clock past its deadline (the rule overdue_clause asks the database)."""
    deadline = running_deadline(case)
    return deadline is not None and deadline < now


def overdue_clause(now: datetime) -> ColumnElement[bool]:
    """Cases past their running deadline, by the indexed case.overdue_at: the lists' overdue filter."""
    return Case.overdue_at < now


def _aware(value: datetime) -> datetime:
    from datetime import UTC

    return value if value.tzinfo else value.replace(tzinfo=UTC)


def case_data(
    case: Case, user: User | None = None, events: bool = False, scope: Scope | None = None
) -> dict[str, Any]:
    """A case as the API and the pull feed send it; with `user`, the actions they may take now
    (`scope`: theirs, when the caller has it already)."""
    now = calendar.now()
    data: dict[str, Any] = {
        "id": str(case.id),
        "kind": case.kind,
        "category": case.category,
        "subcategory": case.subcategory,
        "severity": case.severity,
        "urgent": case.urgent,
        "state": case.state,
        "description": case.description,
        "address": case.address,
        "location": case.location,
        "grid_id": case.grid_id,
        "building_id": str(case.building_id) if case.building_id else None,
        "household_id": str(case.household_id) if case.household_id else None,
        "reporter_id": case.reporter_id,
        "submission_id": str(case.submission_id) if case.submission_id else None,
        "department_id": case.department_id,
        "assignee_id": case.assignee_id,
        "reported_at": iso(case.reported_at),
        "filed_at": iso(case.filed_at),
        "dispatched_at": iso(case.dispatched_at),
        "handled_at": iso(case.handled_at),
        "closed_at": iso(case.closed_at),
        "merged_into_id": str(case.merged_into_id) if case.merged_into_id else None,
        "suggested_merge_into_id": str(case.suggested_merge_into_id)
        if case.suggested_merge_into_id
        else None,
        "photos": list(case.photos or []),
        "clocks": clocks(case, now),
        "overdue": is_overdue(case, now),
        "version": case.version,
    }
    if user is not None:
        data["allowed_actions"] = allowed_actions(case, user, scope or Scope.of(user))
    rows = list(
        db.session.scalars(
            select(CaseEvent).where(CaseEvent.case_id == case.id).order_by(CaseEvent.at, CaseEvent.id)
        )
    )
    handled = [e for e in rows if e.action == "handle"]
    checked = [e for e in rows if e.action == "check"]
    data["after_photos"] = list(handled[-1].photos or []) if handled else []
    data["check_photos"] = list(checked[-1].photos or []) if checked else []
    if events:
        data["events"] = [event_data(e) for e in rows]
        _with_report_versions(case, rows, data["events"])
    return data


def _with_report_versions(case: Case, rows: list[CaseEvent], events: list[dict]) -> None:
    """The report and each resubmission in the log, with the submission and answers each one sent."""
    reports = [(e, out) for e, out in zip(rows, events, strict=True) if e.action in ("report", RESUBMIT)]
    ids: dict[uuid.UUID, dict] = {}
    for event, out in reports:
        submission_id = event.item_id
        if submission_id is None and event.action == "report" and len(reports) == 1:
            # A report event from before events named their submission: the case's own.
            submission_id = case.submission_id
        if submission_id is not None:
            out["submission_id"] = str(submission_id)
            ids[submission_id] = out
    answers = report_answers(list(ids))
    for submission_id, out in ids.items():
        if submission_id in answers:
            out["answers"] = answers[submission_id]


def event_data(event: CaseEvent) -> dict[str, Any]:
    return {
        "id": event.id,
        "action": event.action,
        "from": event.from_state,
        "to": event.to_state,
        "actor_id": event.actor_id,
        "comment": event.comment,
        "photos": list(event.photos or []),
        "department_id": event.department_id,
        "assignee_id": event.assignee_id,
        "deadline": iso(event.deadline),
        "at": iso(event.at),
    }
