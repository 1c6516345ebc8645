"""Form submissions through the push: check an item against its template version, store in bulk.

What a kind takes (payload keys, photo count, whether it opens a case) is its descriptor in
server/forms/kinds.py. Beyond that: a welfare visit names its resident and moves the visit
schedule; a report (a kind that opens a case) needs a place and opens a Case in `reported`. A report
that resubmits a returned one (payload.resubmits) puts that report's case back in `reported`
instead of opening another.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from flask import current_app
from sqlalchemy import ColumnElement, and_, bindparam, exists, insert, or_, select

from server.cases import loop
from server.cases.models import Case
from server.cases.service import case_row, cases_of_submissions, open_cases
from server.extensions import db
from server.fields import is_id, parse_uuid
from server.forms.answers import AnswersSchema, answers_schema, photo_answers, validate_answers
from server.forms.kinds import KINDS, opens_case
from server.forms.models import FormTemplate
from server.i18n import field_message, msg
from server.register.service import BUILDING, HOUSEHOLD, RESIDENT, register_state
from server.submissions.events import TARGET_KEY, target_link
from server.submissions.models import SUBMISSION_ENTITY, Submission, submission_photo
from server.sync.changes import change_row, record_changes
from server.sync.protocol import Prepared, PushContext, PushItem, StoredItem, forbidden, rejected
from server.tasks.models import Task
from server.tasks.service import complete
from server.timeutil import iso
from server.visits.service import record_visits, visit_row

MAX_ADDRESS = 200


def submissions_data(submissions: list[Submission]) -> list[dict[str, Any]]:
    """What the author is told about their submissions (我的上报 and the pull feed), in one query
    for the cases; not the answers: the phone has them."""
    cases = cases_of_submissions([s.id for s in submissions if opens_case(s.kind)])
    return [submission_data(s, cases.get(s.id)) for s in submissions]


def submission_data(submission: Submission, case: tuple[uuid.UUID, str] | None = None) -> dict[str, Any]:
    """One submission's review state (and its case's state for a report); empty keys left out."""
    data: dict[str, Any] = {
        "id": str(submission.id),
        "kind": submission.kind,
        "template": {"key": submission.template_key, "version": submission.template_version},
        "grid_id": submission.grid_id,
        "household_id": str(submission.household_id) if submission.household_id else None,
        "resident_id": str(submission.resident_id) if submission.resident_id else None,
        "created_at": iso(submission.created_at),
        "received_at": iso(submission.received_at),
        "review_status": submission.review_status,
        "review_comment": submission.review_comment,
        "resubmits": str(submission.resubmits_id) if submission.resubmits_id else None,
        "task_id": str(submission.task_id) if submission.task_id else None,
        "version": submission.version,
    }
    if case is not None:
        data["case_id"], data["case_state"] = str(case[0]), case[1]
    return {key: value for key, value in data.items() if value is not None}


def still_open() -> ColumnElement[bool]:
    """SQL: the submission is not finished. Returned (the worker must fix it), or waiting for
    review: a visit still `received`, a report whose case is still moving (a report stays
    `received` while its case goes on to filed ... closed, so its case says when it is done)."""
    reports = [name for name, kind in KINDS.items() if kind.opens_case]
    case_open = exists().where(Case.submission_id == Submission.id, Case.state.in_(loop.OPEN_STATES))
    return or_(
        Submission.review_status == "returned",
        and_(Submission.review_status == "received", or_(Submission.kind.not_in(reports), case_open)),
    )


def submission_detail(submission: Submission) -> dict[str, Any]:
    """One submission as its author made it: review state plus answers, photos, location, and a
    report's building and address (kept on its case), so a returned one can be refilled anywhere."""
    data = submissions_data([submission])[0]
    photos = db.session.scalars(
        select(submission_photo.c.sha256)
        .where(submission_photo.c.submission_id == submission.id)
        .order_by(submission_photo.c.position)
    ).all()
    data |= {"answers": submission.answers, "photos": list(photos), "location": submission.location}
    case = db.session.scalar(select(Case).where(Case.submission_id == submission.id))
    if case is not None:
        data["building_id"] = str(case.building_id) if case.building_id else None
        data["address"] = case.address
    return data


# Built once and run on the connection: every push asks it, and building a statement (and
# going through the ORM for plain columns) costs more CPU than the index lookup itself.
_submissions = Submission.__table__.c
_STORED = select(
    _submissions.id,
    _submissions.kind,
    _submissions.content_hash,
    _submissions.author_id,
    _submissions.received_at,
).where(_submissions.id.in_(bindparam("ids", expanding=True)))

