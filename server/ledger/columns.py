"""The register fields a ledger column can fill, the Chinese headers that name them, and how a
cell's value becomes a field's value (or a message saying why it cannot)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from server.i18n import msg
from server.register import catalogue


@dataclass(frozen=True)
class Field:
    code: str
    zh: str
    en: str
    headers: tuple[str, ...]
    required: bool = False


FIELDS: tuple[Field, ...] = (
    Field("name", "姓名", "name", ("姓名", "居民姓名", "人员姓名", "名字"), True),
    Field(
        "id_number",
        "公民身份号码",
        "ID number",
        ("公民身份号码", "身份证号", "身份证号码", "身份证", "证件号码", "身份证件号码", "公民身份证号码"),
        True,
    ),
    Field("gender", "性别", "gender", ("性别",)),
    Field("birth_date", "出生日期", "birth date", ("出生日期", "出生年月日", "出生年月", "生日")),
    Field(
        "phone",
        "联系电话",
        "phone",
        ("联系电话", "手机号", "手机号码", "电话", "手机", "联系方式", "电话号码"),
    ),
    Field(
        "relation", "与户主关系", "relation to the head", ("与户主关系", "与户主的关系", "关系", "家庭关系")
    ),
    Field(
        "tags",
        "人员类别/标签",
        "categories",
        ("人员类别", "标签", "人员标签", "特殊人群", "人群类别", "类别"),
    ),
    Field("status", "居住状态", "status", ("居住状态", "状态", "在住状态")),
    Field("community", "社区", "community", ("社区", "所属社区", "社区名称", "社区（村）")),
    Field("grid", "网格", "grid", ("网格", "所属网格", "网格名称", "网格编号", "网格编码"), True),
    Field("building", "楼栋", "building", ("楼栋", "楼号", "栋", "楼栋号", "幢", "楼栋名称", "小区楼栋")),
    Field("unit", "单元", "unit", ("单元", "单元号")),
    Field("room", "门牌/房号", "room", ("门牌", "房号", "门牌号", "房间号", "室", "户号", "门牌/房号")),
    Field(
        "address",
        "现住址",
        "current address",
        ("现住址", "居住地址", "现居住地址", "住址", "地址", "家庭住址", "现居住址"),
    ),
    Field("housing_type", "住房性质", "housing type", ("住房性质", "房屋性质", "居住性质", "房屋类型")),
)
FIELD_BY_CODE = {f.code: f for f in FIELDS}
# Headers a register ledger often has that the register does not keep: known, left unmapped.
IGNORED_HEADERS = frozenset(
    {"序号", "编号", "户籍地址", "户籍所在地", "民族", "文化程度", "政治面貌", "工作单位", "婚姻状况", "备注"}
)

_HEADER_NOISE = re.compile(r"[\s*＊:：]|[（(][^）)]*[）)]")


def header_key(text: Any) -> str:
    """A header as compared: NFKC, no spaces, stars or parenthesised hints (身份证号（18位）*)."""
    if text is None:
        return ""
    return _HEADER_NOISE.sub("", unicodedata.normalize("NFKC", str(text)))


_SYNONYMS = {header_key(h): f.code for f in FIELDS for h in (f.code, f.zh, *f.headers)}


def field_for_header(text: Any) -> str | None:
    """The field a header names, or None."""
    key = header_key(text)
    if not key:
        return None
    if key in _SYNONYMS:
        return _SYNONYMS[key]
    for field in FIELDS:  # 居民身份证号码, 联系电话(手机)...: the longest known header inside it
        for header in sorted(field.headers, key=len, reverse=True):
            if len(header) >= 2 and header in key:
                return field.code
    return None


def is_known_header(text: Any) -> bool:
    return field_for_header(text) is not None or header_key(text) in IGNORED_HEADERS


# ---- cell values --------------------------------------------------------------------------


class CellError(ValueError):
    """A value the field cannot take; the message is what the user reads in the report."""


def text_of(value: Any) -> str | None:
    """A cell as trimmed text (a formula stays its text: never evaluated); None when blank."""
    if value is None:
        return None
    if isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    elif isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _narrow(text: str) -> str:
    """Full-width digits and letters (１２３, Ｘ) to ASCII, spaces dropped."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text))


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def id_number(value: Any) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise CellError(
            msg(
                f"身份证号被 Excel 存成了数字（{value:.6g}），后几位已丢失，无法还原：请把该列设为“文本”后重新填写",
                f"The ID number was stored as a number ({value:.6g}); its last digits are lost. "
                "Format the column as text and type it again",
            )
        )
    text = _narrow(text_of(value) or "")
    if _SCIENTIFIC.match(text):
        raise CellError(
            msg(
                f"身份证号是科学计数法“{text}”，后几位已丢失，无法还原：请把该列设为“文本”后重新填写",
                f"The ID number is in scientific notation ({text}); its last digits are lost",
            )
        )
    # A lowercase x is the same character; the register stores the capital.
    return text[:-1] + "X" if text.endswith("x") else text


def phone(value: Any) -> str:
    if isinstance(value, float) and not value.is_integer():
        raise CellError(msg("电话号码不是整数", "The phone number is not a whole number"))
    text = _narrow(text_of(value) or "").replace("-", "")
    return text


