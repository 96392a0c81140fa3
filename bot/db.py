"""The database: one aiosqlite connection (WAL, NORMAL sync), numbered migrations, stores.

Every statement outside :meth:`Database.transaction` commits by itself; statements inside one
commit together. A lock serialises transactions so that one coroutine's statements never land
inside another coroutine's transaction on the shared connection.
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Iterable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiosqlite

log = logging.getLogger(__name__)

Params = Sequence[Any] | dict[str, Any]
_MIGRATION_FILE = re.compile(r"^(\d{4})_([A-Za-z0-9_\-]+)\.sql$")
# The transaction the current task runs inside (lets it skip the lock). A task created inside
# a transaction inherits this value, so it is only trusted while that transaction is still open
# (see Database._joins_open_transaction).
_in_transaction: contextvars.ContextVar[object | None] = contextvars.ContextVar(
    "vigie_db_in_transaction", default=None
)


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file of a component."""

    component: str
    version: int
    name: str
    path: Path


class MigrationError(RuntimeError):
    """A migration file is malformed or failed to apply (nothing of it was kept)."""


class Database:
    """The single shared SQLite connection of the process."""

    def __init__(self, conn: aiosqlite.Connection, path: str) -> None:
        self._conn = conn
        self.path = path
        self._lock = asyncio.Lock()
        # The token of the transaction that holds the lock, None between transactions.
        self._open: object | None = None

    @classmethod
    async def open(cls, path: str | Path, *, busy_timeout_ms: int = 5000) -> Database:
        """Open (creating parent folders) and configure the database at ``path``."""
        target = str(path)
        if target != ":memory:":
            Path(target).parent.mkdir(parents=True, exist_ok=True)
        # isolation_level=None: autocommit; our transaction() issues BEGIN IMMEDIATE itself.
        conn = await aiosqlite.connect(target, isolation_level=None)
        conn.row_factory = sqlite3.Row
        await conn.execute("PRAGMA journal_mode=WAL")
        await conn.execute("PRAGMA synchronous=NORMAL")
        await conn.execute("PRAGMA foreign_keys=ON")
        await conn.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        db = cls(conn, target)
        await db._ensure_migrations_table()
        return db

    async def close(self) -> None:
        """Close the connection (pending batches must be flushed before)."""
        await self._conn.close()

    @property
    def connection(self) -> aiosqlite.Connection:
        """The raw connection, for the backup API and tests only."""
        return self._conn

    def _joins_open_transaction(self) -> bool:
        token = _in_transaction.get()
        return token is not None and token is self._open

    @asynccontextmanager
    async def _guard(self) -> AsyncIterator[None]:
        if self._joins_open_transaction():
            yield
            return
        async with self._lock:
            yield

    async def execute(self, sql: str, params: Params = ()) -> int:
        """Run one statement; return ``lastrowid`` (inserts) — rowcount via :meth:`execute_count`."""
        async with self._guard():
            cursor = await self._conn.execute(sql, params)
            rowid = cursor.lastrowid or 0
            await cursor.close()
            return rowid

    async def execute_count(self, sql: str, params: Params = ()) -> int:
        """Run one statement and return how many rows it changed."""
        async with self._guard():
            cursor = await self._conn.execute(sql, params)
            count = cursor.rowcount
            await cursor.close()
            return count

    async def executemany(self, sql: str, rows: Iterable[Params]) -> None:
        """Run ``sql`` for every row; outside a transaction the whole batch commits at once."""
        batch = list(rows)
        if not batch:
            return
        if self._joins_open_transaction():
            await self._conn.executemany(sql, batch)
            return
        async with self.transaction():
            await self._conn.executemany(sql, batch)

    async def fetchone(self, sql: str, params: Params = ()) -> sqlite3.Row | None:
        """First row of a query, or None."""
        async with self._guard():
            cursor = await self._conn.execute(sql, params)
            row = await cursor.fetchone()
            await cursor.close()
            return row

    async def fetchall(self, sql: str, params: Params = ()) -> list[sqlite3.Row]:
        """Every row of a query."""
        async with self._guard():
            cursor = await self._conn.execute(sql, params)
            rows = await cursor.fetchall()
            await cursor.close()
            return list(rows)

    async def fetchval(self, sql: str, params: Params = ()) -> Any:
        """First column of the first row, or None."""
        row = await self.fetchone(sql, params)
        return None if row is None else row[0]

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[Database]:
        """``BEGIN IMMEDIATE`` ... ``COMMIT`` (``ROLLBACK`` on error); nested calls join the outer."""
        if self._joins_open_transaction():
            yield self
            return
        async with self._lock:
            self._open = object()
            token = _in_transaction.set(self._open)
            try:
                await self._conn.execute("BEGIN IMMEDIATE")
                try:
                    yield self
                except BaseException:
                    await self._conn.execute("ROLLBACK")
                    raise
                await self._conn.execute("COMMIT")
            finally:
                _in_transaction.reset(token)
                self._open = None

    # -- migrations ---------------------------------------------------------------------------

    async def _ensure_migrations_table(self) -> None:
        await self.execute(
            "CREATE TABLE IF NOT EXISTS schema_migrations ("
            " component TEXT NOT NULL, version INTEGER NOT NULL, name TEXT NOT NULL,"
            " applied_at TEXT NOT NULL, PRIMARY KEY (component, version))"
        )

    @staticmethod
    def migrations_in(component: str, directory: Path) -> list[Migration]:
        """The numbered ``NNNN_name.sql`` files of ``directory``, in order."""
        if not directory.is_dir():
            return []
        found: list[Migration] = []
        seen: dict[int, Path] = {}
        for path in sorted(directory.glob("*.sql")):
            match = _MIGRATION_FILE.match(path.name)
            if not match:
                raise MigrationError(f"{path}: migration files are named NNNN_what.sql")
            version = int(match.group(1))
            if version in seen:
                raise MigrationError(f"{path}: version {version} also used by {seen[version]}")
            seen[version] = path
            found.append(Migration(component, version, match.group(2), path))
        return found

    async def applied_versions(self, component: str) -> set[int]:
        """Versions of ``component`` already recorded in ``schema_migrations``."""
        rows = await self.fetchall(
            "SELECT version FROM schema_migrations WHERE component = ?", (component,)
        )
        return {int(r[0]) for r in rows}

    async def migrate(self, component: str, directory: Path) -> list[Migration]:
        """Apply the pending migrations of ``component``, each in its own transaction."""
        applied = await self.applied_versions(component)
        done: list[Migration] = []
        for migration in self.migrations_in(component, directory):
            if migration.version in applied:
                continue
            await self._apply(migration)
            done.append(migration)
            log.info("applied migration %s/%04d_%s", component, migration.version, migration.name)
        return done

    async def _apply(self, migration: Migration) -> None:
        sql = migration.path.read_text(encoding="utf-8")
        async with self._lock:
            # executescript() would COMMIT an open transaction first, so BEGIN goes in the script.
            try:
                await self._conn.executescript("BEGIN IMMEDIATE;\n" + sql)
                await self._conn.execute(
                    "INSERT INTO schema_migrations (component, version, name, applied_at)"
                    " VALUES (?, ?, ?, ?)",
                    (
                        migration.component,
                        migration.version,
                        migration.name,
                        datetime.now(UTC).isoformat(timespec="seconds"),
                    ),
                )
                await self._conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if self._conn.in_transaction:
                    await self._conn.execute("ROLLBACK")
                raise MigrationError(
                    f"{migration.path}: {exc} (nothing of this migration was applied)"
                ) from exc

    async def backup(self, target: str | Path) -> None:
        """Copy the live database to ``target`` with SQLite's online backup API."""
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        async with self._lock:
            dest = await aiosqlite.connect(str(target))
            try:
                await self._conn.backup(dest)
            finally:
                await dest.close()


class Store:
    """Base of every feature store: all SQL of a feature lives in its subclass.

    Subclasses implement :meth:`export_user` and :meth:`forget_user` for ``/privacy``.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        """Everything this store keeps about the user in the guild, JSON-serialisable."""
        raise NotImplementedError

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        """Delete (or anonymise, when documented) the user's rows; return how many changed."""
        raise NotImplementedError
