"""Shapes of form templates: the admin's new version (checked field by field) and the answer."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates, validates_schema

from server.fields import UtcDateTime
from server.forms.answers import (
    BOUNDED_TYPES,
    CHOICE_TYPES,
    CONDITION_TYPES,
    COUNTED_TYPES,
    FIELD_TYPES,
    is_number,
    same_value,
)
from server.forms.kinds import KINDS
from server.i18n import msg

KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,49}$")
FIELD_NAME_RE = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
# One dot allowed: a two-level code names its class first (street_order.unlicensed_vendor).
CHOICE_VALUE_RE = re.compile(r"^[a-z0-9_]{1,40}(\.[a-z0-9_]{1,40})?$")
# An item's own keys: a rejection lists answer errors beside them by name, so none may clash.
RESERVED_NAMES = frozenset(
    {
        "id",
        "kind",
        "template",
        "created_at",
        "payload",
        "photos",
        "location",
        "grid_id",
        "household_id",
        "resident_id",
        "building_id",
        "answers",
    }
)


class LabelSchema(Schema):
    zh = fields.String(required=True, validate=validate.Length(min=1, max=200))
    en = fields.String(required=True, validate=validate.Length(min=1, max=200))


class ChoiceSchema(Schema):
    value = fields.String(required=True)
    label = fields.Nested(LabelSchema, required=True)

    @validates("value")
    def _value_shape(self, value: str, **_kwargs) -> None:
        if not CHOICE_VALUE_RE.match(value):
            raise ValidationError(
                msg(
                    "选项值只能用小写字母、数字和下划线（可用一个点分两级）",
                    "Choice values use a-z, 0-9 and _ (one dot may separate two levels)",
                )
            )


class ConditionSchema(Schema):
    field = fields.String(required=True)
    equals = fields.Raw()
    in_ = fields.List(fields.Raw(), data_key="in")

    @validates_schema
    def _one_test(self, data: dict, **_kwargs) -> None:
        if ("equals" in data) == ("in_" in data):
            raise ValidationError(
                msg("条件需要 equals 或 in 其中之一", "Use exactly one of equals or in"), "equals"
            )
        values = [data["equals"]] if "equals" in data else data["in_"]
        if not values:
            raise ValidationError(msg("in 不能为空", "in needs at least one value"), "in")
        if not all(isinstance(v, str | bool) or is_number(v) for v in values):
            raise ValidationError(
                msg("条件值应为文字、数字或是/否", "Values are text, numbers or yes/no"), "equals"
            )


class FieldSpecSchema(Schema):
    name = fields.String(required=True)
    type = fields.String(required=True)
    label = fields.Nested(LabelSchema, required=True)
    hint = fields.Nested(LabelSchema)
    required = fields.Boolean(load_default=False)
    min = fields.Raw()
    max = fields.Raw()
    integer = fields.Boolean()
    choices = fields.List(fields.Nested(ChoiceSchema))
    show_if = fields.Nested(ConditionSchema)

    @validates("name")
    def _name_shape(self, value: str, **_kwargs) -> None:
        if not FIELD_NAME_RE.match(value):
            raise ValidationError(
                msg(
                    "字段名只能用小写字母开头，含小写字母、数字和下划线",
                    "Names are a-z first, then a-z, 0-9, _",
                )
            )
        if value in RESERVED_NAMES:
            raise ValidationError(msg(f"“{value}”是保留名称", f"“{value}” is a reserved name"))

    @validates("type")
    def _known_type(self, value: str, **_kwargs) -> None:
        if value not in FIELD_TYPES:
            raise ValidationError(
                msg(
                    f"未知的字段类型“{value}”，可用: {', '.join(FIELD_TYPES)}",
                    f"Unknown field type “{value}”; use one of {', '.join(FIELD_TYPES)}",
                )
            )

    @validates_schema
    def _rules_fit_type(self, data: dict, **_kwargs) -> None:
        kind = data["type"]
        errors: dict[str, list[str]] = {}
        for bound in ("min", "max"):
            if bound not in data:
                continue
            value = data[bound]
            if kind not in BOUNDED_TYPES:
                errors[bound] = [msg(f"{kind} 类型不支持 {bound}", f"{kind} fields take no {bound}")]
            elif not is_number(value):
                errors[bound] = [msg("应为数字", "Must be a number")]
            elif kind in COUNTED_TYPES and (not isinstance(value, int) or value < 0):
                errors[bound] = [
                    msg("长度或数量应为不小于 0 的整数", "Lengths and counts are whole numbers ≥ 0")
                ]
        if not errors and "min" in data and "max" in data and data["min"] > data["max"]:
            errors["min"] = [msg("min 不能大于 max", "min is greater than max")]
        if "integer" in data and kind != "number":
            errors["integer"] = [msg("只有数字字段可设 integer", "Only number fields take integer")]
        if kind in CHOICE_TYPES:
            choices = data.get("choices")
            if not choices:
                errors["choices"] = [
                    msg("选择题至少需要一个选项", "A choice field needs at least one choice")
                ]
            else:
                values = [c["value"] for c in choices]
                if len(set(values)) != len(values):
                    errors["choices"] = [msg("选项值重复", "Two choices share a value")]
        elif "choices" in data:
            errors["choices"] = [msg(f"{kind} 类型不用选项", f"{kind} fields take no choices")]
        if errors:
            raise ValidationError(errors)


class TemplateCreateSchema(Schema):
    key = fields.String(required=True)
    version = fields.Integer(strict=True, validate=validate.Range(min=1, max=1_000_000))
    kind = fields.String(required=True)
    title = fields.Nested(LabelSchema, required=True)
    fields_ = fields.List(
        fields.Nested(FieldSpecSchema),
        required=True,
        data_key="fields",
        validate=validate.Length(min=1, max=200),
    )

    @validates("key")
    def _key_shape(self, value: str, **_kwargs) -> None:
        if not KEY_RE.match(value):
            raise ValidationError(
                msg(
                    "模板键为 2–50 位小写字母、数字、下划线，字母开头",
                    "Keys are 2–50 of a-z, 0-9, _, a-z first",
                )
            )

    @validates("kind")
    def _known_kind(self, value: str, **_kwargs) -> None:
        if value not in KINDS:
            raise ValidationError(
                msg(
                    f"未知的表单类别，可用: {', '.join(KINDS)}",
                    f"Unknown kind; use one of {', '.join(KINDS)}",
                )
            )

    @validates_schema
    def _fields_fit_together(self, data: dict, **_kwargs) -> None:
        """Names unique; a condition names a field above it and a value that field can have."""
        errors: dict[int, dict[str, list[str]]] = {}
        seen: dict[str, dict] = {}
        for index, spec in enumerate(data["fields_"]):
            name = spec["name"]
            if name in seen:
                errors[index] = {"name": [msg(f"字段名“{name}”重复", f"Field name “{name}” is used twice")]}
                continue
            condition = spec.get("show_if")
            if condition is not None:
                problem = _condition_problem(condition, seen)
                if problem:
                    errors[index] = {"show_if": [problem]}
            seen[name] = spec
        if errors:
            raise ValidationError({"fields": errors})


def _condition_problem(condition: dict, earlier: dict[str, dict]) -> str | None:
    target = earlier.get(condition["field"])
    if target is None:
        return msg(
            f"条件引用的字段“{condition['field']}”不存在或不在此项之前",
            f"The condition names “{condition['field']}”, which is not a field above this one",
        )
    if target["type"] not in CONDITION_TYPES:
        return msg(
            f"不能按 {target['type']} 类型的字段设条件", f"Conditions cannot test a {target['type']} field"
        )
    values = [condition["equals"]] if "equals" in condition else condition["in_"]
    if target["type"] in CHOICE_TYPES:
        allowed = {c["value"] for c in target["choices"]}
        wrong = [v for v in values if v not in allowed]
        if wrong:
            return msg(f"条件值“{wrong[0]}”不是该字段的选项", f"“{wrong[0]}” is not a choice of that field")
    elif target["type"] == "yes_no" and not all(isinstance(v, bool) for v in values):
        return msg("是/否字段的条件值应为 true 或 false", "A yes/no condition tests true or false")
    elif target["type"] == "number" and not all(is_number(v) for v in values):
        return msg("数字字段的条件值应为数字", "A number condition tests numbers")
    elif target["type"] == "text" and not all(isinstance(v, str) for v in values):
        return msg("文字字段的条件值应为文字", "A text condition tests text")
    if any(same_value(a, b) for i, a in enumerate(values) for b in values[i + 1 :]):
        return msg("条件值重复", "A condition value is listed twice")
    return None


def clean_field_spec(spec: dict) -> dict[str, Any]:
    """The stored form of a field: loaded keys only, `in` under its wire name."""
    out: dict[str, Any] = {k: v for k, v in spec.items() if k != "show_if"}
    if "show_if" in spec:
        condition = dict(spec["show_if"])
        if "in_" in condition:
            condition["in"] = condition.pop("in_")
        out["show_if"] = condition
    return out


class FormTemplateSchema(Schema):
    key = fields.String()
    version = fields.Integer()
    kind = fields.String()
    title = fields.Function(lambda t: {"zh": t.title_zh, "en": t.title_en})
    fields_ = fields.List(fields.Dict(), data_key="fields", attribute="fields")
    active = fields.Boolean()
    created_at = UtcDateTime()


class FormTemplateListSchema(Schema):
    forms = fields.List(fields.Nested(FormTemplateSchema))
