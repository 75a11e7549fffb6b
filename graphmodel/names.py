"""Name keys: exact names match in either Chinese script (繁體 or 简体), with or without
their place, and the closest names to one that matches nothing.

Both stores index every institution under the simplified form of each of its names, with
white space removed (the sources pad names, `王  丽`), so that `鄂州市中心醫院` and
`鄂州市中心医院` find the same hospital; and under its place keys (`place_keys`), so that
`鄂州市中医医院` finds 市中医医院 in 鄂州市. `grams` and `closest` pick and rank the candidates
for a name that matched nothing, the same way on both stores.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

_SEPARATOR = "|"
SEPARATOR = _SEPARATOR  # never inside a key: a typed key holding it matches no joined keys


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


_SPACE = re.compile(r"[^\S\n]")  # white space but a line break


def name_keys(names: list[str]) -> list[str]:
    """`name_key` of each name, converted in one call: a national table holds a million
    names, and a call per name costs more than the conversion. Names hold no line break
    (the loader refuses white space in names but spaces), so one joins them; and when none
    holds white space either (one search of them joined), none needs it taken out."""
    if not names:
        return []
    joined = "\n".join(names)
    if joined.count("\n") != len(names) - 1:
        return [name_key(n) for n in names]
    if _SPACE.search(joined):
        joined = "\n".join(["".join(n.split()) for n in names])
    keys = str(_converter().convert(joined)).split("\n")
    return keys if len(keys) == len(names) else [name_key(n) for n in names]


def alt_keys(names: tuple[str, ...] | list[str], *, keys: list[str] | None = None) -> str:
    """Alternative names as one string that a text index can search with CONTAINS. `keys`:
    the names' keys, when the caller has them already (a conversion costs more than a join).

    >>> alt_keys(["鄂鋼職工醫院"])
    '|鄂钢职工医院|'
    >>> alt_needle("鄂钢职工医院") in alt_keys(["鄂鋼職工醫院"])
    True
    """
    if not names:
        return ""
    own = keys if keys is not None else [name_key(n) for n in names]
    return _SEPARATOR + _SEPARATOR.join(own) + _SEPARATOR


def alt_needle(key: str) -> str:
    return f"{_SEPARATOR}{key}{_SEPARATOR}"


# --- Names typed with (or without) their place -------------------------------------------

# Division-name suffixes, longest first: 鄂州市 → 鄂州 + 市, 林口县 → 林口 + 县.
_PLACE_SUFFIXES = ("特别行政区", "自治州", "自治县", "自治旗", "街道", "省", "市", "县", "区",
                   "镇", "乡", "旗", "盟", "州")  # fmt: skip


# Suffixes a local name uses alone for its own place (市中医医院, 县人民医院, 区妇幼保健院); a
# township's (镇卫生院) would name every township's hospital, so it is not one of them.
_BARE_SUFFIXES = frozenset({"市", "县", "区", "旗", "州", "盟"})


@lru_cache(maxsize=1 << 16)
def _place(place: str) -> tuple[str, str, str]:
    """(key, short form, suffix) of a division name; cached, as every institution of a
    division repeats its ancestors' names."""
    key = name_key(place)
    return (key, *_split_place(key))


