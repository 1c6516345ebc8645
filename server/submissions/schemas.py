"""Shapes of 我的上报: the caller's own submissions with their review and case state."""

import uuid
from datetime import UTC, datetime
from typing import Any

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from marshmallow import Schema, ValidationError, fields, missing, validate, validates_schema

from server.apidoc import OpenSchema, QuerySchema
from server.fields import Id, Int, Page, Text
from server.forms.kinds import KINDS
from server.i18n import msg
from server.submissions.models import REVIEW_STATUSES
from server.submissions.review import REVIEW_ACTIONS
from server.visits.schemas import VisitExportQuerySchema

MINE_PAGE_MAX = 200


def _mine_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="gridwalk-mine-cursor")


def mine_cursor(created_at: datetime, submission_id: uuid.UUID) -> str:
    """The position after this row in 我的上报's order (newest first), for the next page."""
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)  # SQLite gives back naive UTC
    return _mine_serializer().dumps([created_at.astimezone(UTC).isoformat(), str(submission_id)])


class MineCursor(Text):
    """next_cursor of the page before, read back as (created_at in UTC, id); signed, so a mangled
    or made-up one is a 422 naming `cursor`, never a query with a nonsense position."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> tuple[datetime, uuid.UUID]:
        text = super()._deserialize(value, attr, data, **kwargs)
        invalid = ValidationError(
            msg("翻页位置无效，请从第一页重新加载", "The page cursor is not valid; load the first page again")
        )
        try:
            body = _mine_serializer().loads(text)
        except (BadSignature, ValueError, TypeError):
            raise invalid from None
        if not (isinstance(body, list) and len(body) == 2 and all(isinstance(v, str) for v in body)):
            raise invalid
        try:
            created_at, submission_id = datetime.fromisoformat(body[0]), uuid.UUID(body[1])
        except ValueError:
            raise invalid from None
        if created_at.tzinfo is None:
            raise invalid
        return created_at.astimezone(UTC), submission_id


class MineQuerySchema(Schema):
    kind = Text(validate=validate.OneOf(KINDS))
    review_status = Text(validate=validate.OneOf(REVIEW_STATUSES))
    page = Page(
        load_default=missing,
        metadata={
            "description": "1-based page number (default 1); `cursor` pages without skips or repeats instead"
        },
    )
    per_page = Int(min=1, max=MINE_PAGE_MAX, load_default=50)
    cursor = MineCursor(
        validate=validate.Length(max=300),
        # The signed token's alphabet (URL-safe base64 and dots): documents a short ASCII value,
        # so no client (or fuzzer) builds a URL past the server's request-line limit.
        metadata={
            "description": "next_cursor of the page before: the rows after it, newest first",
            "pattern": "^[A-Za-z0-9_.-]+$",
        },
    )

    @validates_schema
    def _one_way_of_paging(self, data: dict, **_kwargs: Any) -> None:
        if "page" in data and "cursor" in data:
            raise ValidationError(
                msg("翻页请用 page 或 cursor 之一", "Page with either page or cursor, not both"), "cursor"
            )


class QueueQuerySchema(QuerySchema):
    community_id = Id()
    grid_id = Id()
    kind = Text(validate=validate.OneOf(KINDS))
    review_status = Text(validate=validate.OneOf(REVIEW_STATUSES), load_default="received")
    from_ = fields.AwareDateTime(
        data_key="from", metadata={"description": "created_at from this instant (ISO 8601 with offset)"}
    )
    to = fields.AwareDateTime(metadata={"description": "created_at before this instant"})
    page = Page()
    per_page = Int(min=1, max=200, load_default=50)


class ReviewSchema(OpenSchema):
    action = Text(required=True, validate=validate.OneOf(list(REVIEW_ACTIONS)))
    comment = Text(
        allow_none=True,
        validate=validate.Length(max=2000),
        metadata={"description": "Required for return and reject: the worker reads it in 我的上报"},
    )


class TemplateRefSchema(Schema):
    key = fields.String()
    version = fields.Integer()


class MySubmissionSchema(Schema):
    # Dumped: every key submission_data may send is declared here, or the phone would lose it.
    id = fields.String()
    kind = fields.String()
    template = fields.Nested(TemplateRefSchema)
    grid_id = fields.Integer()
    household_id = fields.String()
    resident_id = fields.String()
    created_at = fields.String()
    received_at = fields.String()
    review_status = fields.String(metadata={"enum": list(REVIEW_STATUSES)})
    review_comment = fields.String(metadata={"description": "The supervisor's words when returned"})
    case_id = fields.String(metadata={"description": "hazard_report, city_case: the case it opened"})
    case_state = fields.String(metadata={"description": "reported, filed, returned, ... closed"})
    resubmits = fields.String(metadata={"description": "The returned submission this one replaces"})
    task_id = fields.String(metadata={"description": "The task this submission completes"})
    version = fields.Integer()


class MinePageSchema(Schema):
    submissions = fields.List(fields.Nested(MySubmissionSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(metadata={"description": "The page number asked for; absent when paging by cursor"})
    per_page = fields.Integer(required=True)
    next_cursor = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Pass as `cursor` for the next (older) page; null on the last page"},
    )


class SubmissionStateSchema(OpenSchema):
    """A submission's review state as submission_data gives it; empty keys left out."""

    id = fields.String(required=True)
    kind = fields.String(required=True)
    template = fields.Nested(TemplateRefSchema, required=True)
    grid_id = fields.Integer()
    household_id = fields.String()
    resident_id = fields.String()
    created_at = fields.String()
    received_at = fields.String()
    review_status = fields.String(required=True, metadata={"enum": list(REVIEW_STATUSES)})
    review_comment = fields.String(allow_none=True)
    resubmits = fields.String(metadata={"description": "The returned submission this one replaces"})
    task_id = fields.String()
    case_id = fields.String(metadata={"description": "hazard_report, city_case: the case it opened"})
    case_state = fields.String()
    version = fields.Integer(required=True)


