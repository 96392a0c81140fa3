"""Actor conveniences: uploads, autocomplete, selects, waiting helpers, slowmode, scene."""

from __future__ import annotations

import asyncio
import io

import discord
import pytest
from discord import app_commands

from sandbox import Sandbox
from sandbox import permissions as P
from sandbox.scene import demo_scene
from tests.sandbox.conftest import FastClient, intents, running


class TreeClient(FastClient):
    def __init__(self, sb: Sandbox) -> None:
        super().__init__(intents=intents(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)
        self.guild_obj = discord.Object(next(iter(sb.world.guilds)))

    async def setup_hook(self) -> None:
        await self.tree.sync(guild=self.guild_obj)


async def test_upload_is_readable_by_the_bot(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)
    async with running(client, sb):
        waiter = asyncio.create_task(client.wait_for("message", timeout=5))
        await sb.member("alice").upload("#general", [("notes.txt", b"line 1\n")], content="see")
        message = await waiter
        assert message.attachments[0].filename == "notes.txt"
        assert message.attachments[0].content_type == "text/plain"
        assert await message.attachments[0].read() == b"line 1\n"


async def test_autocomplete_and_user_select(sb: Sandbox) -> None:
    client = TreeClient(sb)

    async def topics(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        return [
            app_commands.Choice(name=t, value=t) for t in ("bug", "idea") if t.startswith(current)
        ]

    @client.tree.command(name="feedback", description="Send feedback", guild=client.guild_obj)
    @app_commands.autocomplete(topic=topics)
    async def feedback(interaction: discord.Interaction, topic: str) -> None:
        view = discord.ui.View()
        menu: discord.ui.UserSelect = discord.ui.UserSelect(custom_id="who")

        async def chosen(inter: discord.Interaction) -> None:
            await inter.response.send_message(f"chose {menu.values[0].name}", ephemeral=True)

        menu.callback = chosen  # type: ignore[method-assign]
        view.add_item(menu)
        await interaction.response.send_message(f"topic {topic}", view=view)

    async with running(client, sb):
        alice = sb.member("alice")
        sb.member("bob")
        auto = await alice.autocomplete("feedback", focused="topic", topic="b")
        assert [c["value"] for c in (await auto.response()).choices] == ["bug"]
        rec = await alice.slash("feedback", topic="idea")
        assert (await rec.response()).content == "topic idea"
        picked = await alice.select(rec, "who", ["bob"])
        assert (await picked.response()).content == "chose bob"
        assert picked.payload["data"]["resolved"]["users"]
        with pytest.raises(ValueError):
            await alice.slash("feedback", topic="x", colour="red")
        with pytest.raises(ValueError):
            await alice.slash("feedback")
        with pytest.raises(LookupError):
            await alice.slash("nope")


async def test_wait_for_message_and_pins(sb: Sandbox) -> None:
    client = FastClient(intents=intents(), guild_ready_timeout=0.05)

    @client.event
    async def on_message(message: discord.Message) -> None:
        if message.content == "!pin":
            sent = await message.channel.send("pinned note")
            await sent.pin()

    async with running(client, sb):
        await sb.member("alice").say("#general", "!pin")
        note = await sb.wait_for_message("#general", where=lambda m: m["content"] == "pinned note")
        await sb.wait_for_request("PUT", "/channels/{channel_id}/messages/pins/{message_id}")
        assert sb.messages("#general")[-1]["pinned"] is True
        channel = client.get_channel(int(note["channel_id"]))
        assert isinstance(channel, discord.TextChannel)
        pins = [m async for m in channel.pins()]
        assert [m.id for m in pins] == [int(note["id"])]
        with pytest.raises(TimeoutError):
            await sb.wait_for_message(
                "#general", where=lambda m: m["content"] == "never", timeout=0.1
            )


async def test_slowmode_applies_to_members_and_the_bot() -> None:
    async with Sandbox() as sb:
        from sandbox import point_discord_py_at

        point_discord_py_at(sb)
        guild = sb.create_guild(
            "Slow",
            channels=["general"],
            with_bot=True,
            bot_permissions=P.VIEW_CHANNEL | P.SEND_MESSAGES,
        )
        guild.channel("general").rate_limit_per_user = 1
        alice = sb.member("alice")
        await alice.say("#general", "one")
        with pytest.raises(PermissionError):
            await alice.say("#general", "two")
        async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
            channel = client.get_channel(guild.channel("general").id)
            assert isinstance(channel, discord.TextChannel)
            await channel.send("first")
            await channel.send("second")  # 429 20016 with retry_after: discord.py waits it out
            statuses = [
                r.status for r in sb.requests if r.route == "/channels/{channel_id}/messages"
            ]
            assert statuses == [200, 429, 200]


async def test_demo_scene_and_banned_user_cannot_join() -> None:
    async with Sandbox() as sb:
        guild = demo_scene(sb)
        assert guild.channel("modlog") and guild.role("Moderator") and "maya" in guild.members
        assert sb.world.bot.id in guild.members
        from sandbox.models import Ban

        user = sb.user("mallory")
        guild.bans[user.id] = Ban(user=user)
        with pytest.raises(PermissionError):
            await sb.join("mallory", guild=guild)


async def test_can_use_follows_default_member_permissions(sb: Sandbox) -> None:
    client = TreeClient(sb)

    @client.tree.command(name="purge", description="Managers only", guild=client.guild_obj)
    @app_commands.default_permissions(manage_guild=True)
    async def purge(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("done")

    async with running(client, sb):
        assert not sb.member("alice").can_use("purge")
        assert sb.member("olivia").can_use("purge")  # the owner
        guild = next(iter(sb.world.guilds.values()))
        guild.role("Manager").permissions |= P.MANAGE_GUILD
        assert sb.member("maya", roles=["Manager"]).can_use("purge")


async def test_oversized_upload_is_rejected(sb: Sandbox) -> None:
    async with running(FastClient(intents=intents(), guild_ready_timeout=0.05), sb) as client:
        guild = next(iter(sb.world.guilds.values()))
        channel = client.get_channel(guild.channel("general").id)
        assert isinstance(channel, discord.TextChannel)
        big = discord.File(io.BytesIO(b"x" * (10 * 1024 * 1024 + 1)), "big.bin")
        with pytest.raises(discord.HTTPException) as exc:
            await channel.send(file=big)
        assert exc.value.status == 413 and exc.value.code == 40005