@lru_cache(maxsize=1 << 16)
def _chain(places: tuple[str, ...]) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The keys of a chain of places and their (short form, suffix); cached per chain."""
    parsed = [_place(p) for p in places if p and p.strip()]
    return tuple(full for full, _, _ in parsed), tuple((s, x) for _, s, x in parsed)


def _split_place(place: str) -> tuple[str, str]:
    """(short form, suffix) of a division name; the short form keeps at least two characters.

    >>> _split_place("鄂州市"), _split_place("崇安区"), _split_place("沙市")
    (('鄂州', '市'), ('崇安', '区'), ('沙市', ''))
    """
    for suffix in _PLACE_SUFFIXES:
        if place.endswith(suffix) and len(place) - len(suffix) >= 2:
            return place[: -len(suffix)], suffix
    return place, ""


CHAIN = 2  # places a key gains above the one it starts with


def place_keys(
    names: tuple[str, ...] | list[str],
    places: tuple[str, ...] | list[str],
    *,
    keys: tuple[str, ...] | None = None,
) -> tuple[str, ...]:
    """Extra lookup keys of an institution's names under its divisions (`places`: the names of
    its division and that division's ancestors, nearest first), so that a name typed with its
    city or county prefix, or without it, still finds the institution. Never one of the
    names' own keys; sorted. `keys`: the names' keys, when the caller has them already.

    Each place's full name F is a short form S plus a suffix x (鄂州市 = 鄂州 + 市). A name

    * starting with a place (F or S) also goes without it: 牡丹江市中医医院 → 市中医医院,
      牡丹江中医医院; and with F when it starts with S alone: 鄂州二医院 → 鄂州市二医院, 市二医院
      (the bare suffix is kept only for 市, 县, 区 and the like, never 镇 or 乡);
    * else starting with the bare suffix of a place (nearest first) gains that place:
      市中医医院 under 鄂州市 → 鄂州市中医医院, 鄂州中医医院;
    * else gains its own division: 鄂钢医院 → 鄂州市鄂钢医院.

    A key that starts with a place's F then gains up to `CHAIN` places above it, as an
    unbroken chain (F or S of the topmost): 湖北省鄂州市中医医院, 无锡市崇安区江海社区卫生服务中心
    (a village clinic's full 省市县镇 chain is rarely typed, and would cost keys).

    >>> place_keys(["市中医医院"], ["鄂州市", "湖北省"])
    ('湖北省鄂州市中医医院', '湖北鄂州市中医医院', '鄂州中医医院', '鄂州市中医医院')
    >>> place_keys(["牡丹江市中医医院"], ["牡丹江市", "黑龙江省"])
    ('市中医医院', '牡丹江中医医院', '黑龙江牡丹江市中医医院', '黑龙江省牡丹江市中医医院')
    """
    own = set(keys) if keys is not None else {name_key(n) for n in names}
    chain, split = _chain(tuple(places))
    found: set[str] = set()

    def qualify(key: str, level: int) -> None:
        """`key` starts with chain[level]: add the places above it, unbroken."""
        found.add(key)
        prefix = ""
        for j in range(level + 1, min(len(chain), level + 1 + CHAIN)):
            found.add(split[j][0] + prefix + key)
            prefix = chain[j] + prefix
            found.add(prefix + key)

    for n in own:
        for level, (full, (short, suffix)) in enumerate(zip(chain, split, strict=True)):
            if n.startswith(full) and len(n) > len(full) + 1:
                rest = n[len(full) :]
                found.add(short + rest)
                if suffix in _BARE_SUFFIXES:
                    found.add(suffix + rest)
                qualify(n, level)
                break
            if short != full and n.startswith(short) and len(n) > len(short) + 1:
                rest = n[len(short) :]
                if suffix in _BARE_SUFFIXES:
                    found.add(suffix + rest)
                qualify(full + rest, level)
                break
        else:
            for level, (short, suffix) in enumerate(split):
                if suffix in _BARE_SUFFIXES and n.startswith(suffix) and len(n) > len(suffix) + 1:
                    found.add(short + n[len(suffix) :])
                    qualify(short + n, level)
                    break
            else:
                if chain:
                    qualify(chain[0] + n, 0)
    return tuple(sorted(k for k in found - own if len(k) >= 2))


def places_by_division(
    divisions: Iterable[tuple[str, str, str | None]],
) -> dict[str, tuple[str, ...]]:
    """Each division's name and its ancestors' names, nearest first, from `(id, name, parent)`.

    >>> places_by_division([("c", "鄂州市", "p"), ("p", "湖北省", None)])["c"]
    ('鄂州市', '湖北省')
    """
    parents = {ident: (name, parent) for ident, name, parent in divisions}
    out: dict[str, tuple[str, ...]] = {}
    for ident in parents:
        chain: list[str] = []
        seen: set[str] = set()
        at: str | None = ident
        while at is not None and at in parents and at not in seen:
            seen.add(at)
            name, at = parents[at]
            chain.append(name)
        out[ident] = tuple(chain)
    return out


def search_keys(
    names: tuple[str, ...] | list[str],
    places: tuple[str, ...] | list[str],
    *,
    keys: list[str] | None = None,
) -> str:
    """Every key of an institution (its names', then its places') as one string for a TEXT
    index: exact place lookups search it for `alt_needle(key)`, candidates for n-grams.
    `keys`: the names' keys, when the caller has them already.

    >>> search_keys(["市中医医院"], ["鄂州市"])
    '|市中医医院|鄂州中医医院|鄂州市中医医院|'
    """
    own = keys if keys is not None else [name_key(n) for n in names]
    return join_keys(own, place_keys(names, places, keys=tuple(own)))


def join_keys(own: list[str] | tuple[str, ...], places: tuple[str, ...]) -> str:
    """Name keys then place keys, each once, as one `|`-separated string (see `search_keys`)."""
    keys = dict.fromkeys([*own, *places])
    return _SEPARATOR + _SEPARATOR.join(keys) + _SEPARATOR


def split_keys(joined: str) -> tuple[str, ...]:
    """The keys of a `search_keys` string.

    >>> split_keys("|a|bc|")
    ('a', 'bc')
    """
    return tuple(k for k in joined.split(_SEPARATOR) if k)


# --- Closest names -----------------------------------------------------------------------

# How far a candidate may be from what was typed, and the prefilter's bound (see `grams`).
MAX_DISTANCE = 2
GRAM_BOUND = 1000
MAX_GRAMS = 12


def grams(key: str, max_distance: int = MAX_DISTANCE) -> tuple[str, ...]:
    """The substrings whose holders are candidates for `key`: `max_distance + 1` disjoint
    pieces covering it, then its 3-character n-grams. A name within `max_distance` edits of
    `key` keeps at least one piece intact (each edit touches at most one piece), so the
    pieces alone never miss it unless a piece is too common to use (`GRAM_BOUND`); the
    trigrams, rarer than short pieces, then still find most near names. At most `MAX_GRAMS`,
    pieces first. The keys' separator is never part of one. (Trigrams, not bigrams: Neo4j's
    TEXT index answers a CONTAINS of three characters or more far faster, measured.)

    >>> grams("市三医院")
    ('市三', '医', '院', '市三医', '三医院')
    """
    key = key.replace(_SEPARATOR, "")
    if not key:
        return ()
    parts = max_distance + 1
    size, extra = divmod(len(key), parts)
    pieces, start = [], 0
    for i in range(parts):
        end = start + size + (1 if i < extra else 0)
        if end > start:
            pieces.append(key[start:end])
        start = end
    trigrams = [key[i : i + 3] for i in range(len(key) - 2)]
    out = list(dict.fromkeys([*pieces, *trigrams]))
    return tuple(out[:MAX_GRAMS])


def closest(
    key: str,
    candidates: list[tuple[str, str, tuple[str, ...]]],
    limit: int,
    max_distance: int = MAX_DISTANCE,
) -> list[tuple[str, str, str, int]]:
    """The `limit` candidates `(id, name, keys)` nearest to `key` by the edit distance of their
    nearest key, as `(id, name, nearest key, distance)`; none further than `max_distance`
    edits (or a third of the typed length, if larger). Nearest first; among equally near
    ones, the one needing fewer substitutions (smaller Indel distance: 鄂州市中医院 is
    鄂州市中医医院 missing a character, 鄂州市二医院 with one changed), then the shorter key,
    then id. Both stores rank with this one function.

    >>> near = [("a", "市三医院", ("市三医院",)), ("b", "市二医院", ("市二医院",)),
    ...         ("c", "市中心医院", ("市中心医院",))]
    >>> closest("市三医园", near, 5)
    [('a', '市三医院', '市三医院', 1), ('b', '市二医院', '市二医院', 2)]
    """
    from rapidfuzz.distance import Indel, Levenshtein

    bound = max(max_distance, len(key) // 3)
    ranked = []
    for ident, name, keys in candidates:
        best: tuple[int, int, int, str] | None = None
        for k in keys:
            d = int(Levenshtein.distance(key, k, score_cutoff=bound))
            if d > bound:
                continue
            rank = (d, int(Indel.distance(key, k)), len(k), k)
            if best is None or rank < best:
                best = rank
        if best is not None:
            ranked.append((best, ident, name))
    ranked.sort(key=lambda r: (r[0][:3], r[1]))
    return [(ident, name, best[3], best[0]) for best, ident, name in ranked[:limit]]