class QueueSubmissionSchema(SubmissionStateSchema):
    author_id = fields.Integer(required=True)
    answers = fields.Dict(required=True, allow_none=True)


class QueuePageSchema(OpenSchema):
    submissions = fields.List(fields.Nested(QueueSubmissionSchema), required=True)
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)


class SubmissionDetailSchema(SubmissionStateSchema):
    """One submission as its author made it (submission_detail)."""

    answers = fields.Dict(required=True, allow_none=True)
    photos = fields.List(fields.String(), required=True)
    location = fields.Dict(required=True, allow_none=True)
    building_id = fields.String(allow_none=True, metadata={"description": "hazard_report, city_case"})
    address = fields.String(allow_none=True, metadata={"description": "hazard_report, city_case"})


class CoverageQuerySchema(VisitExportQuerySchema):
    """month (YYYY-MM, Asia/Shanghai; absent: this month), community_id, grid_id (in scope, else 404)."""


class CoverageGridSchema(OpenSchema):
    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)


class CoverageWelfareSchema(OpenSchema):
    due = fields.Integer(required=True)
    visited = fields.Integer(required=True)
    rate = fields.Float(allow_none=True)


class CoverageProofSchema(OpenSchema):
    with_location = fields.Integer(
        required=True, metadata={"description": "Records with a location attached"}
    )
    median_accuracy_m = fields.Integer(allow_none=True)
    photos = fields.Integer(required=True)
    median_sync_minutes = fields.Float(
        allow_none=True,
        metadata={"description": "Median minutes from the phone's time to the server's receipt"},
    )
    clock_ahead = fields.Integer(
        required=True, metadata={"description": "Records dated more than 10 minutes after they arrived"}
    )


class CoverageWorkerSchema(OpenSchema):
    user_id = fields.Integer(required=True)
    name = fields.String(required=True)
    grids = fields.List(fields.Nested(CoverageGridSchema), required=True)
    households = fields.Integer(required=True)
    households_visited = fields.Integer(required=True)
    coverage = fields.Float(allow_none=True, metadata={"description": "households_visited / households"})
    records = fields.Integer(required=True)
    days_active = fields.Integer(required=True)
    per_day = fields.Float(allow_none=True, metadata={"description": "records / days of the month so far"})
    welfare = fields.Nested(CoverageWelfareSchema, required=True)
    proof = fields.Nested(CoverageProofSchema, required=True)


class CoverageSchema(OpenSchema):
    month = fields.String(required=True)
    days = fields.Integer(required=True, metadata={"description": "Days of the month so far"})
    workers = fields.List(fields.Nested(CoverageWorkerSchema), required=True)
    definitions = fields.Dict(keys=fields.String(), values=fields.String(), required=True)
