"""Moderation routes enforce Discord's rules and permissions and dispatch its events."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import discord
import pytest

from sandbox import Sandbox
from sandbox import permissions as P
from sandbox.snowflake import new_id
from tests.sandbox.conftest import FastClient, intents, running


def demo(client: discord.Client, sb: Sandbox) -> discord.Guild:
    guild = client.get_guild(next(iter(sb.world.guilds)))
    assert guild is not None
    return guild


async def test_bulk_delete_limits(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        alice = sb.member("alice")
        msgs = [await alice.say("#general", f"m{i}") for i in range(3)]
        channel = demo(client, sb).get_channel(
            sb.world.guilds[demo(client, sb).id].channel("general").id
        )
        assert isinstance(channel, discord.TextChannel)
        with pytest.raises(discord.HTTPException) as one:
            await client.http.delete_messages(channel.id, [msgs[0].id])
        assert one.value.status == 400 and one.value.code == 50035
        with pytest.raises(discord.HTTPException) as many:
            await client.http.delete_messages(channel.id, [new_id() for _ in range(101)])
        assert many.value.code == 50035
        old = new_id(at=asyncio.get_running_loop().time() * 0 + 1_600_000_000)
        with pytest.raises(discord.HTTPException) as too_old:
            await client.http.delete_messages(channel.id, [msgs[0].id, old])
        assert too_old.value.code == 50034
        waiter = asyncio.create_task(client.wait_for("raw_bulk_message_delete", timeout=5))
        await channel.delete_messages([discord.Object(m.id) for m in msgs[:2]])
        event = await waiter
        assert event.message_ids == {msgs[0].id, msgs[1].id}
        assert [m["content"] for m in sb.messages("#general")] == ["m2"]


async def test_forbidden_without_permission_and_hierarchy(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        joined = asyncio.create_task(client.wait_for("guild_join", timeout=5))
        weak = sb.create_guild(
            "Weak",
            channels=["lobby"],
            roles=["Mod"],
            with_bot=True,
            bot_permissions=P.VIEW_CHANNEL | P.SEND_MESSAGES,
        )
        guild = await joined
        assert guild.id == weak.id and guild.member_count == 2
        target = await guild.fetch_member(weak.owner_id)
        with pytest.raises(discord.Forbidden) as exc:
            await guild.ban(target)
        assert exc.value.code == 50013
        # Admin bot in the demo guild still can't touch the owner (hierarchy).
        demo_guild = demo(client, sb)
        owner = await demo_guild.fetch_member(demo_guild.owner_id)
        with pytest.raises(discord.Forbidden):
            await owner.kick()


async def test_ban_timeout_roles_kick(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        g = sb.world.guilds[demo(client, sb).id]
        mallory = await sb.join("mallory")
        bob = await sb.join("bob")
        guild = demo(client, sb)
        spam = await mallory.say("#general", "spam")
        member = await guild.fetch_member(mallory.id)
        with pytest.raises(discord.HTTPException) as too_long:
            await member.timeout(timedelta(days=29))
        assert too_long.value.code == 50035
        await member.timeout(timedelta(minutes=10), reason="cool down")
        assert g.members["mallory"].communication_disabled_until is not None
        record = await sb.wait_for_request(
            "PATCH", "/guilds/{guild_id}/members/{user_id}", where=lambda r: r.status == 200
        )
        assert record.reason == "cool down"
        mod = guild.get_role(g.role("Moderator").id)
        assert mod is not None
        await member.add_roles(mod)
        assert g.role("Moderator").id in g.members["mallory"].roles
        banned = asyncio.create_task(client.wait_for("member_ban", timeout=5))
        await guild.ban(member, reason="spam", delete_message_seconds=3600)
        await banned
        assert mallory.id in g.bans and g.bans[mallory.id].reason == "spam"
        assert "mallory" not in g.members
        assert all(m["id"] != str(spam.id) for m in sb.messages("#general"))
        bans = [entry async for entry in guild.bans()]
        assert [b.user.id for b in bans] == [mallory.id]
        await guild.unban(discord.Object(mallory.id))
        assert g.bans == {}
        with pytest.raises(discord.NotFound) as unknown_ban:
            await guild.unban(discord.Object(mallory.id))
        assert unknown_ban.value.code == 10026
        await (await guild.fetch_member(bob.id)).kick(reason="bye")
        assert "bob" not in g.members
        log = [e async for e in guild.audit_logs(limit=10)]
        actions = [e.action for e in log]
        assert discord.AuditLogAction.kick in actions and discord.AuditLogAction.ban in actions
        with pytest.raises(discord.NotFound) as unknown_member:
            await guild.fetch_member(bob.id)
        assert unknown_member.value.code == 10007


async def test_channels_threads_roles(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        guild = demo(client, sb)
        created = asyncio.create_task(client.wait_for("guild_channel_create", timeout=5))
        reports = await guild.create_text_channel("reports", topic="where reports go")
        assert (await created).id == reports.id
        await reports.edit(slowmode_delay=30)
        assert sb.world.channel(reports.id).rate_limit_per_user == 30
        await reports.set_permissions(guild.default_role, view_channel=False)
        assert sb.world.channel(reports.id).overwrites[guild.id].deny & P.VIEW_CHANNEL
        alice = sb.member("alice")
        msg = await alice.say("#general", "discuss")
        general = guild.get_channel(msg.channel_id)
        assert isinstance(general, discord.TextChannel)
        thread = await general.get_partial_message(msg.id).create_thread(name="talk")
        assert thread.id == msg.id and thread.parent_id == general.id
        private = await general.create_thread(
            name="case-1", type=discord.ChannelType.private_thread
        )
        assert private.type == discord.ChannelType.private_thread
        await private.add_user(discord.Object(alice.id))
        assert alice.id in sb.world.channel(private.id).thread_members
        await alice.say(private.id, "in the thread")
        assert [m["content"] for m in sb.messages(private.id)] == ["in the thread"]
        role = await guild.create_role(name="Helper", permissions=discord.Permissions(0))
        assert sb.world.guilds[guild.id].role("Helper").id == role.id
        entry = sb.world.guilds[guild.id].audit_log[-1]  # shared with sb.create_role
        assert (entry.action_type, entry.user_id, entry.target_id) == (30, sb.bot_user.id, role.id)
        assert role.position == 1  # Discord creates roles just above @everyone
        await role.delete()
        with pytest.raises(KeyError):
            sb.world.guilds[guild.id].role("Helper")
