"""Name keys: exact names match in either Chinese script (繁體 or 简体).

Both stores index every institution under the simplified form of each of its names, with
white space removed (the sources pad names, `王  丽`), so that `鄂州市中心醫院` and
`鄂州市中心医院` find the same hospital.
"""

from __future__ import annotations

from functools import cache
from typing import Any

_SEPARATOR = "|"


@cache
def _converter() -> Any:
    import opencc

    return opencc.OpenCC("t2s")


def name_key(name: str) -> str:
    """The key a name is indexed and looked up by.

    >>> name_key("市精神衛生中心 ")
    '市精神卫生中心'
    """
    return str(_converter().convert("".join(name.split())))


def alt_keys(names: tuple[str, ...] | list[str]) -> str:
    """Alternative names as one string that a text index can search with CONTAINS.

    >>> alt_keys(["鄂鋼職工醫院"])
    '|鄂钢职工医院|'
    >>> alt_needle("鄂钢职工医院") in alt_keys(["鄂鋼職工醫院"])
    True
    """
    if not names:
        return ""
    return _SEPARATOR + _SEPARATOR.join(name_key(n) for n in names) + _SEPARATOR


def alt_needle(key: str) -> str:
    return f"{_SEPARATOR}{key}{_SEPARATOR}"