# Every version of the named templates (a batch may hold items queued under older ones).
_TEMPLATES = select(
    FormTemplate.id, FormTemplate.key, FormTemplate.version, FormTemplate.kind, FormTemplate.fields
).where(FormTemplate.key.in_(bindparam("keys", expanding=True)))
_VERSIONS = "gridwalk.template_versions"


@dataclass
class TemplateVersion:
    """What the push needs of one form version, and its answers schema once built."""

    id: int
    key: str
    version: int
    kind: str
    fields: list
    schema: AnswersSchema | None = None


def _known_versions() -> dict[tuple[str, int], TemplateVersion]:
    """The form versions this app has read, by (key, version).

    A version's kind and fields never change once it is made (forms/models.py: queued items
    name it), so each process keeps the ones it has read, with their schema: the push, which
    needs one for every item, asks the database only for a version it has not seen yet (a new
    one an admin just published, or one that does not exist). `active` is not kept: the push
    accepts items of retired versions on purpose.
    """
    return current_app.extensions.setdefault(_VERSIONS, {})


class FormSubmissions:
    """The push handler for the form kinds: household, welfare visits, hazard and city reports."""

    @property
    def kinds(self) -> frozenset[str]:
        # The descriptors are the one list of form kinds (read when create_app registers this).
        return frozenset(KINDS)

    def stored(self, ids: list[uuid.UUID]) -> dict[uuid.UUID, StoredItem]:
        if not ids:
            return {}
        rows = db.session.connection().execute(_STORED, {"ids": ids}).all()
        stored = {row.id: StoredItem(row.content_hash, row.author_id, row.received_at) for row in rows}
        # A resent report is answered with its case, as the first answer was (a resent visit,
        # the usual resend, opened none: no question to ask).
        reports = [row.id for row in rows if opens_case(row.kind)]
        for submission_id, (case_id, state) in cases_of_submissions(reports).items():
            old = stored[submission_id]
            stored[submission_id] = StoredItem(
                old.content_hash,
                old.author_id,
                old.received_at,
                {"case_id": str(case_id), "case_state": state},
            )
        return stored

    def preload(self, items: list[PushItem], ctx: PushContext) -> None:
        """Form versions not read before (the app keeps them: _known_versions) and the named
        register records: one query each, when needed."""
        # Checked before the set: a key sent as a list or object is unhashable (parse_item
        # rejects those items first; this keeps the handler safe on its own).
        wanted = {
            (ref["key"], ref["version"])
            for ref in (item.template for item in items)
            if isinstance(ref, dict) and isinstance(ref.get("key"), str) and is_id(ref.get("version"))
        }
        known = _known_versions()
        if wanted - known.keys():
            keys = sorted({key for key, _ in wanted - known.keys()})
            for row in db.session.connection().execute(_TEMPLATES, {"keys": keys}):
                known.setdefault((row.key, row.version), TemplateVersion(*row))
        payloads = [item.payload for item in items if isinstance(item.payload, dict)]
        state = register_state(ctx)
        for entity, key in (
            (HOUSEHOLD, "household_id"),
            (RESIDENT, "resident_id"),
            (BUILDING, "building_id"),
        ):
            state.load(entity, {parse_uuid(p.get(key)) for p in payloads} - {None})

    def prepare(self, item: PushItem, ctx: PushContext) -> Prepared | dict:
        payload = item.payload
        if not isinstance(payload, dict):
            return rejected(
                item, "validation_failed", {"payload": [msg("内容应为对象", "The payload must be an object")]}
            )
        template = self._template(item, ctx)
        if template is None:
            return rejected(
                item,
                "unknown_template",
                {
                    "template": [
                        msg("表单版本不存在，请更新应用后重填", "No such form version; update the app")
                    ]
                },
                msg("服务器上没有这个表单版本", "The server has no such form version"),
            )
        descriptor = KINDS[item.kind]
        errors: dict[str, list[str]] = {}
        for key in payload:
            if key not in descriptor.accepted_keys:
                errors[str(key)] = [field_message("Unknown field.")]
        grid_id = payload.get("grid_id")
        if not is_id(grid_id):
            errors["grid_id"] = [msg("请选择网格", "Choose a grid")]
        elif ctx.scope.everything and not ctx.scope.allows_grid(grid_id):
            # Only a scope holding every grid can tell the worker plainly that it does not exist.
            errors["grid_id"] = [msg("网格不存在", "No such grid")]
        elif not ctx.scope.allows_grid(grid_id):
            # Missing or someone else's: the same answer, so nothing leaks.
            return forbidden(item)
        refs = self._references(item, payload, ctx, errors)
        if refs is None:
            return forbidden(item)
        answers = payload.get("answers")
        schema = template.schema
        if schema is None:
            # Once per version per process: finding the cached schema hashes the field list.
            schema = template.schema = answers_schema(template.key, template.version, template.fields)
        for name, problems in validate_answers(schema, answers).items():
            errors.setdefault(name, []).extend(problems)
        photos = list(
            dict.fromkeys(
                [*item.photos, *photo_answers(template.fields, answers if isinstance(answers, dict) else {})]
            )
        )
        photo_problem = descriptor.photo_count_problem(len(photos))
        if photo_problem:
            errors.setdefault("photos", []).append(photo_problem)
        if descriptor.opens_case:
            self._check_report(item, answers, refs, errors)
            duplicate_of = payload.get("duplicate_of")
            if duplicate_of is not None and parse_uuid(duplicate_of) is None:
                errors["duplicate_of"] = [msg("案件编号不是 UUID", "The case id is not a UUID")]
        links = self._links(item, payload, ctx, errors)
        if links["refused"] is not None:
            # Nothing the worker can edit makes this one go through: say why, plainly.
            code, message = links["refused"]
            return rejected(item, code, {"resubmits": [message]}, message)
        if errors:
            return rejected(item, "validation_failed", errors)
        if links["resubmits"] is not None:
            # One resubmission per returned record, within a batch too.
            ctx.cache.setdefault("resubmitted", set()).add(links["resubmits"])
        row = {
            "id": item.id,
            "kind": item.kind,
            "template_key": template.key,
            "template_version": template.version,
            "answers": answers,
            "grid_id": grid_id,
            "household_id": refs["household"]["id"] if refs["household"] else None,
            "resident_id": refs["resident"]["id"] if refs["resident"] else None,
            "author_id": ctx.user.id,
            "device_id": ctx.device_id,
            "location": item.location,
            "created_at": item.created_at,
            "received_at": ctx.now,
            "review_status": "received",
            "review_comment": None,
            "version": 1,
            "content_hash": item.content_hash,
            "resubmits_id": links["resubmits"],
            "task_id": links["task_id"],
            "reviewed_by": None,
            "reviewed_at": None,
        }
        rows: dict[str, Any] = {"submission": row}
        if links["campaign_target_id"] is not None:
            rows["campaign_target"] = links["campaign_target_id"]
        answer: dict[str, Any] = {}
        if descriptor.opens_case:
            report = case_row(
                case_kind=descriptor.case_kind,
                answers=answers,
                submission_id=item.id,
                grid_id=grid_id,
                building_id=refs["building"]["id"] if refs["building"] else None,
                household_id=row["household_id"],
                address=refs["address"],
                location=item.location,
                photos=photos,
                reporter_id=ctx.user.id,
                reported_at=min(item.created_at, ctx.now),
                now=ctx.now,
            )
            # Every new case row has the key (one INSERT takes the whole batch's rows).
            report["suggested_merge_into_id"] = self._merge_suggestion(
                payload.get("duplicate_of"), report, ctx
            )
            case = links["case"]
            if case is not None:
                rows["resubmit"] = {"case_id": case.id, "report": report}
            else:
                rows["case"] = report
            answer = {"case_id": str(case.id if case is not None else report["id"]), "case_state": "reported"}
        elif item.kind == "welfare_visit":
            rows["visit"] = visit_row(
                item.id, refs["resident"], answers, ctx.user.id, item.created_at, ctx.now
            )
        return Prepared(item, rows, photos, answer)

    def _merge_suggestion(self, duplicate_of: Any, report: dict, ctx: PushContext) -> uuid.UUID | None:
        """The case the worker said this report repeats, if it is still open, of the same category
        and theirs to see; otherwise none (it closed while the phone was offline: the desk's
        similar-cases list still shows what is near)."""
        case_id = parse_uuid(duplicate_of)
        if case_id is None:
            return None
        stmt = loop.visible(select(Case.id), ctx.user, ctx.scope).where(
            Case.id == case_id, Case.category == report["category"], Case.state.in_(loop.OPEN_STATES)
        )
        return db.session.scalar(stmt)

    def _links(self, item: PushItem, payload: dict, ctx: PushContext, errors: dict) -> dict[str, Any]:
        """resubmits: one of the author's own returned submissions (a report: its case returned);
        task_id: their own open task. `refused`: (code, message) when the resubmission can never
        go through (already resubmitted, or its case has moved on); `case`: the case it reopens."""
        links: dict[str, Any] = {
            "resubmits": None,
            "task_id": None,
            "case": None,
            "refused": None,
            "campaign_target_id": None,
        }
        if payload.get("resubmits") is not None:
            original_id = parse_uuid(payload["resubmits"])
            original = db.session.get(Submission, original_id) if original_id else None
            not_returned = [msg("找不到被退回的原记录", "No returned submission of yours with this id")]
            if original is None or original.author_id != ctx.user.id:
                errors["resubmits"] = not_returned
            elif original.review_status == "resubmitted" or original.id in ctx.cache.get("resubmitted", ()):
                links["refused"] = (
                    "already_resubmitted",
                    msg(
                        "这条记录已经重新提交过，不能再次重新提交；请在“我的上报”中查看最新的一份",
                        "This record was already resubmitted; find the newest one in My reports",
                    ),
                )
            elif opens_case(original.kind) or opens_case(item.kind):
                self._resubmitted_report(item, original, links, errors)
            elif original.review_status != "returned":
                errors["resubmits"] = not_returned
            else:
                links["resubmits"] = original.id
        if payload.get("task_id") is not None:
            task_id = parse_uuid(payload["task_id"])
            task = db.session.get(Task, task_id) if task_id else None
            if task is None or task.assignee_id != ctx.user.id or task.status == "cancelled":
                errors["task_id"] = [msg("找不到该任务", "No task of yours with this id")]
            else:
                links["task_id"] = task.id
        if payload.get(TARGET_KEY) is not None:
            target_id = parse_uuid(payload[TARGET_KEY])
            link = target_link()
            problem = msg("找不到该专项对象", "No campaign target of yours with this id")
            if target_id is not None and link is not None:
                problem = link.check(target_id, item.template["key"], ctx.user.id)
            if problem is not None:
                errors[TARGET_KEY] = [problem]
            else:
                links["campaign_target_id"] = target_id
        return links

    def _resubmitted_report(self, item: PushItem, original: Submission, links: dict, errors: dict) -> None:
        """A report is resubmitted while its case is `returned`; any other state is refused in words."""
        if original.kind != item.kind:
            errors["resubmits"] = [
                msg("重新提交应使用原记录的表单", "A resubmission uses the same form as the original")
            ]
            return
        case = loop.returned_case(original.id)
        if case is None:
            errors["resubmits"] = [
                msg("找不到被退回的原记录", "No returned submission of yours with this id")
            ]
        elif case.state != "returned":
            words = loop.state_words(case.state)
            links["refused"] = (
                "case_not_returned",
                msg(
                    f"该案件{words}，不能再重新提交", f"This case is {words}: it can no longer be resubmitted"
                ),
            )
        else:
            links["resubmits"], links["case"] = original.id, case

    def _references(self, item: PushItem, payload: dict, ctx: PushContext, errors: dict) -> dict | None:
        """The household, resident and building the item names (None: one is outside the scope).

        A record made earlier in the same batch counts (a visit to a household created offline).
        """
        state = register_state(ctx)
        refs: dict[str, Any] = {"household": None, "resident": None, "building": None, "address": None}
        wanted = [("household_id", HOUSEHOLD, "household"), ("building_id", BUILDING, "building")]
        if item.kind == "welfare_visit":
            wanted.insert(0, ("resident_id", RESIDENT, "resident"))
            if payload.get("resident_id") is None:
                errors["resident_id"] = [msg("请选择巡访的居民", "Choose the resident visited")]
        for key, entity, name in wanted:
            value = payload.get(key)
            if value is None:
                continue
            entity_id = parse_uuid(value)
            if entity_id is None:
                errors[key] = [msg("编号不是 UUID", f"{key} is not a UUID")]
                continue
            found = state.get(entity, entity_id)
            if found is None:
                errors[key] = [
                    msg("找不到该记录（请先同步住户信息）", "No such record (sync the register first)")
                ]
            elif not ctx.scope.allows_grid(found["grid_id"]):
                return None
            else:
                refs[name] = found
        if refs["resident"] is not None and refs["household"] is None and "household_id" not in errors:
            refs["household"] = state.get(HOUSEHOLD, refs["resident"]["household_id"])
        if "address" in payload:
            address = payload["address"]
            if address is not None and (not isinstance(address, str) or len(address) > MAX_ADDRESS):
                errors.setdefault("address", []).append(
                    msg(f"地址最多 {MAX_ADDRESS} 个字", f"At most {MAX_ADDRESS} characters")
                )
            else:
                refs["address"] = (address or "").strip() or None
        return refs

    def _check_report(self, item: PushItem, answers: Any, refs: dict, errors: dict) -> None:
        """A report needs somewhere to go: a GPS fix, an address or a building."""
        answered = answers.get("address") if isinstance(answers, dict) else None
        if refs["address"] is None and isinstance(answered, str) and answered.strip():
            refs["address"] = answered.strip()
        if refs["address"] is None and refs["building"] is not None:
            building = refs["building"]
            refs["address"] = " ".join(part for part in (building.get("address"), building["name"]) if part)
        if refs["address"] is None and refs["household"] is not None:
            refs["address"] = refs["household"].get("address")
        if item.location is None and refs["address"] is None and "location" not in errors:
            errors["location"] = [
                msg("请提供定位，或填写地址、选择楼栋", "Give a GPS location, an address or a building")
            ]

    def _template(self, item: PushItem, ctx: PushContext) -> TemplateVersion | None:
        ref = item.template
        if not isinstance(ref, dict) or not isinstance(ref.get("key"), str) or not is_id(ref.get("version")):
            return None
        template = _known_versions().get((ref["key"], ref["version"]))
        if template is None or template.kind != item.kind:
            return None
        return template

    def insert(self, batch: list[Prepared], ctx: PushContext) -> None:
        """A few executemany statements for the whole batch: rows, photo links, cases, visits, changes."""
        # Core executemany on the session's connection: no ORM bookkeeping for rows nobody loads.
        connection = db.session.connection()
        connection.execute(insert(Submission.__table__), [p.rows["submission"] for p in batch])
        links = [
            {"submission_id": p.item.id, "sha256": sha, "position": position}
            for p in batch
            for position, sha in enumerate(p.photos)
        ]
        if links:
            connection.execute(insert(submission_photo), links)
        open_cases([p.rows["case"] for p in batch if "case" in p.rows])
        for p in batch:
            if "resubmit" in p.rows:
                loop.resubmit(
                    p.rows["resubmit"]["case_id"], p.rows["resubmit"]["report"], ctx.now, p.item.content_hash
                )
        record_visits([p.rows["visit"] for p in batch if "visit" in p.rows], ctx.now)
        self._apply_links([p.rows["submission"] for p in batch], ctx)
        closing = [
            (p.rows["campaign_target"], p.item.id, ctx.user.id, p.item.created_at)
            for p in batch
            if "campaign_target" in p.rows
        ]
        link = target_link()
        if closing and link is not None:
            link.stored(closing, ctx.now)
        # Only the author's feed carries their submissions (review results come back this way).
        record_changes(
            [change_row(SUBMISSION_ENTITY, p.item.id, user_id=ctx.user.id, at=ctx.now) for p in batch]
        )

    def _apply_links(self, rows: list[dict], ctx: PushContext) -> None:
        """A resubmission marks its original `resubmitted`; a linked task becomes done."""
        for row in rows:
            if row["resubmits_id"] is not None:
                original = db.session.get(Submission, row["resubmits_id"])
                original.review_status = "resubmitted"
                original.version += 1
                record_changes([change_row(SUBMISSION_ENTITY, original.id, user_id=original.author_id)])
            if row["task_id"] is not None:
                task = db.session.get(Task, row["task_id"])
                if task.status == "open":
                    complete(task, row["id"], ctx.now)
        db.session.flush()

    def server_view(self, item_id: uuid.UUID) -> dict | None:
        """The stored side of a conflict, in the item's own shape."""
        submission = db.session.get(Submission, item_id)
        if submission is None:
            return None
        photos = db.session.scalars(
            select(submission_photo.c.sha256)
            .where(submission_photo.c.submission_id == item_id)
            .order_by(submission_photo.c.position)
        ).all()
        payload: dict[str, Any] = {
            "grid_id": submission.grid_id,
            "household_id": str(submission.household_id) if submission.household_id else None,
            "answers": submission.answers,
        }
        if submission.resident_id:
            payload["resident_id"] = str(submission.resident_id)
        return {
            "id": str(submission.id),
            "kind": submission.kind,
            "template": {"key": submission.template_key, "version": submission.template_version},
            "created_at": iso(submission.created_at),
            "received_at": iso(submission.received_at),
            "payload": payload,
            "photos": list(photos),
            "location": submission.location,
            "review_status": submission.review_status,
            "version": submission.version,
        }


FORM_SUBMISSIONS = FormSubmissions()
