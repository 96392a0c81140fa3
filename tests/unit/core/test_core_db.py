"""Database: pragmas, transactions, migrations (idempotent, atomic), the BatchWriter, backup."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from bot.batch import BatchWriter
from bot.db import Database, MigrationError
from bot.discovery import CORE_DIR


async def snapshot(db: Database) -> list[tuple]:
    """Schema and migration rows: what 'changes nothing' is measured on."""
    schema = await db.fetchall("SELECT type, name, sql FROM sqlite_master ORDER BY name")
    applied = await db.fetchall(
        "SELECT component, version, name, applied_at FROM schema_migrations ORDER BY 1, 2"
    )
    return [tuple(r) for r in schema] + [tuple(r) for r in applied]


async def test_pragmas(db: Database) -> None:
    assert await db.fetchval("PRAGMA journal_mode") == "wal"
    assert await db.fetchval("PRAGMA synchronous") == 1  # NORMAL
    assert await db.fetchval("PRAGMA foreign_keys") == 1
    assert await db.fetchval("PRAGMA busy_timeout") == 5000


async def test_migrations_applied_twice_change_nothing(db: Database) -> None:
    before = await snapshot(db)
    assert await db.migrate("core", CORE_DIR / "migrations") == []
    assert await snapshot(db) == before
    assert await db.applied_versions("core") == {1}


async def test_component_migrations_in_order_and_atomic(db: Database, tmp_path: Path) -> None:
    folder = tmp_path / "demo_migrations"
    folder.mkdir()
    (folder / "0001_items.sql").write_text(
        "CREATE TABLE demo_items (guild_id INTEGER NOT NULL, name TEXT NOT NULL);\n"
        "CREATE TRIGGER demo_trim AFTER INSERT ON demo_items BEGIN SELECT 1; END;\n",
        encoding="utf-8",
    )
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE demo_half (x INTEGER);\nINSERT INTO no_such_table VALUES (1);\n",
        encoding="utf-8",
    )
    with pytest.raises(MigrationError) as caught:
        await db.migrate("demo", folder)
    assert "0002_broken.sql" in str(caught.value)
    assert await db.applied_versions("demo") == {1}
    tables = {
        r[0] for r in await db.fetchall("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    assert "demo_items" in tables and "demo_half" not in tables, (
        "a failed file leaves nothing behind"
    )
    (folder / "0002_broken.sql").write_text(
        "CREATE TABLE demo_half (x INTEGER);\n", encoding="utf-8"
    )
    assert [m.version for m in await db.migrate("demo", folder)] == [2]
    assert await db.migrate("demo", folder) == []


def test_migration_names_are_checked(tmp_path: Path) -> None:
    (tmp_path / "1_bad.sql").write_text("SELECT 1;", encoding="utf-8")
    with pytest.raises(MigrationError):
        Database.migrations_in("demo", tmp_path)


async def test_transaction_commits_together_or_not_at_all(db: Database) -> None:
    await db.execute("CREATE TABLE t (guild_id INTEGER NOT NULL, v INTEGER)")
    async with db.transaction():
        await db.execute("INSERT INTO t VALUES (1, 1)")
        async with db.transaction():  # nested joins the outer one
            await db.execute("INSERT INTO t VALUES (1, 2)")
    with pytest.raises(RuntimeError):
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (1, 3)")
            raise RuntimeError("boom")
    with pytest.raises(sqlite3.IntegrityError):
        async with db.transaction():
            await db.execute("INSERT INTO t VALUES (1, 4)")
            await db.execute("INSERT INTO t VALUES (NULL, 5)")
    assert [r[0] for r in await db.fetchall("SELECT v FROM t ORDER BY v")] == [1, 2]
    assert await db.execute_count("DELETE FROM t WHERE guild_id = ?", (1,)) == 2


async def test_task_spawned_inside_a_transaction_gets_its_own_later(db: Database) -> None:
    """A task created inside a transaction (a dispatched listener) inherits the context; once
    that transaction is over, the task's own transactions must still BEGIN and roll back."""
    await db.execute("CREATE TABLE t (guild_id INTEGER NOT NULL, v INTEGER)")
    outer_done = asyncio.Event()

    async def later() -> None:
        await outer_done.wait()
        with pytest.raises(RuntimeError):
            async with db.transaction():
                await db.execute("INSERT INTO t VALUES (1, 2)")
                raise RuntimeError("boom")

    async with db.transaction():
        await db.execute("INSERT INTO t VALUES (1, 1)")
        task = asyncio.create_task(later())
    outer_done.set()
    await asyncio.wait_for(task, timeout=5)
    assert [r[0] for r in await db.fetchall("SELECT v FROM t WHERE guild_id = 1")] == [1]


async def test_batch_writer_flushes_on_close_and_keeps_rows_on_error(db: Database) -> None:
    await db.execute(
        "CREATE TABLE hits (guild_id INTEGER NOT NULL, user_id INTEGER NOT NULL, n INTEGER)"
    )
    writer = BatchWriter(db, "INSERT INTO hits VALUES (?, ?, ?)", interval=3600, name="hits")
    writer.start()
    for i in range(1000):
        writer.add((1, i % 10, 1))
    assert writer.pending == 1000
    assert await db.fetchval("SELECT COUNT(*) FROM hits") == 0, "nothing written before a flush"
    await writer.close()
    assert await db.fetchval("SELECT COUNT(*) FROM hits") == 1000 and writer.rows_written == 1000

    broken = BatchWriter(db, "INSERT INTO hits VALUES (?, ?, ?)", name="broken")
    broken.add((1, 2, 3))
    broken.add((None, 2, 3))  # violates NOT NULL: the whole batch rolls back
    with pytest.raises(sqlite3.IntegrityError):
        await broken.flush()
    assert broken.pending == 2 and await db.fetchval("SELECT COUNT(*) FROM hits") == 1000


async def test_batch_writer_flushes_in_background(db: Database) -> None:
    await db.execute("CREATE TABLE hits (guild_id INTEGER NOT NULL, n INTEGER)")
    writer = BatchWriter(db, "INSERT INTO hits VALUES (?, ?)", interval=0.01, name="bg")
    writer.start()
    writer.add((1, 1))
    await asyncio.wait_for(writer.flushed.wait(), timeout=5)
    assert writer.rows_written == 1
    await writer.close()


async def test_backup(db: Database, tmp_path: Path) -> None:
    await db.execute("CREATE TABLE kept (guild_id INTEGER NOT NULL)")
    await db.execute("INSERT INTO kept VALUES (42)")
    target = tmp_path / "backups" / "copy.db"
    await db.backup(target)
    with sqlite3.connect(target) as copy:
        assert copy.execute("SELECT guild_id FROM kept").fetchall() == [(42,)]
