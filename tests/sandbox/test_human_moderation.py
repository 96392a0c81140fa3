"""Moderators acting in their own client: the bot sees Discord's events and audit entries."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from sandbox import Sandbox
from sandbox import permissions as P
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


async def test_create_role_at_a_position_keeps_the_client_hierarchy_right(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    async with running(client, sb):
        guild = next(iter(sb.world.guilds.values()))
        created = asyncio.create_task(client.wait_for("guild_role_create", timeout=5))
        helper = sb.create_role(guild, "Helper", permissions=P.KICK_MEMBERS, position=2)
        got = await created
        assert (got.id, got.name, got.permissions.kick_members) == (helper.id, "Helper", True)
        low = sb.create_role(guild, "Low")  # default: just above @everyone
        await client.wait_for("guild_role_create", timeout=5)
        cached = client.get_guild(guild.id)
        assert cached is not None
        assert {r.name: r.position for r in cached.roles} == {
            r.name: r.position for r in guild.roles.values()
        }
        order = [r.name for r in sorted(guild.roles.values(), key=lambda r: r.position)]
        assert order == ["@everyone", "Low", "Manager", "Helper", "Moderator", "Vigie"]
        assert low.position == 1
        entries = [(e.action_type, e.user_id, e.target_id) for e in guild.audit_log]
        assert entries == [(30, guild.owner_id, helper.id), (30, guild.owner_id, low.id)]
        # The new role works at once: a Helper may kick someone below them.
        owner, kim, bob = sb.member("olivia"), sb.member("kim"), await sb.join("bob")
        await owner.set_roles(kim, add=["Helper"])
        removed = asyncio.create_task(client.wait_for("member_remove", timeout=5))
        await kim.kick(bob)
        assert (await removed).id == bob.id


async def test_deleting_channels_by_hand(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    async with running(client, sb):
        guild = next(iter(sb.world.guilds.values()))
        owner, mo = sb.member("olivia"), sb.member("mo", roles=["Moderator"])
        general = guild.channel("general")
        thread = sb.world.create_thread(general, "side", owner=mo.user)
        await client.wait_for("thread_create", timeout=5)
        with pytest.raises(PermissionError):
            await mo.delete_channel(thread)  # its creator, but without MANAGE_THREADS
        with pytest.raises(LookupError):
            await owner.delete_channel("nowhere")
        channel_gone = asyncio.create_task(client.wait_for("guild_channel_delete", timeout=5))
        thread_gone = asyncio.create_task(client.wait_for("raw_thread_delete", timeout=5))
        await owner.delete_channel("#general", reason="cleanup")
        assert (await channel_gone).id == general.id
        assert (await thread_gone).thread_id == thread.id  # discord.py drops its threads
        assert general.id not in guild.channels and thread.id not in guild.channels
        assert sb.world.channel(thread.id) is None
        last = guild.audit_log[-1]
        assert (last.action_type, last.user_id, last.target_id, last.reason) == (
            12,
            owner.id,
            general.id,
            "cleanup",
        )
        category = sb.world.create_channel(guild, "Staff", 4)
        inside = sb.world.create_channel(guild, "mod-chat", 0, parent_id=category.id)
        moved = asyncio.create_task(
            client.wait_for("guild_channel_update", check=lambda b, a: a.id == inside.id)
        )
        await owner.delete_channel(category)
        _, after = await asyncio.wait_for(moved, 5)
        assert after.category is None and inside.parent_id is None


async def test_joining_and_leaving_a_thread(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    async with running(client, sb):
        guild = next(iter(sb.world.guilds.values()))
        thread = sb.world.create_thread(guild.channel("general"), "t", owner=sb.user("olivia"))
        await client.wait_for("thread_create", timeout=5)
        mo = sb.member("mo")
        joined = asyncio.create_task(client.wait_for("thread_member_join", timeout=5))
        await mo.join_thread(thread)
        assert (await joined).id == mo.id
        left = asyncio.create_task(client.wait_for("thread_member_remove", timeout=5))
        await mo.leave_thread(thread.id)
        assert (await left).id == mo.id
        assert mo.id not in thread.thread_members
        with pytest.raises(LookupError):
            await mo.leave_thread(guild.channel("general"))  # not a thread
