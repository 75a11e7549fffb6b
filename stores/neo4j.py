"""The Neo4j store: the system of record, reached only through the official driver.

`neo4j://` URIs route: reads go to readers (`RoutingControl.READ`), writes to the leader.
Driver errors are translated into `UnavailableError` here and never escape.
"""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from typing import Any, LiteralString, TypeVar

import neo4j
import neo4j.graph
from neo4j import AsyncGraphDatabase, GraphDatabase, RoutingControl
from neo4j.api import AsyncBookmarkManager, BookmarkManager
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    CypherTypeError,
    DriverError,
    ServiceUnavailable,
    SessionExpired,
    TransientError,
)

from graphmodel import deadline
from graphmodel.dataset import Dataset
from graphmodel.enums import Label, Rel
from graphmodel.errors import DeadlineError, InvalidInputError, UnavailableError
from graphmodel.settings import Settings
from graphmodel.store import LoadReport, NamedQuery, Statement
from loaders import neo4j_writer

T = TypeVar("T")

# How many times a read is tried when its connection fails (`Neo4jReader._auto_commit`).
READ_ATTEMPTS = 3

# How long a clean look at the load markers is trusted (one small query per period).
LOAD_CHECK_SECONDS = 2.0

# Counts come from the count store: one literal statement per label and type, no scan.
_COUNT_PARTS = [
    f"MATCH (n:{label.value}) RETURN '{label.value}' AS name, count(n) AS n" for label in Label
] + [f"MATCH ()-[r:{rel.value}]->() RETURN '{rel.value}' AS name, count(r) AS n" for rel in Rel]
STATS: LiteralString = "\nUNION ALL\n".join(_COUNT_PARTS)


@contextmanager
def translated() -> Iterator[None]:
    try:
        yield
    except (ServiceUnavailable, SessionExpired) as exc:
        raise UnavailableError(f"Neo4j is unavailable: {exc}") from exc
    except AuthError as exc:
        raise UnavailableError(f"Neo4j refused the credentials: {exc.message}") from exc
    except DriverError as exc:
        raise UnavailableError(f"Neo4j driver error: {exc}") from exc
    except TransientError as exc:
        if exc.code == "Neo.TransientError.General.MemoryPoolOutOfMemoryError":
            # Not worth retrying: the same transaction will hit the same limit.
            raise UnavailableError(
                "the write is too large for the server's transaction memory "
                f"(db.memory.transaction.total.max): {exc.message}"
            ) from exc
        raise UnavailableError(f"Neo4j is busy, try again: {exc.message}") from exc
    except (ConstraintError, CypherTypeError) as exc:
        # The data broke a database rule that validation did not foresee; nothing was written.
        raise InvalidInputError.one(
            f"Neo4j rejected the write ({exc.code}): {exc.message}",
            file="<neo4j>",
            consequence="nothing was written",
        ) from exc
    except ClientError as exc:
        if "TransactionTimedOut" in (exc.code or ""):
            # The transaction timeout we passed (the request's time left) ran out.
            raise DeadlineError(f"Neo4j stopped the query at the deadline: {exc.message}") from exc
        raise


# One node holds a random stamp, replaced in the transaction of every load and write.
BUMP_DATA_VERSION: LiteralString = (
    "MERGE (v:DataVersion {id: 'data'}) SET v.stamp = randomUUID(), v.at = datetime()"
)
DATA_VERSION: LiteralString = "MATCH (v:DataVersion {id: 'data'}) RETURN v.stamp AS stamp"


