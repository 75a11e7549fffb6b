"""JSON read strictly: what Python's `json` accepts but a faithful load must not.

Refused, each with the file and the JSON path (or line) where it is:

- a key given twice in one object (Python keeps the last one silently);
- `NaN`, `Infinity` and `-Infinity`, which are not JSON, and numbers too large to be exact:
  integers beyond int64, floats that overflow to infinity, numerals longer than 40 chars;
- nesting deeper than `MAX_DEPTH` (Python would raise `RecursionError` at ~1,000);
- a control character (NUL, ESC, C1…; tab and line breaks are fine) in a string or a key;
- anything but UTF-8 (with or without BOM).

>>> loads(b'{"a": 1}', "x.json")
{'a': 1}
>>> loads(b'{"a": 1, "a": 2}', "x.json")
Traceback (most recent call last):
...
graphmodel.errors.InvalidInputError: 1 problem(s) in the input; nothing was written:
  x.json [$]: duplicate key 'a'
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from graphmodel.errors import InvalidInputError, Problem

MAX_DEPTH = 32
MAX_NUMERAL = 40
INT64 = 2**63
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


class _Bad:
    """Stands where a refused value was, so that the walk can report its path."""

    def __init__(self, message: str) -> None:
        self.message = message


class _Dups(dict[str, Any]):
    """An object that had a key twice; only ever built on the way to an error."""

    duplicates: list[str]


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    dups = []
    for k, v in pairs:
        if k in out:
            dups.append(k)
        out[k] = v
    if dups:
        bad = _Dups(out)
        bad.duplicates = dups
        return bad
    return out


def _int(text: str) -> Any:
    if len(text) > MAX_NUMERAL:
        return _Bad(f"number {text[:20]}… has {len(text)} digits; too large")
    value = int(text)
    if not -INT64 <= value < INT64:
        return _Bad(f"integer {text} does not fit in 64 bits")
    return value


def _float(text: str) -> Any:
    if len(text) > MAX_NUMERAL:
        return _Bad(f"number {text[:20]}… is {len(text)} characters long; too long")
    value = float(text)
    if not math.isfinite(value):
        return _Bad(f"number {text} overflows to infinity")
    return value


def _constant(name: str) -> Any:
    return _Bad(f"{name} is not a JSON number")


def loads(data: bytes, file: str) -> Any:
    """Parse `data` as strict JSON; raise `InvalidInputError` naming `file` and where."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _error(
            file, line, None, f"not UTF-8: byte 0x{data[exc.start]:02x} at offset {exc.start}"
        ) from None
    try:
        value = json.loads(
            text,
            object_pairs_hook=_pairs,
            parse_int=_int,
            parse_float=_float,
            parse_constant=_constant,
        )
    except json.JSONDecodeError as exc:
        raise _error(file, exc.lineno, f"col {exc.colno}", f"not valid JSON: {exc.msg}") from None
    except RecursionError:
        raise _error(file, None, "$", f"nested deeper than {MAX_DEPTH} levels") from None
    problems: list[Problem] = []
    _walk(value, "$", 0, file, problems)
    if problems:
        raise InvalidInputError(problems, consequence="nothing was written")
    return value


def _walk(value: Any, path: str, depth: int, file: str, problems: list[Problem]) -> None:
    if depth > MAX_DEPTH:
        problems.append(Problem(file, None, path, f"nested deeper than {MAX_DEPTH} levels"))
        return
    if isinstance(value, _Bad):
        problems.append(Problem(file, None, path, value.message))
    elif isinstance(value, str):
        if bad := CONTROL.search(value):
            problems.append(
                Problem(file, None, path, f"control character U+{ord(bad.group()):04X}")
            )
    elif isinstance(value, dict):
        if isinstance(value, _Dups):
            for k in value.duplicates:
                problems.append(Problem(file, None, path, f"duplicate key {k!r}"))
        for k, v in value.items():
            if bad := CONTROL.search(k):
                problems.append(
                    Problem(
                        file, None, path, f"control character U+{ord(bad.group()):04X} in a key"
                    )
                )
                continue
            _walk(v, f"{path}.{k}", depth + 1, file, problems)
    elif isinstance(value, list):
        for i, v in enumerate(value):
            _walk(v, f"{path}[{i}]", depth + 1, file, problems)


def _error(file: str, line: int | None, column: str | None, message: str) -> InvalidInputError:
    return InvalidInputError(
        [Problem(file, line, column, message)], consequence="nothing was written"
    )
