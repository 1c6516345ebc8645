"""The JSON codec every answer, body and jsonb value goes through: orjson where it can, the
json module's meaning wherever orjson refuses a text or a value."""

import datetime
import json
import math
import uuid

import pytest

from server import jsonbody


@pytest.mark.parametrize(
    "text",
    [
        '{"b": 1, "a": [1.5, -0, 1e-7, "网格员", null, true]}',
        "123456789012345678901234567890",  # past 64 bits: orjson would read a float
        "[18446744073709551616, -9223372036854775809, 9223372036854775807]",
        '{"id_card": "36010319800101123X", "card": "6222021234567890123"}',
        "[1e400, -1e400]",  # infinity: orjson refuses
        '"\\ud800"',  # a lone surrogate
        '{"a": 1, "a": 2}',  # the last key wins in both
    ],
)
def test_parse_means_what_json_loads_means(text):
    assert jsonbody.parse(text) == json.loads(text)
    assert jsonbody.parse(text.encode()) == json.loads(text)


def test_parse_reads_nan_as_json_does():
    assert math.isnan(jsonbody.parse('{"x": NaN}')["x"])


def test_parse_refuses_what_json_refuses():
    with pytest.raises(ValueError):
        jsonbody.parse(b'{"a": ')


@pytest.mark.parametrize(
    "value",
    [
        {"b": 1, "a": {"z": [1, 2.5, None, True]}, "名字": "王芳"},
        {"big": 10**30},  # json writes it; orjson cannot
        [uuid.UUID(int=7), (1, 2)],
        {1: "int keys become text", 2: 2},
    ],
)
@pytest.mark.parametrize("sort_keys", [True, False])
def test_dump_bytes_reads_back_as_json_dumps_would(value, sort_keys):
    written = jsonbody.dump_bytes(value, default=str, sort_keys=sort_keys)
    expected = json.dumps(value, default=str, sort_keys=sort_keys, ensure_ascii=False)
    assert json.loads(written) == json.loads(expected)


def test_dump_bytes_sorts_keys_when_asked_and_keeps_chinese_as_text():
    assert jsonbody.dump_bytes({"b": "网格", "a": 1}, sort_keys=True) == '{"a":1,"b":"网格"}'.encode()


def test_dump_bytes_sends_dates_through_default():
    # Flask's answers write a bare datetime as an HTTP date through `default`, as before.
    moment = datetime.datetime(2026, 12, 5, 8, 0, tzinfo=datetime.UTC)
    assert jsonbody.dump_bytes([moment], default=lambda v: "D:" + v.isoformat()) == (
        b'["D:2026-12-05T08:00:00+00:00"]'
    )


def test_dump_bytes_refuses_an_unknown_type():
    with pytest.raises(TypeError):
        jsonbody.dump_bytes({"s": {1, 2}})
