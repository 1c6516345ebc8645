"""JSON bodies as input: one nesting limit and one NUL rule for every body, checked without recursion.

json.loads recurses once per nesting level, and so do marshmallow, our canonical hashing and
the database drivers; a body 1,000 levels deep would end in RecursionError (a 500). The depth
is therefore measured on the text before anything parses it. PostgreSQL text and jsonb cannot
hold U+0000, so every string (and key) is searched for it before anything is stored.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import orjson

# The deepest legitimate bodies: a sync push {items: [{payload: {answers: {field: [..]}}}]} is
# 6 levels, a new form version's show_if 5; 32 leaves room for any form we may add.
MAX_DEPTH = 32

# A JSON string, escapes included: removed first, so a bracket inside text never counts.
_STRINGS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKETS = re.compile(r"[\[\]{}]")


class TooDeep(ValueError):
    """The text nests arrays/objects deeper than MAX_DEPTH."""


def depth(text: str) -> int:
    """How deep the arrays and objects of a JSON text nest (0 for a scalar); text is not parsed."""
    level = deepest = 0
    for bracket in _BRACKETS.findall(_STRINGS.sub("", text)):
        if bracket in "[{":
            level += 1
            if level > deepest:
                deepest = level
        else:
            level -= 1
    return deepest


def loads(data: str | bytes | bytearray, max_depth: int = MAX_DEPTH) -> Any:
    """json.loads, refusing (TooDeep) a text nested deeper than max_depth before parsing it.

    Raises ValueError (json.JSONDecodeError, UnicodeDecodeError, TooDeep) for any bad text.
    """
    # As json.loads does for bytes: UTF-8, -16 or -32, told apart by the first bytes.
    text = data.decode(json.detect_encoding(data), "surrogatepass") if not isinstance(data, str) else data
    if depth(text) > max_depth:
        raise TooDeep(f"JSON nested deeper than {max_depth} levels")
    return parse(text)


# 19 digits in a row: perhaps an integer past 64 bits, which orjson would read as a float.
_LONG_DIGITS = re.compile(r"\d{19}")
_LONG_DIGITS_BYTES = re.compile(rb"\d{19}")


def parse(data: str | bytes) -> Any:
    """json.loads's answer, from orjson (several times faster) whenever orjson reads it the same.

    orjson refuses some texts the standard parser allows (NaN, 1e400, lone surrogates), and
    reads an integer past 64 bits as a float; json.loads reads those, so every text means
    what it always meant. (A long digit run inside a string only costs the slower parser.)
    """
    long_digits = _LONG_DIGITS.search(data) if isinstance(data, str) else _LONG_DIGITS_BYTES.search(data)
    if long_digits is None:
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass
    return json.loads(data)


# What the API's answers and jsonb values take as they are: no datetime (Flask writes an HTTP
# date through `default`, as before), keys that are not strings written as text, like json.
_DUMP_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


def dump_bytes(value: Any, default: Callable[[Any], Any] | None = None, *, sort_keys: bool = False) -> bytes:
    """UTF-8 JSON of value, as json.dumps(value, default=default, ensure_ascii=False) would write it.

    Where orjson cannot (an integer past 64 bits), json.dumps does; both raise TypeError for a
    value neither knows.
    """
    options = _DUMP_OPTIONS | orjson.OPT_SORT_KEYS if sort_keys else _DUMP_OPTIONS
    try:
        return orjson.dumps(value, default=default, option=options)
    except orjson.JSONEncodeError:
        text = json.dumps(
            value, default=default, ensure_ascii=False, sort_keys=sort_keys, separators=(",", ":")
        )
        return text.encode()


def nul_paths(value: Any, prefix: str = "", limit: int = 20) -> list[str]:
    """Dotted paths (items.0.payload.notes) of the strings and keys holding U+0000; at most `limit`.

    Iterative, so it is safe on any parsed value; a key with a NUL is named with it escaped.
    """
    found: list[str] = []
    stack: list[tuple[str, Any]] = [(prefix, value)]
    while stack and len(found) < limit:
        path, node = stack.pop()
        if isinstance(node, str):
            if "\x00" in node:
                found.append(path or "body")
        elif isinstance(node, dict):
            children = []
            for key, child in node.items():
                name = str(key)
                if "\x00" in name:
                    found.append(_join(path, name.replace("\x00", "\\u0000")))
                    continue
                children.append((_join(path, name), child))
            stack.extend(reversed(children))
        elif isinstance(node, list):
            stack.extend((_join(path, str(i)), child) for i, child in reversed(list(enumerate(node))))
    return found


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name
