"""Turn one template version into a marshmallow schema and check a worker's answers with it."""

from __future__ import annotations

import hashlib
import json
import math
import re
import threading
from collections import OrderedDict
from datetime import date
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validates_schema

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

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def is_empty(value: Any) -> bool:
    """No answer: absent, null, blank text or an empty list."""
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def is_number(value: Any) -> bool:
    """A JSON number that is finite (bool is an int in Python, not here)."""
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def same_value(a: Any, b: Any) -> bool:
    """Equality without Python's True == 1: a yes/no answer never equals a number."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    return a == b


def geopoint_errors(value: Any) -> list[str]:
    """Problems with a {lat, lng, accuracy?, ...} point; an empty list when it is fine.

    Extra keys a phone adds (altitude, source, ...) may pass if they are plain values.
    """
    if not isinstance(value, dict):
        return [msg("位置格式应为 {lat, lng, accuracy}", "A location is {lat, lng, accuracy}")]
    lat, lng, accuracy = value.get("lat"), value.get("lng"), value.get("accuracy")
    if not is_number(lat) or not -90 <= lat <= 90:
        return [msg("纬度应在 -90 到 90 之间", "Latitude must be between -90 and 90")]
    if not is_number(lng) or not -180 <= lng <= 180:
        return [msg("经度应在 -180 到 180 之间", "Longitude must be between -180 and 180")]
    if accuracy is not None and (not is_number(accuracy) or accuracy < 0):
        return [msg("定位精度应为不小于 0 的数", "Accuracy must be a number ≥ 0")]
    extras = {k: v for k, v in value.items() if k not in ("lat", "lng", "accuracy")}
    plain = all(
        isinstance(k, str)
        and len(k) <= 40
        and (v is None or isinstance(v, bool) or is_number(v) or (isinstance(v, str) and len(v) <= 100))
        for k, v in extras.items()
    )
    if len(extras) > 10 or not plain:
        return [msg("位置含无法识别的附加项", "The location has extra keys that are not plain values")]
    return []


class AnswerField(fields.Field):
    """One answer; null passes here (whether it may be empty depends on conditions)."""

    def __init__(self, spec: dict):
        super().__init__(allow_none=True)
        self.spec = spec
        self.low = spec.get("min")
        self.high = spec.get("max", DEFAULT_MAX.get(spec["type"]))

    def fail_with(self, zh: str, en: str):
        # Built per call, not at class creation: the message follows the caller's language.
        raise ValidationError(msg(zh, en))

    def check_count(self, count: int) -> None:
        if self.low is not None and count < self.low:
            self.fail_with(f"至少选择 {self.low} 项", f"Choose at least {self.low}")
        if self.high is not None and count > self.high:
            self.fail_with(f"最多选择 {self.high} 项", f"Choose at most {self.high}")


class TextAnswer(AnswerField):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str):
            self.fail_with("应为文字", "Must be text")
        if value.strip():
            if self.low is not None and len(value) < self.low:
                self.fail_with(f"至少 {self.low} 个字", f"At least {self.low} characters")
            if self.high is not None and len(value) > self.high:
                self.fail_with(f"最多 {self.high} 个字", f"At most {self.high} characters")
        return value


class NumberAnswer(AnswerField):
    def _deserialize(self, value, attr, data, **kwargs):
        if not is_number(value):
            self.fail_with("应为数字", "Must be a number")
        if self.spec.get("integer") and not float(value).is_integer():
            self.fail_with("应为整数", "Must be a whole number")
        if self.low is not None and value < self.low:
            self.fail_with(f"不能小于 {self.low}", f"Must be at least {self.low}")
        if self.high is not None and value > self.high:
            self.fail_with(f"不能大于 {self.high}", f"Must be at most {self.high}")
        return value


class DateAnswer(AnswerField):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not _DATE_RE.match(value):
            self.fail_with("日期格式应为 YYYY-MM-DD", "Dates are YYYY-MM-DD")
        try:
            date.fromisoformat(value)
        except ValueError:
            self.fail_with("没有这一天", "No such date")
        return value


class SelectOneAnswer(AnswerField):
    def _deserialize(self, value, attr, data, **kwargs):
        allowed = {c["value"] for c in self.spec["choices"]}
        if not isinstance(value, str):
            self.fail_with("应为选项值", "Must be one of the choices")
        if value and value not in allowed:
            self.fail_with(f"“{value}”不在可选项中", f"“{value}” is not one of the choices")
        return value


class SelectMultipleAnswer(AnswerField):
    def _deserialize(self, value, attr, data, **kwargs):
        allowed = {c["value"] for c in self.spec["choices"]}
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail_with("应为选项列表", "Must be a list of choices")
        wrong = [v for v in value if v not in allowed]
        if wrong:
            self.fail_with(f"“{wrong[0]}”不在可选项中", f"“{wrong[0]}” is not one of the choices")
        if len(set(value)) != len(value):
            self.fail_with("选项重复", "A choice is listed twice")
        if value:
            self.check_count(len(value))
        return value


class YesNoAnswer(AnswerField):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):
            self.fail_with("应为是或否", "Must be yes or no")
        return value


class PhotoAnswer(AnswerField):
    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, list) or not all(isinstance(v, str) and SHA256_RE.match(v) for v in value):
            self.fail_with("照片应为 SHA-256 编号列表", "Photos are a list of SHA-256 hashes")
        if len(set(value)) != len(value):
            self.fail_with("照片重复", "A photo is listed twice")
        if value:
            if self.low is not None and len(value) < self.low:
                self.fail_with(f"至少 {self.low} 张照片", f"At least {self.low} photos")
            if self.high is not None and len(value) > self.high:
                self.fail_with(f"最多 {self.high} 张照片", f"At most {self.high} photos")
        return value


class GeopointAnswer(AnswerField):
    def _deserialize(self, value, attr, data, **kwargs):
        problems = geopoint_errors(value)
        if problems:
            raise ValidationError(problems)
        return value


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


class AnswersSchema(Schema):
    """Base for the per-version schemas: types and ranges per field, then conditions."""

    class Meta:
        unknown = RAISE

    # (name, required, parent field or None, accepted parent values), in template order.
    plan: list[tuple[str, bool, str | None, frozenset]] = []

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _conditions(self, data: dict, original_data: Any, **kwargs) -> None:
        """Required only when shown; a field hidden by its condition must stay empty."""
        if not isinstance(original_data, dict):
            return
        errors: dict[str, list[str]] = {}
        # None: unknown, because the field it depends on was itself answered wrongly.
        shown: dict[str, bool | None] = {}
        for name, required, parent, targets in self.plan:
            if parent is None:
                visible: bool | None = True
            elif shown.get(parent) is None or (parent in original_data and parent not in data):
                visible = None
            else:
                visible = shown[parent] and condition_holds(targets, data.get(parent))
            shown[name] = visible
            if name in original_data and name not in data:
                continue  # already reported by its own field
            value = original_data.get(name)
            if visible is False and not is_empty(value):
                errors[name] = [
                    msg(
                        "按当前选择，此项不应填写（请清空或修改上面的选择）",
                        "This field is hidden by an earlier answer and must be left empty",
                    )
                ]
            elif visible and required and is_empty(value):
                errors[name] = [msg("必填项", "Required")]
        if errors:
            raise ValidationError(errors)


_cache: OrderedDict[tuple[str, int, str], Schema] = OrderedDict()
_cache_lock = threading.Lock()
_CACHE_SIZE = 256


def _digest(field_specs: list[dict]) -> str:
    canonical = json.dumps(field_specs, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def _plan(field_specs: list[dict]) -> list[tuple[str, bool, str | None, frozenset]]:
    plan = []
    for spec in field_specs:
        condition = spec.get("show_if")
        parent = condition["field"] if condition else None
        targets = condition_targets(condition) if condition else frozenset()
        plan.append((spec["name"], bool(spec.get("required")), parent, targets))
    return plan


def answers_schema(key: str, version: int, field_specs: list[dict]) -> Schema:
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
        {**declared, "plan": _plan(field_specs), "Meta": AnswersSchema.Meta},
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


def validate_answers(schema: Schema, answers: Any) -> dict[str, list[str]]:
    """Field errors of these answers against a version's schema ({} when valid)."""
    if not isinstance(answers, dict):
        return {"answers": [msg("答案应为对象", "Answers must be an object")]}
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
            shas.extend(answers[spec["name"]])
    return shas