class Neo4jReader:
    """Runs read-only Cypher, one round trip per call, routed to readers; counts the trips.

    Inside a request (`graphmodel.deadline`), each round trip first checks the deadline and
    hands Neo4j the time left as the transaction timeout, so a named query of several round
    trips stops between them, and a long one is stopped by the server itself.
    """

    def __init__(self, driver: neo4j.Driver, database: str) -> None:
        self.driver = driver
        self.database = database
        self.round_trips = 0

    def rows(self, cypher: LiteralString, **params: Any) -> list[dict[str, Any]]:
        records = self._records(cypher, params)
        return [{k: plain(v) for k, v in r.items()} for r in records]  # type: ignore[no-untyped-call]

    def maps(self, cypher: LiteralString, **params: Any) -> list[dict[str, Any]]:
        """Like `rows`, for a statement that returns no node or relationship (only maps,
        lists and values, as a map projection does): the driver's values as they are,
        without `plain` walking every nested map again (a third of a large read's time)."""
        return as_maps(self._records(cypher, params))

    def _records(self, cypher: LiteralString, params: dict[str, Any]) -> list[neo4j.Record]:
        query = self.query(cypher)
        with translated():
            return self._auto_commit(query, params)

    def query(self, cypher: LiteralString) -> LiteralString | neo4j.Query:
        """Count one round trip; inside a request, check its deadline and hand Neo4j the
        time left as the transaction timeout."""
        self.round_trips += 1
        limit = deadline.current()
        if limit is None:
            return cypher
        limit.check()
        # At least a millisecond: a zero timeout would mean "the server's default".
        return neo4j.Query(cypher, timeout=max(limit.remaining(), 0.001))

    def _auto_commit(self, query: LiteralString | neo4j.Query, params: dict[str, Any]
                     ) -> list[neo4j.Record]:  # fmt: skip
        """One auto-commit read: RUN and PULL, without the BEGIN and COMMIT of the managed
        transaction `execute_query` opens (~0.1-0.3 ms less Python and Neo4j CPU per
        statement, bench/README.md). A read changes nothing, so what the managed
        transaction's retry was for, a connection lost or a routing table gone stale, is
        retried here on a fresh connection; any other error is the caller's. The bookmarks
        are the ones `execute_query` would have used, so causal chaining is unchanged."""
        for _ in range(READ_ATTEMPTS - 1):
            try:
                return self._read_once(query, params)
            except (SessionExpired, ServiceUnavailable):
                continue
        return self._read_once(query, params)

    def _read_once(self, query: LiteralString | neo4j.Query, params: dict[str, Any]
                   ) -> list[neo4j.Record]:  # fmt: skip
        with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS,
            bookmark_manager=self.driver.execute_query_bookmark_manager,
        ) as session:  # fmt: skip
            return list(session.run(query, params))


def as_maps(records: list[neo4j.Record]) -> list[dict[str, Any]]:
    if not records:
        return []
    keys = records[0].keys()
    return [dict(zip(keys, r, strict=True)) for r in records]


class SharedBookmarks(AsyncBookmarkManager):
    """The sync driver's `execute_query` bookmark manager, for the async driver's sessions:
    one chain of bookmarks whichever driver a read went through, so causal chaining is the
    same as when every read used the sync driver. Its methods take a lock and return."""

    def __init__(self, manager: BookmarkManager) -> None:
        self._manager = manager

    async def update_bookmarks(self, previous_bookmarks: Collection[str],
                               new_bookmarks: Collection[str]) -> None:  # fmt: skip
        self._manager.update_bookmarks(previous_bookmarks, new_bookmarks)

    async def get_bookmarks(self) -> Collection[str]:
        return self._manager.get_bookmarks()


class AsyncNeo4jReader:
    """`Neo4jReader.maps` on the async driver, for the server's event loop: a read awaits
    Neo4j's answer on the loop instead of holding a worker thread, so the records are
    decoded on the loop's own thread, with no hand-off to a thread and back and no
    contention for the GIL with it (bench/README.md, peer benchmark). The same round-trip
    count (the sync reader's), deadline, auto-commit statement, retry of a lost connection
    and bookmarks as `Neo4jReader`."""

    def __init__(self, driver: neo4j.AsyncDriver, database: str, counter: Neo4jReader) -> None:
        self.driver = driver
        self.database = database
        self.counter = counter
        self.bookmarks = SharedBookmarks(counter.driver.execute_query_bookmark_manager)

    async def maps(self, cypher: LiteralString, **params: Any) -> list[dict[str, Any]]:
        query = self.counter.query(cypher)
        with translated():
            for _ in range(READ_ATTEMPTS - 1):
                try:
                    return as_maps(await self._read_once(query, params))
                except (SessionExpired, ServiceUnavailable):
                    continue
            return as_maps(await self._read_once(query, params))

    async def _read_once(self, query: LiteralString | neo4j.Query, params: dict[str, Any]
                         ) -> list[neo4j.Record]:  # fmt: skip
        async with self.driver.session(
            database=self.database, default_access_mode=neo4j.READ_ACCESS,
            bookmark_manager=self.bookmarks,
        ) as session:  # fmt: skip
            result = await session.run(query, params)
            return [record async for record in result]


