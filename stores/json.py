"""Domain objects as JSON-ready data (enums as values, dates as ISO strings)."""

from __future__ import annotations

import dataclasses
from datetime import date
from enum import Enum
from typing import Any


def to_jsonable(value: Any) -> Any:
    """
    >>> from graphmodel.enums import Level
    >>> to_jsonable({"level": Level.PRIMARY, "on": date(2020, 1, 2), "xs": (1, 2)})
    {'level': 'primary', 'on': '2020-01-02', 'xs': [1, 2]}
    """
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, date):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_jsonable(v) for v in value]
    return value
