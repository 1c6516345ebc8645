"""Turn one template version into a marshmallow schema and check a worker's answers with it."""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema

from server.fields import SHA256_RE
from server.geo import geopoint_errors, is_number
from server.i18n import field_message, msg

FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "date",
    "select_one",
    "select_multiple",
    "yes_no",
    "photo",
    "geopoint",
)
CHOICE_TYPES = frozenset({"select_one", "select_multiple"})
# min/max mean: the value (number), the length (text), how many (select_multiple, photo).
BOUNDED_TYPES = frozenset({"text", "textarea", "number", "select_multiple", "photo"})
COUNTED_TYPES = frozenset({"text", "textarea", "select_multiple", "photo"})
# Fields a show_if may look at: the ones whose value a worker picks from a short list.
CONDITION_TYPES = frozenset({"select_one", "select_multiple", "yes_no", "number", "text"})
DEFAULT_MAX = {"text": 200, "textarea": 2000, "photo": 20}

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_empty(value: Any) -> bool:
    """No answer: absent, null, blank text or an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def same_value(a: Any, b: Any) -> bool:
    """Equality without Python's True == 1: a yes/no answer never equals a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


class AnswerField(fields.Field):
    """One answer; null passes here (whether it may be empty depends on conditions).

    `problem` holds the rule and is shared by marshmallow's load (which raises with it) and
    the schema's quick acceptance of wholly valid answers, so the two can never disagree.
    """

    def __init__(self, spec: dict):
        super().__init__(allow_none=True)
        self.spec = spec
        self.low = spec.get("min")
        self.high = spec.get("max", DEFAULT_MAX.get(spec["type"]))

    def problem(self, value: Any) -> str | list[str] | None:
        """What is wrong with a non-null answer, in the caller's language; None when it is fine."""
        raise NotImplementedError

    def _deserialize(self, value, attr, data, **kwargs):
        problem = self.problem(value)
        if problem is not None:
            raise ValidationError(problem)
        return value

    def count_problem(self, count: int) -> str | None:
        if self.low is not None and count < self.low:
            return msg(f"至少选择 {self.low} 项", f"Choose at least {self.low}")
        if self.high is not None and count > self.high:
            return msg(f"最多选择 {self.high} 项", f"Choose at most {self.high}")
        return None


class TextAnswer(AnswerField):
    def problem(self, value):
        if not isinstance(value, str):
            return msg("应为文字", "Must be text")
        if value.strip():
            if self.low is not None and len(value) < self.low:
                return msg(f"至少 {self.low} 个字", f"At least {self.low} characters")
            if self.high is not None and len(value) > self.high:
                return msg(f"最多 {self.high} 个字", f"At most {self.high} characters")
        return None


class NumberAnswer(AnswerField):
    def problem(self, value):
        if not is_number(value):
            return msg("应为数字", "Must be a number")
        if self.spec.get("integer") and isinstance(value, float) and not value.is_integer():
            return msg("应为整数", "Must be a whole number")
        if self.low is not None and value < self.low:
            return msg(f"不能小于 {self.low}", f"Must be at least {self.low}")
        if self.high is not None and value > self.high:
            return msg(f"不能大于 {self.high}", f"Must be at most {self.high}")
        return None


