"""ID-card numbers (GB 11643) and mobile phones: the check character, every way a number goes wrong, masks."""

from __future__ import annotations

from datetime import date

import pytest

from server.register.idcard import (
    birth_date_errors,
    check_character,
    gender_of,
    id_number_disagreements,
    id_number_errors,
    make_id_number,
    mask_id_number,
    mask_phone,
    phone_errors,
)

TODAY = date(2026, 11, 27)
# The standard's own worked example: 11010519491231002X (Beijing, 31 Dec 1949, a woman).
EXAMPLE = "11010519491231002X"


def test_the_standards_example_has_the_right_check_character():
    assert check_character(EXAMPLE[:17]) == "X"
    assert id_number_errors(EXAMPLE, TODAY) == []
    assert gender_of(EXAMPLE) == "female"


def test_a_made_number_is_valid_and_says_its_date_and_gender():
    number = make_id_number("360103", date(1942, 2, 28), 131)
    assert len(number) == 18 and number.startswith("36010319420228131")
    assert id_number_errors(number, TODAY) == []
    assert gender_of(number) == "male"
    assert id_number_disagreements(number, date(1942, 2, 28), "male") == []


def test_every_remainder_maps_to_its_check_character():
    seen = {check_character(f"36010319500101{n:03d}") for n in range(200)}
    assert seen == set("10X98765432")


def _with_check(first17: str) -> str:
    return first17 + check_character(first17)


@pytest.mark.parametrize(
    ("number", "needle"),
    [
        (EXAMPLE[:17] + "5", "校验位"),  # wrong check character
        (EXAMPLE[:17], "18 位（现为 17 位）"),
        (EXAMPLE + "1", "18 位（现为 19 位）"),
        (_with_check("36010319490230002"), "不是有效日期"),  # 30 February
        (_with_check("36010319491301002"), "不是有效日期"),  # month 13
        (_with_check("36010320991231002"), "在未来"),
        (_with_check("36010318991231002"), "1900"),
        (EXAMPLE[:17] + "x", "大写字母 X"),
        (_with_check("99010519491231002"), "省级行政区划"),
        ("3601051949123100AX", "17 位数字"),
        ("", "18 位"),
        (36010519491231002, "文字"),
    ],
)
def test_bad_id_numbers_are_named(number, needle):
    problems = id_number_errors(number, TODAY)
    assert len(problems) == 1 and needle in problems[0], problems


def test_a_number_disagreeing_with_birth_date_or_gender_is_named():
    number = make_id_number("360103", date(1950, 6, 1), 22)  # even: a woman
    born, gender = id_number_disagreements(number, date(1950, 6, 2), "male")
    assert "1950-06-01" in born and "出生日期" in born
    assert "性别" in gender


@pytest.mark.parametrize(
    ("phone", "ok"),
    [
        ("13812345678", True),
        ("19912345678", True),
        ("1381234567", False),  # 10 digits
        ("0791-86123456", False),  # landline
        ("079186123456", False),
        ("1381234567a", False),  # a letter
        ("abcdefghijk", False),
        ("12812345678", False),  # 12x is no mobile prefix
        ("+8613812345678", False),
        (13812345678, False),
    ],
)
def test_mobile_numbers(phone, ok):
    assert (phone_errors(phone) == []) is ok


def test_a_landline_is_told_where_to_go():
    assert "座机" in phone_errors("0791-86123456")[0]


def test_birth_dates_in_the_future_or_before_1900_are_refused():
    assert birth_date_errors(date(2026, 11, 28), TODAY)
    assert birth_date_errors(date(1899, 12, 31), TODAY)
    assert birth_date_errors(TODAY, TODAY) == []


def test_masks_show_the_first_and_last_digits_only():
    assert mask_id_number("360103194202281310") == "3601**********1310"
    assert mask_phone("13812345678") == "138****5678"
    assert mask_id_number(None) is None and mask_phone("") is None
