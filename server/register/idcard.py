"""Checking and masking ID-card numbers (GB 11643-1999) and mobile phone numbers.

Every check returns messages (zh-CN or English by the caller's language); an empty list means fine.
"""

from __future__ import annotations

import re
from datetime import date

from server.i18n import msg

# Weights of the first 17 digits and the check character for each remainder mod 11.
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK_CHARS = "10X98765432"
# First two digits: province-level divisions (GB/T 2260), plus 71 台湾, 81 香港, 82 澳门 and 83
# (residence permits of Hong Kong, Macau and Taiwan residents).
PROVINCE_CODES = frozenset(
    {11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54}
    | {61, 62, 63, 64, 65, 71, 81, 82, 83}
)
EARLIEST_BIRTH = date(1900, 1, 1)
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
_ID_SHAPE = re.compile(r"^\d{17}[\dX]$")


def check_character(first17: str) -> str:
    """The 18th character GB 11643 gives these 17 digits."""
    total = sum(int(digit) * weight for digit, weight in zip(first17, WEIGHTS, strict=True))
    return CHECK_CHARS[total % 11]


def birth_date_of(number: str) -> date | None:
    """The birth date an 18-character number encodes, or None when it is not a real date."""
    try:
        return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return None


def gender_of(number: str) -> str:
    """The 17th digit: odd for a man, even for a woman."""
    return "male" if int(number[16]) % 2 else "female"


def id_number_errors(number: object, today: date) -> list[str]:
    """What is wrong with an ID-card number on its own (length, region, date, check character)."""
    if not isinstance(number, str):
        return [msg("身份证号应为文字", "The ID number must be text")]
    if len(number) != 18:
        return [
            msg(
                f"身份证号应为 18 位（现为 {len(number)} 位）",
                f"An ID number has 18 characters (this one has {len(number)})",
            )
        ]
    if number[-1] == "x" and number[:17].isdigit():
        # Deliberately not normalised: the number is shown and compared as stored, one spelling.
        return [msg("身份证号末位请用大写字母 X", "Use a capital X as the last character")]
    if not _ID_SHAPE.match(number):
        return [
            msg(
                "身份证号应为 17 位数字加 1 位数字或大写 X",
                "An ID number is 17 digits, then a digit or a capital X",
            )
        ]
    if int(number[:2]) not in PROVINCE_CODES:
        return [
            msg(
                f"身份证号前两位“{number[:2]}”不是有效的省级行政区划代码",
                f"“{number[:2]}” is not a province code",
            )
        ]
    born = birth_date_of(number)
    if born is None:
        return [
            msg(
                f"身份证号中的出生日期“{number[6:14]}”不是有效日期",
                f"The birth date in the number, {number[6:14]}, is not a real date",
            )
        ]
    if born > today:
        return [msg("身份证号中的出生日期在未来", "The birth date in the number is in the future")]
    if born < EARLIEST_BIRTH:
        return [msg("身份证号中的出生日期早于 1900 年", "The birth date in the number is before 1900")]
    if check_character(number[:17]) != number[17]:
        return [
            msg(
                "身份证号校验位不正确，请核对号码",
                "The check character does not match; please check the number",
            )
        ]
    return []


def id_number_disagreements(number: str, birth_date: date | None, gender: str | None) -> list[str]:
    """Where a valid number disagrees with the resident's own birth date and gender fields."""
    problems = []
    born = birth_date_of(number)
    if birth_date is not None and born != birth_date:
        problems.append(
            msg(
                f"身份证号中的出生日期 {born.isoformat()} 与填写的出生日期不一致",
                f"The number says born {born.isoformat()}, which differs from the birth date given",
            )
        )
    if gender is not None and gender_of(number) != gender:
        problems.append(
            msg(
                "身份证号中的性别（第 17 位奇数为男、偶数为女）与填写的性别不一致",
                "The number's gender (17th digit: odd male, even female) differs from the gender given",
            )
        )
    return problems


def phone_errors(phone: object) -> list[str]:
    """A mobile number: 11 digits, 1 then 3–9."""
    if not isinstance(phone, str) or not MOBILE_RE.match(phone):
        return [
            msg(
                "手机号应为 11 位数字，以 13–19 开头（座机号请写在备注中）",
                "A mobile number is 11 digits starting 13–19 (put a landline in the notes)",
            )
        ]
    return []


def birth_date_errors(value: date, today: date) -> list[str]:
    """A birth date that cannot be: in the future or before 1900."""
    if value > today:
        return [msg("出生日期不能在未来", "The birth date cannot be in the future")]
    if value < EARLIEST_BIRTH:
        return [msg("出生日期不能早于 1900 年", "The birth date cannot be before 1900")]
    return []


def mask_id_number(number: str | None) -> str | None:
    """3601**********1234: first four and last four characters shown."""
    if not number:
        return None
    return number[:4] + "*" * (len(number) - 8) + number[-4:]


def mask_phone(phone: str | None) -> str | None:
    """138****5678: first three and last four digits shown."""
    if not phone:
        return None
    return phone[:3] + "*" * (len(phone) - 7) + phone[-4:]


def make_id_number(region: str, born: date, sequence: int) -> str:
    """A number with the right check character (demo data and tests): region 6 digits, sequence 0–999."""
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)