def plain(value: Any) -> Any:
    """Nodes and relationships as their property maps (`Record.data()` turns a relationship
    into a tuple of its ends), recursively through lists and maps."""
    if isinstance(value, neo4j.graph.Node | neo4j.graph.Relationship):
        return dict(value)
    if isinstance(value, list):
        return [plain(v) for v in value]
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    return value


class Neo4jStore:
    kind = "neo4j"

    def __init__(self, settings: Settings) -> None:
        if not settings.neo4j_uri:
            raise UnavailableError("NEO4J_URI is not set")
        self.settings = settings
        self.driver = GraphDatabase.driver(settings.neo4j_uri, **self._options())
        self.reader = Neo4jReader(self.driver, settings.neo4j_database)
        self._loads_checked = 0.0  # monotonic time of the last clean look at the load markers
        self.load_checks = 0
        self._async: AsyncNeo4jReader | None = None  # the server's loop's, see `open_async`
        self._async_loop: asyncio.AbstractEventLoop | None = None

    def _options(self) -> dict[str, Any]:
        settings = self.settings
        return {
            "auth": (settings.neo4j_user, settings.neo4j_password),
            # Short waits: when Neo4j is away, callers get UNAVAILABLE promptly, and the
            # pool reconnects by itself when it returns.
            "connection_timeout": settings.neo4j_timeout,
            "connection_acquisition_timeout": settings.neo4j_timeout,
            "max_transaction_retry_time": settings.neo4j_timeout,
            # Notifications (e.g. "relationship type does not exist" on an empty database)
            # are for people writing Cypher by hand, not for a product's logs.
            "notifications_min_severity": "OFF",
        }

    def run(self, query: NamedQuery, /, **args: Any) -> Any:
        self.check_loads()
        return query.on_neo4j(self.reader, **args)

    async def open_async(self) -> bool:
        """Open an async driver for the running event loop (the server's, from its
        lifespan), for `arun`; True if this call opened it, and so must close it
        (`close_async`). One loop at a time: another loop's reads keep to threads."""
        if self._async is not None or self.settings.neo4j_uri is None:
            return False
        driver = AsyncGraphDatabase.driver(self.settings.neo4j_uri, **self._options())
        self._async = AsyncNeo4jReader(driver, self.settings.neo4j_database, self.reader)
        self._async_loop = asyncio.get_running_loop()
        return True

    async def close_async(self) -> None:
        found, self._async, self._async_loop = self._async, None, None
        if found is not None:
            await found.driver.close()

    def async_reader(self) -> AsyncNeo4jReader | None:
        """The async reader if it belongs to the running loop, else None (use `run`)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return None
        return self._async if loop is self._async_loop else None

    async def arun(self, reader: AsyncNeo4jReader, query: NamedQuery, /, **args: Any) -> Any:
        """`run` of a query that is one statement (`query.neo4j_statement`), on `reader`
        (`async_reader`): the same load check, statement and answer."""
        assert query.neo4j_statement is not None
        if self._loads_due():
            with translated():
                records, _, _ = await reader.driver.execute_query(
                    neo4j_writer.INCOMPLETE_LOADS, routing_=RoutingControl.READ,
                    database_=self.settings.neo4j_database, bookmark_manager_=reader.bookmarks,
                )  # fmt: skip
            self._loads_seen(records)
        statement: Statement = query.neo4j_statement(**args)
        # The text is made from constants and the plan's shape; values are parameters.
        return statement.finish(await reader.maps(statement.cypher, **statement.params))

    def check_loads(self) -> None:
        """Refuse to answer from a half-written graph: a batched load still in progress, or
        one that was interrupted. Looked up at most every `LOAD_CHECK_SECONDS`."""
        if not self._loads_due():
            return
        with translated():
            records, _, _ = self.driver.execute_query(
                neo4j_writer.INCOMPLETE_LOADS, routing_=RoutingControl.READ,
                database_=self.settings.neo4j_database,
            )  # fmt: skip
        self._loads_seen(records)

    def _loads_due(self) -> bool:
        return time.monotonic() - self._loads_checked >= LOAD_CHECK_SECONDS

    def _loads_seen(self, records: list[neo4j.Record]) -> None:
        now = time.monotonic()
        self.load_checks += 1
        if records:
            names = ", ".join(f"{r['dataset']} (started {r['started']})" for r in records)
            raise UnavailableError(
                f"the database holds a partly written load of dataset(s) {names}: a load is "
                "running or was interrupted; run `alliancegraph load` again to complete it"
            )
        self._loads_checked = now

    def ping(self) -> None:
        with translated():
            self.driver.verify_connectivity()

    def ensure_schema(self) -> None:
        with translated(), self.driver.session(database=self.settings.neo4j_database) as s:
            for statement in neo4j_writer.SCHEMA:
                s.run(statement).consume()
            s.run("CALL db.awaitIndexes(300)").consume()

    def write(self, work: Callable[[neo4j.ManagedTransaction], T]) -> T:
        """Run `work` as one write transaction, retried by the driver on transient errors.

        The same transaction stamps the data version afresh (`data_version`), so an HTTP
        cache's ETag changes with every load and write, whichever process made it."""

        def stamped(tx: neo4j.ManagedTransaction) -> T:
            result = work(tx)
            tx.run(BUMP_DATA_VERSION).consume()
            return result

        with translated(), self.driver.session(database=self.settings.neo4j_database) as s:
            return s.execute_write(stamped)

    def data_version(self) -> str:
        """The stamp of the last load or write (one round trip); "none" on an empty graph."""
        rows = self.reader.rows(DATA_VERSION)
        return str(rows[0]["stamp"]) if rows else "none"

    def load(
        self,
        dataset: Dataset,
        one_transaction: bool | None = None,
        progress: Callable[[str, int], None] | None = None,
    ) -> LoadReport:
        """Replace the dataset's facts with `dataset` (see `loaders.neo4j_writer`): in one
        transaction up to `ONE_TRANSACTION_MAX` rows (or when asked), else batch by batch
        under a load marker; either way safe to re-run, and a re-run completes a broken one.
        `progress(what, rows)` hears of each committed batch of a batched load."""
        started = time.perf_counter()
        self.ensure_schema()
        gen = uuid.uuid4().hex
        rows = neo4j_writer.rows(dataset)
        if one_transaction is None:
            one_transaction = rows <= neo4j_writer.ONE_TRANSACTION_MAX
        mark = {"dataset": dataset.id, "gen": gen}
        begin = neo4j_writer.begin_params(dataset, gen)
        if one_transaction:

            def replace(tx: neo4j.ManagedTransaction) -> None:
                tx.run(neo4j_writer.BEGIN_LOAD, begin).consume()
                neo4j_writer.write(tx, dataset, gen)
                neo4j_writer.refresh_all_pool(tx)
                tx.run(neo4j_writer.END_LOAD, mark).consume()

            self.write(replace)
        else:
            self.write(lambda tx: tx.run(neo4j_writer.BEGIN_LOAD, begin).consume())
            self._loads_checked = 0.0  # our own marker: readers here look again
            done: dict[str, int] = {}
            for what, n, work in neo4j_writer.batched_units(dataset, gen):
                self.write(work)
                done[what] = done.get(what, 0) + n
                if progress is not None:
                    progress(what, done[what])
            with translated(), self.driver.session(database=self.settings.neo4j_database) as s:
                for statement in neo4j_writer.STALE_BATCHED:
                    s.run(statement, mark).consume()
            self.refresh_route_pool()
            self.write(lambda tx: tx.run(neo4j_writer.END_LOAD, mark).consume())
        self._loads_checked = 0.0
        counts = dataset.counts()
        return LoadReport(
            dataset=dataset.id,
            nodes={label.value: counts.get(label.value, 0) for label in Label},
            relationships={rel.value: counts.get(rel.value, 0) for rel in Rel},
            seconds=time.perf_counter() - started,
        )

    def refresh_route_pool(self) -> None:
        """Recompute every derived route-pool relationship (`neo4j_writer.POOL_RELS`), batch
        by batch: the end of a batched load, and of any load that bypasses `load` (an
        offline import) before its marker says complete."""
        with translated(), self.driver.session(database=self.settings.neo4j_database) as s:
            for statement in neo4j_writer.DROP_POOL_BATCHED:
                s.run(statement).consume()
            pool_work = list(neo4j_writer.all_pool_work(s))
        for work in pool_work:
            self.write(work)

    def stats(self) -> dict[str, int]:
        rows = self.reader.rows(STATS)
        return {r["name"]: r["n"] for r in rows if r["n"]}

    def clear(self) -> None:
        """Delete everything (tests and benchmarks only), in batches the server can hold."""
        with translated(), self.driver.session(database=self.settings.neo4j_database) as s:
            s.run("MATCH (n) CALL (n) { DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS").consume()

    def close(self) -> None:
        self.driver.close()