class DateAnswer(AnswerField):
    def problem(self, value):
        if not isinstance(value, str) or not _DATE_RE.match(value):
            return msg("日期格式应为 YYYY-MM-DD", "Dates are YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError:
            return msg("没有这一天", "No such date")
        return None


class SelectOneAnswer(AnswerField):
    def __init__(self, spec: dict):
        super().__init__(spec)
        self.allowed = frozenset(c["value"] for c in spec["choices"])

    def problem(self, value):
        if not isinstance(value, str):
            return msg("应为选项值", "Must be one of the choices")
        if value and value not in self.allowed:
            return msg(f"“{value}”不在可选项中", f"“{value}” is not one of the choices")
        return None


class SelectMultipleAnswer(AnswerField):
    def __init__(self, spec: dict):
        super().__init__(spec)
        self.allowed = frozenset(c["value"] for c in spec["choices"])

    def problem(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return msg("应为选项列表", "Must be a list of choices")
        wrong = [v for v in value if v not in self.allowed]
        if wrong:
            return msg(f"“{wrong[0]}”不在可选项中", f"“{wrong[0]}” is not one of the choices")
        if len(set(value)) != len(value):
            return msg("选项重复", "A choice is listed twice")
        return self.count_problem(len(value)) if value else None


class YesNoAnswer(AnswerField):
    def problem(self, value):
        return None if isinstance(value, bool) else msg("应为是或否", "Must be yes or no")


class PhotoAnswer(AnswerField):
    def problem(self, value):
        if not isinstance(value, list) or not all(isinstance(v, str) and SHA256_RE.match(v) for v in value):
            return msg("照片应为 SHA-256 编号列表", "Photos are a list of SHA-256 hashes")
        if len(set(value)) != len(value):
            return msg("照片重复", "A photo is listed twice")
        if value:
            if self.low is not None and len(value) < self.low:
                return msg(f"至少 {self.low} 张照片", f"At least {self.low} photos")
            if self.high is not None and len(value) > self.high:
                return msg(f"最多 {self.high} 张照片", f"At most {self.high} photos")
        return None


class GeopointAnswer(AnswerField):
    def problem(self, value):
        return geopoint_errors(value) or None


ANSWER_FIELDS: dict[str, type[AnswerField]] = {
    "text": TextAnswer,
    "textarea": TextAnswer,
    "number": NumberAnswer,
    "date": DateAnswer,
    "select_one": SelectOneAnswer,
    "select_multiple": SelectMultipleAnswer,
    "yes_no": YesNoAnswer,
    "photo": PhotoAnswer,
    "geopoint": GeopointAnswer,
}


def condition_targets(condition: dict) -> frozenset:
    """The values a show_if {field, equals | in} accepts, tagged so True never matches 1."""
    values = [condition["equals"]] if "equals" in condition else condition["in"]
    return frozenset((isinstance(v, bool), v) for v in values)


def condition_holds(targets: frozenset, value: Any) -> bool:
    """Whether an answer meets a condition; for a multiple choice, any picked value counts."""
    for picked in value if isinstance(value, list) else (value,):
        try:
            if (isinstance(picked, bool), picked) in targets:
                return True
        except TypeError:  # an unhashable answer (an object) never equals a condition value
            continue
    return False


Plan = list[tuple[str, bool, str | None, frozenset]]


def condition_errors(plan: Plan, data: dict, original: dict) -> dict[str, list[str]]:
    """Required only when shown; a field hidden by its condition must stay empty.

    `data` holds the answers that passed their own field's check, `original` all of them.
    """
    errors: dict[str, list[str]] = {}
    # None: unknown, because the field it depends on was itself answered wrongly.
    shown: dict[str, bool | None] = {}
    for name, required, parent, targets in plan:
        if parent is None:
            visible: bool | None = True
        elif shown.get(parent) is None or (parent in original and parent not in data):
            visible = None
        else:
            visible = shown[parent] and condition_holds(targets, data.get(parent))
        shown[name] = visible
        if name in original and name not in data:
            continue  # already reported by its own field
        value = original.get(name)
        if visible is False and not is_empty(value):
            errors[name] = [
                msg(
                    "按当前选择，此项不应填写（请清空或修改上面的选择）",
                    "This field is hidden by an earlier answer and must be left empty",
                )
            ]
        elif visible and required and is_empty(value):
            errors[name] = [msg("必填项", "Required")]
    return errors


class AnswersSchema(Schema):
    """Base for the per-version schemas: types and ranges per field, then conditions."""

    class Meta:
        unknown = RAISE

    # (name, required, parent field or None, accepted parent values), in template order.
    # Underscored: field names start with a letter, so a field called "plan" cannot shadow it.
    _plan: Plan = []

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _conditions(self, data: dict, original_data: Any, **kwargs) -> None:
        if not isinstance(original_data, dict):
            return
        errors = condition_errors(self._plan, data, original_data)
        if errors:
            raise ValidationError(errors)

    def accepts(self, answers: dict) -> bool:
        """Whether load would pass, without its machinery: the push checks thousands a second.

        The same field checks (`problem`) and the same condition rules as load, in one pass;
        only the error path goes through marshmallow, which builds the messages. Every answer
        that passes its field comes through load unchanged, so `data` there is `answers` here.
        """
        declared = self.load_fields
        if not declared.keys() >= answers.keys():
            return False  # an unknown field
        shown: dict[str, bool | None] = {}
        for name, required, parent, targets in self._plan:
            if parent is None:
                visible: bool | None = True
            else:
                parent_shown = shown.get(parent)
                visible = (
                    None
                    if parent_shown is None
                    else parent_shown and condition_holds(targets, answers.get(parent))
                )
            shown[name] = visible
            value = answers.get(name)
            if value is not None and declared[name].problem(value) is not None:
                return False
            if visible is False:
                if not is_empty(value):
                    return False
            elif visible and required and is_empty(value):
                return False
        return True


_cache: OrderedDict[tuple[str, int, str], AnswersSchema] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 256


def _digest(field_specs: list[dict]) -> str:
    canonical = json.dumps(field_specs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _build_plan(field_specs: list[dict]) -> Plan:
    plan = []
    for spec in field_specs:
        condition = spec.get("show_if")
        parent = condition["field"] if condition else None
        targets = condition_targets(condition) if condition else frozenset()
        plan.append((spec["name"], bool(spec.get("required")), parent, targets))
    return plan


def answers_schema(key: str, version: int, field_specs: list[dict]) -> AnswersSchema:
    """The schema for one template version, built once and cached.

    The fields' digest is part of the cache key, so a database rebuilt with different
    content under the same (key, version) never gets a stale schema.
    """
    cache_key = (key, version, _digest(field_specs))
    with _cache_lock:
        schema = _cache.get(cache_key)
        if schema is not None:
            _cache.move_to_end(cache_key)
            return schema
    declared = {spec["name"]: ANSWER_FIELDS[spec["type"]](spec) for spec in field_specs}
    schema_class = type(
        f"Answers_{key}_v{version}",
        (AnswersSchema,),
        {**declared, "_plan": _build_plan(field_specs), "Meta": AnswersSchema.Meta},
    )
    schema = schema_class()
    with _cache_lock:
        _cache[cache_key] = schema
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return schema


def _flatten(messages: Any) -> dict[str, list[str]]:
    """marshmallow's messages as {field: [text]} in the caller's language."""
    if not isinstance(messages, dict):
        return {
            "answers": [
                field_message(str(m)) for m in (messages if isinstance(messages, list) else [messages])
            ]
        }
    flat: dict[str, list[str]] = {}
    for name, texts in messages.items():
        key = "answers" if name == "_schema" else str(name)
        items = texts if isinstance(texts, list) else [texts]
        flat.setdefault(key, []).extend(field_message(str(t)) for t in items)
    return flat


def validate_answers(schema: AnswersSchema, answers: Any) -> dict[str, list[str]]:
    """Field errors of these answers against a version's schema ({} when valid)."""
    if not isinstance(answers, dict):
        return {"answers": [msg("答案应为对象", "Answers must be an object")]}
    if schema.accepts(answers):
        return {}
    try:
        schema.load(answers)
    except ValidationError as exc:
        return _flatten(exc.messages)
    return {}


def check_answers(key: str, version: int, field_specs: list[dict], answers: Any) -> dict[str, list[str]]:
    """Field errors of these answers against this exact template version ({} when valid)."""
    return validate_answers(answers_schema(key, version, field_specs), answers)


def photo_answers(field_specs: list[dict], answers: dict) -> list[str]:
    """Every photo hash named in the answers, in field order."""
    shas: list[str] = []
    for spec in field_specs:
        if spec["type"] == "photo" and isinstance(answers.get(spec["name"]), list):
            # Only strings: the caller dedupes them in a dict, and a wrong entry is the field's error.
            shas.extend(sha for sha in answers[spec["name"]] if isinstance(sha, str))
    return shas
