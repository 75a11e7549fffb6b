"""The parser and validation caches, bounded by the bytes of document text they hold.

strawberry's `ParserCache`/`ValidationCache` are LRUs bounded by entries only: a thousand
distinct 2 MB documents stay parsed. These hold at most `entries` documents and at most
`max_bytes` of their text (a parsed document takes a small multiple of its text), and
never one larger than a sixteenth of that. Each schema (each app) has its own caches.

Validation here also hides graphql-core's suggestions ("Did you mean 'registerInstitution'?")
when asked to: in production they would leak the schema that introspection keeps private.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from graphql import DocumentNode, GraphQLError, parse, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

V = TypeVar("V")


class ByteLRU(Generic[V]):
    """An LRU of values keyed by strings, bounded by entries and by the keys' total length.

    >>> c: ByteLRU[int] = ByteLRU(entries=100, max_bytes=320)
    >>> for k in "abc": c.put(k * 20, 1)
    >>> c.put("x" * 21, 2)  # over 320 // 16 bytes: never kept
    >>> len(c), c.bytes
    (3, 60)
    >>> for k in "defghijklmnopqr": c.put(k * 20, 1)  # 18 × 20 > 320: the oldest go
    >>> len(c), c.bytes, c.get("a" * 20), c.get("r" * 20)
    (16, 320, None, 1)
    """

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.entries = entries
        self.max_bytes = max_bytes
        self.items: OrderedDict[str, V] = OrderedDict()
        self.bytes = 0
        self.hits = 0  # counted, so that a cache that never hits shows (a bench, a test)
        self.misses = 0

    def __len__(self) -> int:
        return len(self.items)

    def get(self, key: str) -> V | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
            self.hits += 1
        else:
            self.misses += 1
        return value

    def put(self, key: str, value: V) -> None:
        size = len(key)
        if size > self.max_bytes // 16 or key in self.items:
            return
        self.items[key] = value
        self.bytes += size
        while len(self.items) > self.entries or self.bytes > self.max_bytes:
            old, _ = self.items.popitem(last=False)
            self.bytes -= len(old)


class Caches:
    """One app's caches: parsed documents and validation results, by document text."""

    def __init__(self, entries: int, max_bytes: int) -> None:
        self.documents: ByteLRU[DocumentNode] = ByteLRU(entries, max_bytes)
        self.validations: ByteLRU[tuple[GraphQLError, ...]] = ByteLRU(entries, max_bytes)


class CachedParser(SchemaExtension):
    def __init__(self, caches: Caches) -> None:
        super().__init__()
        self.caches = caches

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query or ""
        # The token limit (MaxTokensLimiter) is a parse option: it is part of the key.
        key = f"{context.parse_options.get('max_tokens')}\0{query}"
        document = self.caches.documents.get(key)
        if document is None:
            document = parse(query, **context.parse_options)
            self.caches.documents.put(key, document)
        context.graphql_document = document
        yield


class CachedValidation(SchemaExtension):
    """Validate with the request's rules, suggestions hidden when asked, cached by text.

    The rules (depth, aliases, …) come from the app's settings, the same for every request
    to one schema, so the document text alone is the key.
    """

    def __init__(self, caches: Caches, hide_suggestions: bool) -> None:
        super().__init__()
        self.caches = caches
        self.hide_suggestions = hide_suggestions

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        query = context.query or ""
        errors = self.caches.validations.get(query)
        if errors is None and context.graphql_document is not None:
            rules: Any = (
                *context.validation_rules,
                MaybeNullValidationRule,
                OneOfInputValidationRule,
            )
            errors = tuple(
                validate(
                    context.schema._schema,
                    context.graphql_document,
                    rules,
                    hide_suggestions=self.hide_suggestions,
                )
            )
            self.caches.validations.put(query, errors)
        context.pre_execution_errors = list(errors or ())
        yield
