"""Settings: read from the environment once, at start-up, and passed down.

No other module reads `os.environ`. A missing or malformed value fails loudly here.

- NEO4J_URI, NEO4J_USER, NEO4J_PASSWORD, NEO4J_DATABASE: the database; no URI means
  the embedded store.
- NEO4J_TIMEOUT: seconds to wait for Neo4j before answering UNAVAILABLE (5).
- ALLIANCEGRAPH_ENV: `production` (the default: internal errors masked, no GraphiQL or
  introspection) or `development`.
- ALLIANCEGRAPH_TOKENS: bearer tokens and their roles, `token1:editor,token2:reader`;
  ALLIANCEGRAPH_TOKENS_FILE: a file of `token role` lines, for secrets mounted as files.
- ALLIANCEGRAPH_READS_NEED_TOKEN: `true` makes reads need a reader or editor token too.
- ALLIANCEGRAPH_GRAPHIQL, ALLIANCEGRAPH_INTROSPECTION: `true` enables them in production.
- ALLIANCEGRAPH_MAX_DEPTH, _MAX_ALIASES, _MAX_TOKENS, _MAX_PAGE_SIZE: abuse limits
  (12, 20, 4000, 100).
- ALLIANCEGRAPH_MAX_COST: the query cost budget, computed before execution (500000; the
  cost model is in `api/cost.py`).
- ALLIANCEGRAPH_HEAVY_COST, _HEAVY_CONCURRENCY: queries costing more than this (1000) run
  on a second event loop, at most this many at a time (1), so that they cannot hold up
  cheap queries and health checks (`api/lane.py`).
- ALLIANCEGRAPH_HEAVY_COST_DIRECT: a query answered straight from its compiled plan
  (`api/direct.py`) is heavy only past this cost (5000): it puts no per-field work on the
  event loop, and its Python time per unit of cost is about a fifth of graphql-core's.
- ALLIANCEGRAPH_HEAVY_PROCESS: `false` keeps those queries in the server's own process
  instead of a worker process of their own (`api/heavy_process.py`; default true).
- ALLIANCEGRAPH_REQUEST_TIMEOUT: seconds a GraphQL request may run before it is cancelled
  and answered TIMEOUT (10).
- ALLIANCEGRAPH_MAX_BODY_BYTES, _MAX_DOCUMENT_BYTES: the largest request body (1048576)
  and GraphQL document (65536) accepted; larger ones get HTTP 413.
- ALLIANCEGRAPH_MAX_JSON_DEPTH: the deepest nesting of the JSON body (32).
- ALLIANCEGRAPH_CACHE_BYTES: document text each of the parser and validation caches may
  hold (4194304), besides at most 1024 entries.
- ALLIANCEGRAPH_CORS_ORIGINS: the exact origins (`https://planner.example.org`, comma
  separated) whose pages may call the API from a browser; none by default.
  ALLIANCEGRAPH_CORS_CREDENTIALS: `true` lets those pages send cookies and Authorization.
- ALLIANCEGRAPH_OPERATIONS: a manifest of the only operations that may run (a JSON object,
  SHA-256 hex of each document to its text; `api/persisted.py`). Unset, any operation may
  run and clients may register persisted queries (APQ).
- ALLIANCEGRAPH_CACHE_MAX_AGE: seconds a GET answer may be reused without asking again
  (0: always revalidate with If-None-Match).
- ALLIANCEGRAPH_METRICS: `false` turns off /metrics and the request counters.
  ALLIANCEGRAPH_ACCESS_LOG: `false` turns off the JSON access log.
- OTEL_EXPORTER_OTLP_ENDPOINT: where OpenTelemetry traces go; unset, tracing is off and
  its libraries are not even imported.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

ROLES = ("reader", "editor")


class SettingsError(ValueError):
    """A setting that is present but wrong."""


@dataclass(frozen=True)
class Settings:
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str = ""
    neo4j_database: str = "neo4j"
    neo4j_timeout: float = 5.0
    production: bool = True
    tokens: Mapping[str, str] = field(default_factory=dict)  # token -> role
    reads_need_token: bool = False
    graphiql: bool = False
    introspection: bool = False
    max_depth: int = 12
    max_aliases: int = 20
    max_tokens: int = 4000
    max_page_size: int = 100
    max_cost: int = 500_000
    heavy_cost: int = 1000
    heavy_cost_direct: int = 5000
    heavy_concurrency: int = 1
    heavy_process: bool = True
    request_timeout: float = 10.0
    max_body_bytes: int = 1 << 20
    max_document_bytes: int = 64 << 10
    max_json_depth: int = 32
    cache_bytes: int = 4 << 20
    cors_origins: tuple[str, ...] = ()
    cors_credentials: bool = False
    operations: Path | None = None
    cache_max_age: int = 0
    metrics: bool = True
    access_log: bool = True
    otel_endpoint: str | None = None

    @property
    def graphiql_enabled(self) -> bool:
        return self.graphiql or not self.production

    @property
    def introspection_enabled(self) -> bool:
        return self.introspection or not self.production

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        mode = env.get("ALLIANCEGRAPH_ENV", "production")
        if mode not in ("production", "development"):
            raise SettingsError(f"ALLIANCEGRAPH_ENV must be production or development: {mode!r}")
        return cls(
            neo4j_uri=env.get("NEO4J_URI") or None,
            neo4j_user=env.get("NEO4J_USER", "neo4j"),
            neo4j_password=env.get("NEO4J_PASSWORD", ""),
            neo4j_database=env.get("NEO4J_DATABASE", "neo4j"),
            neo4j_timeout=_number(env, "NEO4J_TIMEOUT", 5.0),
            production=mode == "production",
            tokens=_tokens(env),
            reads_need_token=_flag(env, "ALLIANCEGRAPH_READS_NEED_TOKEN"),
            graphiql=_flag(env, "ALLIANCEGRAPH_GRAPHIQL"),
            introspection=_flag(env, "ALLIANCEGRAPH_INTROSPECTION"),
            max_depth=int(_number(env, "ALLIANCEGRAPH_MAX_DEPTH", 12)),
            max_aliases=int(_number(env, "ALLIANCEGRAPH_MAX_ALIASES", 20)),
            max_tokens=int(_number(env, "ALLIANCEGRAPH_MAX_TOKENS", 4000)),
            max_page_size=int(_number(env, "ALLIANCEGRAPH_MAX_PAGE_SIZE", 100)),
            max_cost=int(_number(env, "ALLIANCEGRAPH_MAX_COST", 500_000)),
            heavy_cost=int(_number(env, "ALLIANCEGRAPH_HEAVY_COST", 1000)),
            heavy_cost_direct=int(_number(env, "ALLIANCEGRAPH_HEAVY_COST_DIRECT", 5000)),
            heavy_concurrency=int(_number(env, "ALLIANCEGRAPH_HEAVY_CONCURRENCY", 1)),
            heavy_process=_flag(env, "ALLIANCEGRAPH_HEAVY_PROCESS", default=True),
            request_timeout=_number(env, "ALLIANCEGRAPH_REQUEST_TIMEOUT", 10.0),
            max_body_bytes=int(_number(env, "ALLIANCEGRAPH_MAX_BODY_BYTES", 1 << 20)),
            max_document_bytes=int(_number(env, "ALLIANCEGRAPH_MAX_DOCUMENT_BYTES", 64 << 10)),
            max_json_depth=int(_number(env, "ALLIANCEGRAPH_MAX_JSON_DEPTH", 32)),
            cache_bytes=int(_number(env, "ALLIANCEGRAPH_CACHE_BYTES", 4 << 20)),
            cors_origins=_origins(env.get("ALLIANCEGRAPH_CORS_ORIGINS", "")),
            cors_credentials=_flag(env, "ALLIANCEGRAPH_CORS_CREDENTIALS"),
            operations=_existing_file(env, "ALLIANCEGRAPH_OPERATIONS"),
            cache_max_age=_seconds(env, "ALLIANCEGRAPH_CACHE_MAX_AGE"),
            metrics=_flag(env, "ALLIANCEGRAPH_METRICS", default=True),
            access_log=_flag(env, "ALLIANCEGRAPH_ACCESS_LOG", default=True),
            otel_endpoint=env.get("OTEL_EXPORTER_OTLP_ENDPOINT") or None,
        )


def _flag(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name, "").strip().lower()
    if value == "":
        return default
    if value in ("0", "false", "no"):
        return False
    if value in ("1", "true", "yes"):
        return True
    raise SettingsError(f"{name} must be true or false, got {value!r}")


def _number(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingsError(f"{name} must be a number, got {raw!r}") from None
    if value <= 0:
        raise SettingsError(f"{name} must be positive, got {raw!r}")
    return value


def _tokens(env: Mapping[str, str]) -> dict[str, str]:
    pairs: list[tuple[str, str, str]] = []
    for item in filter(None, (p.strip() for p in env.get("ALLIANCEGRAPH_TOKENS", "").split(","))):
        token, _, role = item.rpartition(":")
        pairs.append((token, role, "ALLIANCEGRAPH_TOKENS"))
    path = env.get("ALLIANCEGRAPH_TOKENS_FILE")
    if path:
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if line.strip() and not line.lstrip().startswith("#"):
                token, _, role = line.strip().partition(" ")
                pairs.append((token, role.strip(), f"{path}:{number}"))
    tokens = {}
    for token, role, where in pairs:
        if not token or role not in ROLES:
            raise SettingsError(f"{where}: expected 'token role' with role reader or editor")
        tokens[token] = role
    return tokens


def _origins(raw: str) -> tuple[str, ...]:
    """Exact origins only: a wildcard or a path would silently let more pages in.

    >>> _origins(" https://a.example.org, http://127.0.0.1:5173 ")
    ('https://a.example.org', 'http://127.0.0.1:5173')
    >>> for bad in ("*", "https://a.example.org/app", "a.example.org"):
    ...     try:
    ...         _origins(bad)
    ...     except SettingsError as e:
    ...         print(str(e).rpartition(", ")[2])
    got '*'
    got 'https://a.example.org/app'
    got 'a.example.org'
    """
    origins = []
    for item in filter(None, (o.strip() for o in raw.split(","))):
        parts = urlsplit(item)
        if (parts.scheme not in ("http", "https") or not parts.hostname or "*" in item
                or parts.path or parts.query or parts.fragment or parts.username):  # fmt: skip
            raise SettingsError(
                "ALLIANCEGRAPH_CORS_ORIGINS: expected exact origins such as "
                f"https://planner.example.org, got {item!r}"
            )
        origins.append(item.rstrip("/"))
    return tuple(origins)


def _existing_file(env: Mapping[str, str], name: str) -> Path | None:
    raw = env.get(name)
    if not raw:
        return None
    path = Path(raw)
    if not path.is_file():
        raise SettingsError(f"{name}: no such file: {raw!r}")
    return path


def _seconds(env: Mapping[str, str], name: str) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return 0
    if not raw.isdigit():
        raise SettingsError(f"{name} must be a whole number of seconds (0 or more), got {raw!r}")
    return int(raw)
