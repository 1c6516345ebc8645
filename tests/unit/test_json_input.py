"""The input rules that need no request: JSON depth measured on the text, NUL paths, and the
push item schema's fast path agreeing with its full validation."""

from __future__ import annotations

import pytest

from server.jsonbody import MAX_DEPTH, TooDeep, depth, loads, nul_paths
from server.sync.schemas import PushItemSchema

TEMPLATE = {"key": "household_visit", "version": 1}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('"x"', 0),
        ("[]", 1),
        ('{"a": [{"b": [1]}]}', 4),
        ('{"a": "[[[{{{"}', 1),  # brackets inside text are text
        ('{"a": "\\"[[", "b": [[]]}', 3),  # an escaped quote does not end the string
        ('["\\\\", [[]]]', 3),  # nor does an escaped backslash before the closing quote
    ],
)
def test_depth_counts_only_structure(text, expected):
    assert depth(text) == expected


def test_loads_refuses_past_the_limit_without_parsing():
    value = loads("[" * MAX_DEPTH + "]" * MAX_DEPTH)
    for _ in range(MAX_DEPTH - 1):
        [value] = value
    assert value == []
    with pytest.raises(TooDeep):
        loads("[" * 100_000)  # not even valid JSON: the depth is refused before the parser runs


def test_nul_paths_names_values_and_keys():
    value = {"a": ["ok", "x\x00"], "b\x00": 1, "c": {"d": "\x00"}}
    assert sorted(nul_paths(value)) == ["a.1", "b\\u0000", "c.d"]
    assert nul_paths({"a": "fine", "b": [1, None, True]}) == []


@pytest.mark.parametrize(
    "raw",
    [
        {"kind": "household_visit", "template": TEMPLATE, "payload": {}},
        {},
        {"kind": None},
        {"kind": ""},
        {"kind": "k" * 41},
        {"kind": ["household_visit"]},
        {"kind": "a\x00"},
        {"payload": None},
        {"payload": []},
        {"payload": "visit"},
        {"template": None},
        {"template": "household_visit"},
        {"template": []},
        {"template": {}},
        {"template": {"key": None, "version": None}},
        {"template": {"key": [], "version": 1}},
        {"template": {"key": {}, "version": 1}},
        {"template": {"key": "a\x00", "version": 1}},
        {"template": {"key": "", "version": 1}},
        {"template": {"key": "k" * 101, "version": 1}},
        {"template": {"key": "k", "version": 0}},
        {"template": {"key": "k", "version": 2**31 - 1}},
        {"template": {"key": "k", "version": 2**31}},
        {"template": {"key": "k", "version": 99999999999}},
        {"template": {"key": "k", "version": "1"}},
        {"template": {"key": "k", "version": 1.0}},
        {"template": {"key": "k", "version": True}},
        {"template": {"key": "k", "version": [1]}},
    ],
)
def test_the_item_schemas_fast_path_agrees_with_its_validation(raw):
    schema = PushItemSchema()
    assert schema.accepts(raw) == (schema.validate(raw) == {}), schema.validate(raw)
