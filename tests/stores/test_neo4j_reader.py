"""`Neo4jReader` and `AsyncNeo4jReader` without a server: a read runs as one auto-commit
statement, and a lost connection is tried again on a fresh session while any other error
is not."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from types import SimpleNamespace
from typing import Any

import neo4j
import pytest
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired

from graphmodel.errors import UnavailableError
from stores.neo4j import READ_ATTEMPTS, AsyncNeo4jReader, Neo4jReader


class FakeDriver:
    """Sessions whose `run` fails with the next of `failures`, then answers `rows`."""

    def __init__(self, failures: list[Exception], rows: list[Any]) -> None:
        self.failures = failures
        self.rows = rows
        self.sessions: list[dict[str, Any]] = []
        self.execute_query_bookmark_manager = object()

    def session(self, **config: Any) -> FakeDriver:
        self.sessions.append(config)
        return self

    def __enter__(self) -> FakeDriver:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def run(self, query: Any, params: dict[str, Any]) -> list[Any]:
        if self.failures:
            raise self.failures.pop(0)
        return self.rows


def test_a_read_is_one_auto_commit_read_session_with_the_shared_bookmarks() -> None:
    driver = FakeDriver([], [neo4j.Record({"x": 1})])
    reader = Neo4jReader(driver, "neo4j")  # type: ignore[arg-type]
    assert reader.maps("RETURN 1 AS x") == [{"x": 1}]
    assert driver.sessions == [{
        "database": "neo4j", "default_access_mode": neo4j.READ_ACCESS,
        "bookmark_manager": driver.execute_query_bookmark_manager,
    }]  # fmt: skip
    assert reader.round_trips == 1


def test_a_lost_connection_is_tried_again_on_a_fresh_session() -> None:
    lost = [SessionExpired("gone"), ServiceUnavailable("away")]
    driver = FakeDriver(lost, [neo4j.Record({"x": 2})])
    reader = Neo4jReader(driver, "neo4j")  # type: ignore[arg-type]
    assert reader.maps("RETURN 2 AS x") == [{"x": 2}]
    assert len(driver.sessions) == 3


def test_a_connection_lost_every_time_is_unavailable() -> None:
    driver = FakeDriver([ServiceUnavailable("away")] * READ_ATTEMPTS, [{"x": 3}])
    reader = Neo4jReader(driver, "neo4j")  # type: ignore[arg-type]
    with pytest.raises(UnavailableError, match="unavailable"):
        reader.maps("RETURN 3 AS x")
    assert len(driver.sessions) == READ_ATTEMPTS


def test_a_statement_error_is_not_retried() -> None:
    driver = FakeDriver([ClientError("bad")], [{"x": 4}])
    reader = Neo4jReader(driver, "neo4j")  # type: ignore[arg-type]
    with pytest.raises(ClientError):
        reader.maps("RETURN nonsense")
    assert len(driver.sessions) == 1


class FakeAsyncDriver:
    """`FakeDriver` for `AsyncNeo4jReader`: async sessions, results iterated with `async for`."""

    def __init__(self, failures: list[Exception], rows: list[Any]) -> None:
        self.sync = FakeDriver(failures, rows)

    def session(self, **config: Any) -> FakeAsyncDriver:
        self.sync.sessions.append(config)
        return self

    async def __aenter__(self) -> FakeAsyncDriver:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    async def run(self, query: Any, params: dict[str, Any]) -> AsyncIterator[Any]:
        rows = self.sync.run(query, params)

        async def each() -> AsyncIterator[Any]:
            for row in rows:
                yield row

        return each()


def async_reader(failures: list[Exception], rows: list[Any]) -> tuple[AsyncNeo4jReader, Any]:
    driver = FakeAsyncDriver(failures, rows)
    bookmarks = neo4j.GraphDatabase.bookmark_manager()
    counter = Neo4jReader(SimpleNamespace(execute_query_bookmark_manager=bookmarks), "neo4j")  # type: ignore[arg-type]
    return AsyncNeo4jReader(driver, "neo4j", counter), driver.sync  # type: ignore[arg-type]


def test_an_async_read_is_one_auto_commit_read_session_counted_by_the_sync_reader() -> None:
    reader, driver = async_reader([], [neo4j.Record({"x": 1})])
    assert asyncio.run(reader.maps("RETURN 1 AS x")) == [{"x": 1}]
    assert driver.sessions == [{
        "database": "neo4j", "default_access_mode": neo4j.READ_ACCESS,
        "bookmark_manager": reader.bookmarks,
    }]  # fmt: skip
    assert reader.counter.round_trips == 1


def test_the_async_reads_share_the_sync_drivers_bookmarks() -> None:
    reader, _ = async_reader([], [])
    shared = reader.counter.driver.execute_query_bookmark_manager
    asyncio.run(reader.bookmarks.update_bookmarks([], ["bm:1"]))
    assert set(shared.get_bookmarks()) == {"bm:1"}
    shared.update_bookmarks(["bm:1"], ["bm:2"])
    assert set(asyncio.run(reader.bookmarks.get_bookmarks())) == {"bm:2"}


def test_an_async_read_tries_a_lost_connection_again_and_not_a_statement_error() -> None:
    reader, driver = async_reader([SessionExpired("gone"), ServiceUnavailable("away")],
                                  [neo4j.Record({"x": 2})])  # fmt: skip
    assert asyncio.run(reader.maps("RETURN 2 AS x")) == [{"x": 2}]
    assert len(driver.sessions) == 3
    reader, driver = async_reader([ServiceUnavailable("away")] * READ_ATTEMPTS, [])
    with pytest.raises(UnavailableError, match="unavailable"):
        asyncio.run(reader.maps("RETURN 3 AS x"))
    assert len(driver.sessions) == READ_ATTEMPTS
    reader, driver = async_reader([ClientError("bad")], [])
    with pytest.raises(ClientError):
        asyncio.run(reader.maps("RETURN nonsense"))
    assert len(driver.sessions) == 1
