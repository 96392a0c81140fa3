"""Foundation e2e: /privacy mine, export and forget walk every registered store."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

OTHER_GUILD = 4242


class NotesStore:
    """A test-only store: one table of notes per member, like a feature store would keep."""

    table = "e2e_notes"

    def __init__(self, db: Any) -> None:
        self.db = db

    async def create(self) -> None:
        await self.db.execute(
            f"CREATE TABLE IF NOT EXISTS {self.table}"
            " (guild_id INTEGER NOT NULL, user_id INTEGER NOT NULL, note TEXT NOT NULL)"
        )

    async def add(self, guild_id: int, user_id: int, note: str) -> None:
        await self.db.execute(
            f"INSERT INTO {self.table} (guild_id, user_id, note) VALUES (?, ?, ?)",  # noqa: S608
            (guild_id, user_id, note),
        )

    async def notes(self, guild_id: int, user_id: int) -> list[str]:
        rows = await self.db.fetchall(
            f"SELECT note FROM {self.table} WHERE guild_id = ? AND user_id = ? ORDER BY rowid",  # noqa: S608
            (guild_id, user_id),
        )
        return [row["note"] for row in rows]

    async def export_user(self, guild_id: int, user_id: int) -> dict[str, Any]:
        return {"notes": await self.notes(guild_id, user_id)}

    async def forget_user(self, guild_id: int, user_id: int) -> int:
        return await self.db.execute_count(
            f"DELETE FROM {self.table} WHERE guild_id = ? AND user_id = ?",  # noqa: S608
            (guild_id, user_id),
        )


class BadgesStore(NotesStore):
    """A second store, so that "every store" means more than one."""

    table = "e2e_badges"


@pytest.fixture
async def stores(world):
    notes, badges = NotesStore(world.bot.db), BadgesStore(world.bot.db)
    for store in (notes, badges):
        await store.create()
        world.bot.register_store(store)
    alice, bob = world.member("alice"), world.member("bob")
    await notes.add(world.guild.id, alice.user.id, "likes trivia")
    await notes.add(world.guild.id, alice.user.id, "asked for help")
    await badges.add(world.guild.id, alice.user.id, "helper")
    await notes.add(OTHER_GUILD, alice.user.id, "other server")
    await notes.add(world.guild.id, bob.user.id, "bob's note")
    return notes, badges


async def test_privacy_mine_returns_my_data_as_json_ephemeral(world, stores):
    alice = world.member("alice")
    r = await alice.slash("privacy mine")
    reply = await r.response(timeout=5)
    assert reply.ephemeral
    assert reply.content == world.t("admin.privacy_mine")
    [(filename, raw)] = reply.attachments
    assert filename.endswith(".json")
    data = json.loads(raw)
    assert int(data["user_id"]) == alice.user.id and int(data["guild_id"]) == world.guild.id
    assert data["data"]["notes"] == {"notes": ["likes trivia", "asked for help"]}
    assert data["data"]["badges"] == {"notes": ["helper"]}
    # Only this server, only this member.
    assert "other server" not in raw.decode() and "bob's note" not in raw.decode()


async def test_privacy_export_and_forget_are_for_managers_only(world, stores):
    notes, _ = stores
    alice, bob = world.member("alice"), world.member("bob")
    refused = await (await bob.slash("privacy export", member=alice)).response(timeout=5)
    assert refused.ephemeral and refused.content == world.t("errors.not_manager")
    assert not refused.attachments
    refused = await (await bob.slash("privacy forget", member=alice)).response(timeout=5)
    assert refused.content == world.t("errors.not_manager")
    assert not refused.components
    assert len(await notes.notes(world.guild.id, alice.user.id)) == 2
    reply = await (await world.manager.slash("privacy export", member=alice)).response(timeout=5)
    data = json.loads(reply.attachments[0][1])
    assert data["data"]["notes"] == {"notes": ["likes trivia", "asked for help"]}


async def test_privacy_forget_removes_rows_from_every_store_after_confirmation(world, stores):
    notes, badges = stores
    alice, bob = world.member("alice"), world.member("bob")
    forgotten: list[tuple[int, int]] = []
    told = asyncio.Event()

    async def on_member_data_forgotten(guild_id: int, user_id: int) -> None:
        forgotten.append((guild_id, user_id))
        told.set()

    world.bot.add_listener(on_member_data_forgotten)
    r = await world.manager.slash("privacy forget", member=alice)
    ask = await r.response(timeout=5)
    assert ask.ephemeral
    # Nothing is erased before the confirmation.
    assert await notes.notes(world.guild.id, alice.user.id)
    click = await world.manager.click(r, world.t("admin.button_forget"))
    done = await click.response(timeout=5)
    assert done.content == world.t("admin.privacy_forgotten", member=f"<@{alice.user.id}>", count=3)
    for store in (notes, badges):
        assert await store.notes(world.guild.id, alice.user.id) == []
    # Other members and other servers are untouched.
    assert await notes.notes(world.guild.id, bob.user.id) == ["bob's note"]
    assert await notes.notes(OTHER_GUILD, alice.user.id) == ["other server"]
    export = await world.bot.privacy.export_user(world.guild.id, alice.user.id)
    assert export["data"]["notes"] == {"notes": []} and export["data"]["badges"] == {"notes": []}
    # Features holding unflushed rows in memory are told to drop them.
    await asyncio.wait_for(told.wait(), 5)
    assert forgotten == [(world.guild.id, alice.user.id)]


def _normalized(export: dict[str, Any], user_id: int) -> str:
    """An export with the member's id and the export time blanked, to compare shapes."""
    data = dict(export, exported_at=None)
    return json.dumps(data, sort_keys=True, default=str).replace(str(user_id), "<member>")


async def test_privacy_forget_after_real_activity_leaves_what_a_stranger_has(world):
    # Real activity in every feature that keeps data: a join and a few messages.
    alice = await world.sb.join("alice", guild=world.guild)
    for n in range(3):
        await alice.say("#general", f"hello everyone, message {n}")
    await world.sb.wait_for_message(
        "general", author=alice.user, where=lambda m: m["content"].endswith("2")
    )
    # A restart flushes what the features batch in memory.
    await world.restart()
    privacy = world.bot.privacy
    stranger = world.member("stranger")
    before = await privacy.export_user(world.guild.id, alice.id)
    blank = await privacy.export_user(world.guild.id, stranger.id)
    nothing = _normalized(blank, stranger.id)
    assert _normalized(before, alice.id) != nothing, "the activity left no data to forget"
    holding = sorted(
        name
        for name, part in before["data"].items()
        if _normalized({"p": part}, alice.id)
        != _normalized({"p": blank["data"].get(name)}, stranger.id)
    )
    print("stores holding alice's data before forget:", ", ".join(holding))
    r = await world.manager.slash("privacy forget", member=alice)
    await r.response(timeout=5)
    done = await (await world.manager.click(r, world.t("admin.button_forget"))).response(timeout=5)
    assert done.content.startswith(
        world.t("admin.privacy_forgotten", member=alice.mention, count=0)[:5]
    )
    after = await privacy.export_user(world.guild.id, alice.id)
    assert _normalized(after, alice.id) == nothing, after["data"]
