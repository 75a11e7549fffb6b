"""`Neo4jReader` without a server: a read runs as one auto-commit statement, and a lost
connection is tried again on a fresh session while any other error is not."""

from __future__ import annotations

from typing import Any

import neo4j
import pytest
from neo4j.exceptions import ClientError, ServiceUnavailable, SessionExpired

from graphmodel.errors import UnavailableError
from stores.neo4j import READ_ATTEMPTS, Neo4jReader


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
