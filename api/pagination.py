"""Relay-style connections with opaque keyset cursors and a hard maximum page size."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Generic, TypeVar

import strawberry

from graphmodel.errors import InvalidInputError

T = TypeVar("T")

_PREFIX = "id:"


def encode_cursor(ident: str) -> str:
    return base64.urlsafe_b64encode((_PREFIX + ident).encode()).decode()


def decode_cursor(cursor: str | None) -> str | None:
    if cursor is None:
        return None
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
    except (binascii.Error, UnicodeDecodeError):
        text = ""
    if not text.startswith(_PREFIX):
        raise InvalidInputError.one(f"not a cursor from this API: {cursor!r}", column="after")
    return text[len(_PREFIX) :]


def page_size(first: int, maximum: int) -> int:
    if first < 0 or first > maximum:
        raise InvalidInputError.one(
            f"first must be between 0 and {maximum}, got {first}", column="first"
        )
    return first


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class Edge(Generic[T]):
    cursor: str
    node: T


@strawberry.type
class Connection(Generic[T]):
    edges: list[Edge[T]]
    page_info: PageInfo

    @strawberry.field
    def nodes(self) -> list[T]:
        return [e.node for e in self.edges]


def connection(items: list[T], first: int, ident: str = "id",
               read: Callable[[T, str], str] = getattr) -> Connection[T]:  # fmt: skip
    """Build a page from `first + 1` fetched items: the extra one only says there is more.
    `read(item, ident)` is the item's key (`operator.getitem` for projected maps)."""
    page = items[:first]
    edges = [Edge(cursor=encode_cursor(read(x, ident)), node=x) for x in page]
    return Connection(
        edges=edges,
        page_info=PageInfo(has_next_page=len(items) > first,
                           end_cursor=edges[-1].cursor if edges else None),
    )  # fmt: skip
