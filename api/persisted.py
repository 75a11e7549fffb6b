"""Persisted operations: Apollo's automatic persisted queries, and an allow-list for production.

A request may carry `extensions.persistedQuery = {"version": 1, "sha256Hash": H}` instead of
its document, so that a client sends (and a GET URL holds) 64 hex digits, not the text:

- **APQ** (no `ALLIANCEGRAPH_OPERATIONS`): an unknown hash is answered with the error
  `PersistedQueryNotFound` (code `PERSISTED_QUERY_NOT_FOUND`); the client then sends the
  document with the hash, which registers it, once the server has checked that the hash is
  the document's SHA-256 (a mismatch is refused, `PERSISTED_QUERY_HASH_MISMATCH`). The
  registered documents live in a byte-bounded LRU (`api.caches.ByteLRU`), per process.
- **Allow-list** (`ALLIANCEGRAPH_OPERATIONS=manifest.json`, a JSON object of hash → document,
  e.g. `scripts/operations.py` writes the planner page's at build time): only the listed
  documents run, named by hash or sent in full; anything else is `OPERATION_NOT_ALLOWED`
  and nothing registers.

Either way the request continues with the stored document in `query`, so the cost limit,
the heavy lane and the parser cache judge exactly what will run.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

from api.caches import ByteLRU
from api.edge import Refusal
from graphmodel.settings import Settings, SettingsError

_HASH = re.compile(r"[0-9a-f]{64}")


def sha256(document: str) -> str:
    return hashlib.sha256(document.encode("utf-8")).hexdigest()


def read_manifest(path: Path) -> dict[str, str]:
    """The allow-list, every entry checked: a wrong hash in it fails at start-up, by name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise SettingsError(f"ALLIANCEGRAPH_OPERATIONS: {path}: not a JSON file: {exc}") from None
    if not isinstance(data, dict):
        raise SettingsError(f"ALLIANCEGRAPH_OPERATIONS: {path}: expected an object hash → document")
    for key, document in data.items():
        if not isinstance(document, str) or sha256(document) != key:
            raise SettingsError(
                f"ALLIANCEGRAPH_OPERATIONS: {path}: entry {key[:16]!r}…: expected the SHA-256 "
                "hex digest of its document as the key"
            )
    return dict(data)


class PersistedNotFound(Exception):
    """The hash is unknown here: the client should send the document with it."""


class Persisted:
    """One app's persisted documents: the allow-list, or the registered APQ documents."""

    def __init__(self, settings: Settings) -> None:
        self.allowed = read_manifest(settings.operations) if settings.operations else None
        self.registered: ByteLRU[str] = ByteLRU(entries=4096, max_bytes=settings.cache_bytes)
        self.not_found = 0

    def resolve(self, body: dict[str, Any]) -> dict[str, Any]:
        """`body` with the document to run in `query`; raise `Refusal` or `PersistedNotFound`."""
        extensions = body.get("extensions") or {}
        persisted = extensions.get("persistedQuery")
        query = body.get("query")
        wanted: str | None = None
        if persisted is not None:
            wanted = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
            if not isinstance(wanted, str) or not _HASH.fullmatch(wanted):
                raise Refusal(
                    400,
                    "INVALID_INPUT",
                    "persistedQuery.sha256Hash must be 64 lower-case hex digits",
                )
            if persisted.get("version", 1) != 1:
                raise Refusal(400, "INVALID_INPUT", "persistedQuery.version must be 1")
        if isinstance(query, str) and query:
            digest = sha256(query) if wanted is not None or self.allowed is not None else None
            if wanted is not None and digest != wanted:
                raise Refusal(
                    400,
                    "PERSISTED_QUERY_HASH_MISMATCH",
                    "persistedQuery.sha256Hash is not the SHA-256 of the query",
                )
            if self.allowed is not None:
                if digest not in self.allowed:
                    raise _not_allowed()
            elif wanted is not None:
                self.registered.put(wanted, query)
            return body
        if wanted is None:
            return body  # no document and no hash: GraphQL's own "no query" answer follows
        found = (
            self.allowed.get(wanted) if self.allowed is not None else self.registered.get(wanted)
        )
        if found is None:
            if self.allowed is not None:
                raise _not_allowed()
            self.not_found += 1
            raise PersistedNotFound
        return {**body, "query": found}


def _not_allowed() -> Refusal:
    return Refusal(
        403, "OPERATION_NOT_ALLOWED", "this server runs only the operations of its manifest"
    )
