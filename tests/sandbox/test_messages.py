"""Messages flow both ways: actors' messages reach on_message, the bot's own come back."""

from __future__ import annotations

import asyncio

import discord
import pytest

from sandbox import Sandbox
from tests.sandbox.conftest import FastClient, intents, running


async def test_on_message_sees_actor_and_own_messages(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    seen: list[discord.Message] = []
    got_two = asyncio.Event()

    @client.event
    async def on_message(message: discord.Message) -> None:
        seen.append(message)
        if message.author != client.user:
            await message.channel.send(
                f"echo: {message.content}", file=discord.File(__file__, filename="me.py")
            )
        if len(seen) == 2:
            got_two.set()

    async with running(client, sb):
        alice = sb.member("alice", roles=["Moderator"])
        msg = await alice.say("#general", f"hello <@{sb.bot_user.id}>")
        await asyncio.wait_for(got_two.wait(), 5)
        assert seen[0].content.startswith("hello") and seen[0].author.id == alice.id
        assert isinstance(seen[0].author, discord.Member)
        assert seen[0].author.get_role(sb.world.guilds[seen[0].guild.id].role("Moderator").id)
        assert client.user in seen[0].mentions
        own = seen[1]
        assert own.author == client.user and own.content == f"echo: hello <@{sb.bot_user.id}>"
        assert own.attachments[0].filename == "me.py"
        data = await own.attachments[0].read()
        assert data.startswith(b'"""Messages flow both ways')
        stored = sb.messages("#general")
        assert [m["id"] for m in stored] == [str(msg.id), str(own.id)]
        record = await sb.wait_for_request("POST", "/channels/{channel_id}/messages")
        assert record.status == 200 and record.files[0][0] == "me.py"


async def test_without_message_content_intent_content_is_hidden(sb: Sandbox) -> None:
    gated = discord.Intents.default()
    client = FastClient(intents=gated, guild_ready_timeout=0.05)
    contents: list[str] = []
    done = asyncio.Event()

    @client.event
    async def on_message(message: discord.Message) -> None:
        contents.append(message.content)
        if len(contents) == 2:
            done.set()

    async with running(client, sb):
        alice = sb.member("alice")
        await alice.say("#general", "secret")
        await alice.say("#general", f"hey {sb.bot_user.mention}")
        await asyncio.wait_for(done.wait(), 5)
    assert contents == ["", f"hey {sb.bot_user.mention}"]


async def test_edit_delete_react_events(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    async with running(client, sb):
        alice = sb.member("alice")
        msg = await alice.say("#general", "v1")
        waiter = asyncio.create_task(client.wait_for("message_edit", timeout=5))
        await alice.edit(msg, "v2")
        before, after = await waiter
        assert (before.content, after.content) == ("v1", "v2")
        waiter = asyncio.create_task(client.wait_for("reaction_add", timeout=5))
        await alice.react(msg, "👍")
        reaction, user = await waiter
        assert str(reaction.emoji) == "👍" and user.id == alice.id
        waiter = asyncio.create_task(client.wait_for("message_delete", timeout=5))
        await alice.delete(msg)
        deleted = await waiter
        assert deleted.id == msg.id
        assert sb.messages("#general") == []


async def test_dm_from_bot_is_recorded(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    async with running(client, sb):
        alice = sb.member("alice")
        user = await client.fetch_user(alice.id)
        await user.send("welcome!")
        assert [m["content"] for m in sb.dms(alice)] == ["welcome!"]
        reply = asyncio.create_task(
            client.wait_for("message", check=lambda m: m.author.id == alice.id, timeout=5)
        )
        await alice.say("dm", "thanks")
        got = await reply
        assert isinstance(got.channel, discord.DMChannel) and got.content == "thanks"


async def test_closed_dms_are_forbidden(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    async with running(client, sb):
        alice = sb.member("alice")
        alice.close_dms()
        user = await client.fetch_user(alice.id)
        with pytest.raises(discord.Forbidden) as exc:
            await user.send("hello?")
        assert exc.value.code == 50007 and sb.dms(alice) == []
        # As on Discord, opening the DM channel works; only the send is refused.
        opened = [r for r in sb.requests if r.route == "/users/@me/channels"]
        assert [r.status for r in opened] == [200]
        alice.close_dms(False)  # she opens her DMs again
        await user.send("now?")
        assert [m["content"] for m in sb.dms(alice)] == ["now?"]