_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)


def birth_date(value: Any) -> date:
    """A date cell, an Excel serial number (1950-03-08 is 18330), or 1950-03-08, 1950/3/8,
    1950.3.8, 1950年3月8日, 19500308."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return _serial(value)
    text = _narrow(text_of(value) or "")
    if re.fullmatch(r"\d{4,5}(\.0+)?", text):
        return _serial(float(text))
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            try:
                return date(*(int(part) for part in match.groups()))
            except ValueError:
                raise CellError(msg(f"没有这一天：{text}", f"No such date: {text}")) from None
    raise CellError(
        msg(f"无法识别的日期“{text}”（请写成 1950-03-08）", f"Unreadable date “{text}” (write 1950-03-08)")
    )


def _serial(number: float) -> date:
    # Excel's day count from 1899-12-30 (its 1900 leap-year bug sits before any birth we take).
    if not 1 <= number < 2958466:
        raise CellError(msg(f"日期序号 {number:g} 超出范围", f"Date serial {number:g} is out of range"))
    return _EXCEL_EPOCH + timedelta(days=int(number))


def _label_lookup(items: list[dict], extra: dict[str, str]) -> dict[str, str]:
    table = {item["label"]["zh"]: item["code"] for item in items}
    table.update({item["code"]: item["code"] for item in items})
    table.update({item["label"]["en"].lower(): item["code"] for item in items})
    table.update(extra)
    return table


_GENDERS = _label_lookup(catalogue.GENDERS, {"男性": "male", "女性": "female", "m": "male", "f": "female"})
_RELATIONS = _label_lookup(
    catalogue.RELATIONS,
    {
        "户主": "head",
        "本人": "head",
        "妻": "spouse",
        "妻子": "spouse",
        "夫": "spouse",
        "丈夫": "spouse",
        "子": "child",
        "女": "child",
        "儿子": "child",
        "女儿": "child",
        "长子": "child",
        "长女": "child",
        "次子": "child",
        "次女": "child",
        "儿媳": "child_in_law",
        "女婿": "child_in_law",
        "孙子": "grandchild",
        "孙女": "grandchild",
        "外孙子": "grandchild",
        "外孙女": "grandchild",
        "父亲": "parent",
        "母亲": "parent",
        "父": "parent",
        "母": "parent",
        "兄弟": "sibling",
        "姐妹": "sibling",
        "哥哥": "sibling",
        "弟弟": "sibling",
        "姐姐": "sibling",
        "妹妹": "sibling",
    },
)
_STATUSES = _label_lookup(catalogue.STATUSES, {"在家": "present", "外出务工": "away", "死亡": "deceased"})
_TAGS = _label_lookup(catalogue.RESIDENT_TAGS, {"独居老人": "living_alone", "空巢老人": "empty_nest"})
_HOUSING = _label_lookup(
    catalogue.HOUSING_TYPES, {"自住": "own", "自购": "own", "出租": "rent", "租赁": "rent"}
)


def _code(table: dict[str, str], value: Any, what: tuple[str, str]) -> str:
    text = text_of(value) or ""
    code = table.get(text) or table.get(text.lower())
    if code is None:
        raise CellError(msg(f"无法识别的{what[0]}“{text}”", f"Unknown {what[1]} “{text}”"))
    return code


def gender(value: Any) -> str:
    return _code(_GENDERS, value, ("性别", "gender"))


def relation(value: Any) -> str:
    return _code(_RELATIONS, value, ("与户主关系", "relation"))


def status(value: Any) -> str:
    return _code(_STATUSES, value, ("居住状态", "status"))


def housing_type(value: Any) -> str:
    return _code(_HOUSING, value, ("住房性质", "housing type"))


def tags(value: Any) -> list[str]:
    """独居、高龄 / 独居,高龄 / 独居;高龄: codes in the order given, each once."""
    text = text_of(value) or ""
    out: list[str] = []
    for part in re.split(r"[,，、;；/\s]+", text):
        if not part:
            continue
        code = _code(_TAGS, part, ("人员类别", "category"))
        if code not in out:
            out.append(code)
    return out


def plain_text(value: Any) -> str:
    """Names and addresses: kept as typed (a leading = stays text), spaces inside collapsed."""
    return re.sub(r"\s+", " ", text_of(value) or "")


def place_text(value: Any) -> str:
    """Building, unit, room: full-width digits narrowed (３栋 is 3栋)."""
    return _narrow(text_of(value) or "")


CONVERTERS = {
    "name": plain_text,
    "id_number": id_number,
    "gender": gender,
    "birth_date": birth_date,
    "phone": phone,
    "relation": relation,
    "tags": tags,
    "status": status,
    "community": plain_text,
    "grid": plain_text,
    "building": place_text,
    "unit": place_text,
    "room": place_text,
    "address": plain_text,
    "housing_type": housing_type,
}


def address_key(text: str) -> str:
    """Two spellings of one address compare equal: NFKC, no spaces, no trailing 室/号 noise."""
    return re.sub(r"\s", "", unicodedata.normalize("NFKC", text)).rstrip("室")
