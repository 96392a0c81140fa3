"""Moderators acting in their own client: the bot sees Discord's events and audit entries."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from sandbox import Sandbox
from tests.sandbox.conftest import FastClient, intents, running


async def test_human_ban_unban_kick_timeout_roles_and_thread_delete(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    async with running(client, sb):
        guild = next(iter(sb.world.guilds.values()))
        owner = sb.member("olivia")
        mo = sb.member("mo", roles=["Moderator"])
        mallory = await sb.join("mallory")
        bob = await sb.join("bob")
        with pytest.raises(PermissionError):
            await mo.ban(mallory)  # Moderator has no permissions in this guild yet
        banned = asyncio.create_task(client.wait_for("member_ban", timeout=5))
        await owner.ban(mallory, reason="spam")
        await banned
        unbanned = asyncio.create_task(client.wait_for("member_unban", timeout=5))
        await owner.unban(mallory)
        await unbanned
        updated = asyncio.create_task(client.wait_for("member_update", timeout=5))
        await owner.set_roles(bob, add=["Manager"])
        before, after = await updated
        assert [r.name for r in after.roles if r.name == "Manager"] == ["Manager"]
        updated = asyncio.create_task(client.wait_for("member_update", timeout=5))
        await owner.timeout(bob, timedelta(minutes=5))
        _, after = await updated
        assert after.is_timed_out()
        removed = asyncio.create_task(client.wait_for("member_remove", timeout=5))
        await owner.kick(bob)
        assert (await removed).id == bob.id
        general = guild.channel("general")
        thread = sb.world.create_thread(general, "side", owner=sb.user("olivia"))
        deleted = asyncio.create_task(client.wait_for("raw_thread_delete", timeout=5))
        await owner.delete_channel(thread)
        assert (await deleted).thread_id == thread.id
        actions = [(e.action_type, e.user_id) for e in guild.audit_log]
        assert (22, owner.id) in actions and (23, owner.id) in actions and (20, owner.id) in actions
        assert (25, owner.id) in actions and (112, owner.id) in actions
