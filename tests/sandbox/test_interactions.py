"""Slash commands, buttons, selects and modals round-trip through the real CommandTree."""

from __future__ import annotations

import io

import discord
from discord import app_commands
from discord.ext import commands

from sandbox import Sandbox
from tests.sandbox.conftest import intents, running


class Bot(commands.Bot):
    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        return None


class Form(discord.ui.Modal, title="Feedback"):
    text = discord.ui.TextInput(label="Your feedback", custom_id="fb_text", max_length=50)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(f"thanks: {self.text.value}", ephemeral=True)


class Confirm(discord.ui.View):
    def __init__(self) -> None:
        super().__init__(timeout=None)

    @discord.ui.button(label="Accept", custom_id="demo:accept", style=discord.ButtonStyle.green)
    async def accept(self, interaction: discord.Interaction, button: discord.ui.Button) -> None:
        await interaction.response.edit_message(content="accepted", view=None)

    @discord.ui.select(
        custom_id="demo:pick",
        options=[
            discord.SelectOption(label="A", value="a"),
            discord.SelectOption(label="B", value="b"),
        ],
    )
    async def pick(self, interaction: discord.Interaction, select: discord.ui.Select) -> None:
        await interaction.response.send_message(f"picked {select.values[0]}", ephemeral=True)


def make_bot(sb: Sandbox) -> Bot:
    bot = Bot(command_prefix="!", intents=intents(), guild_ready_timeout=0.05)
    guild = discord.Object(next(iter(sb.world.guilds)))
    config = app_commands.Group(name="config", description="Configuration")

    @config.command(name="show", description="Show a setting")
    async def show(
        interaction: discord.Interaction,
        member: discord.Member,
        channel: discord.TextChannel,
        count: int = 1,
        file: discord.Attachment | None = None,
    ) -> None:
        await interaction.response.send_message(
            f"{member.name} in {channel.name} x{count}", ephemeral=True
        )
        body = (await file.read()).decode() if file else "-"
        await interaction.followup.send(f"follow-up {body}", ephemeral=True)

    @app_commands.command(name="ask", description="Ask for feedback")
    async def ask(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(Form())

    @app_commands.command(name="confirm", description="Post a confirmation")
    async def confirm(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("confirm?", view=Confirm())

    @app_commands.command(name="slow", description="Defer then answer")
    async def slow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="done")

    @app_commands.command(name="export", description="Export as a file")
    async def export(interaction: discord.Interaction) -> None:
        data = io.BytesIO(b"id,name\n1,alice\n")
        await interaction.response.send_message(
            "here", file=discord.File(data, "export.csv"), ephemeral=True
        )
        await interaction.followup.send(file=discord.File(io.BytesIO(b"more"), "more.txt"))

    for cmd in (config, ask, confirm, slow, export):
        bot.tree.add_command(cmd, guild=guild)

    async def setup_hook() -> None:
        await bot.tree.sync(guild=guild)

    bot.setup_hook = setup_hook  # type: ignore[method-assign]
    return bot


async def test_slash_with_subcommand_options_ephemeral_and_followup(sb: Sandbox) -> None:
    async with running(make_bot(sb), sb):
        alice = sb.member("alice")
        bob = sb.member("bob")
        rec = await alice.slash(
            "config show", member=bob, channel="#modlog", count=3, file=("note.txt", b"attached")
        )
        first = await rec.response()
        assert first.type == 4 and first.ephemeral
        assert first.content == "bob in modlog x3"
        (follow,) = await rec.followups(n=1)
        assert follow.content == "follow-up attached" and follow.ephemeral
        assert sb.messages("#general") == []  # ephemeral answers are not in the channel
        synced = await sb.wait_for_request(
            "PUT", "/applications/{application_id}/guilds/{guild_id}/commands"
        )
        assert {c["name"] for c in synced.json} == {"config", "ask", "confirm", "slow", "export"}


async def test_defer_then_edit_original(sb: Sandbox) -> None:
    async with running(make_bot(sb), sb):
        rec = await sb.member("alice").slash("slow")
        assert (await rec.response()).type == 5
        final = await rec.final()
        assert final.content == "done"
        assert [m["content"] for m in sb.messages("#general")] == ["done"]


async def test_button_click_and_select(sb: Sandbox) -> None:
    async with running(make_bot(sb), sb):
        alice = sb.member("alice")
        rec = await alice.slash("confirm")
        first = await rec.response()
        assert first.content == "confirm?" and not first.ephemeral
        picked = await alice.select(rec, "demo:pick", ["b"])
        assert (await picked.response()).content == "picked b"
        click = await alice.click(rec, "Accept")
        answer = await click.response()
        assert answer.type == 7
        assert sb.messages("#general")[-1]["content"] == "accepted"
        assert sb.messages("#general")[-1]["components"] == []


async def test_modal_submit(sb: Sandbox) -> None:
    async with running(make_bot(sb), sb):
        alice = sb.member("alice")
        rec = await alice.slash("ask")
        modal = (await rec.response()).modal
        assert modal is not None and modal["title"] == "Feedback"
        submitted = await alice.submit_modal(rec, {"fb_text": "great bot"})
        answer = await submitted.response()
        assert answer.content == "thanks: great bot" and answer.ephemeral


async def test_second_response_is_rejected_like_discord(sb: Sandbox) -> None:
    bot = make_bot(sb)
    errors: list[Exception] = []

    @bot.tree.command(
        name="twice", description="answers twice", guild=discord.Object(next(iter(sb.world.guilds)))
    )
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("one")
        try:
            await interaction.followup.send("two")
            await bot.http.request(
                discord.http.Route(
                    "POST", "/interactions/{i}/{t}/callback", i=interaction.id, t=interaction.token
                ),
                json={"type": 4, "data": {"content": "again"}},
            )
        except discord.HTTPException as exc:
            errors.append(exc)

    async with running(bot, sb):
        rec = await sb.member("alice").slash("twice")
        await rec.followups(n=1)
        await sb.wait_for_request(
            "POST", "/interactions/{interaction_id}/{interaction_token}/callback", count=2
        )
    assert isinstance(errors[0], discord.HTTPException) and errors[0].code == 40060


async def test_files_in_responses_and_followups(sb: Sandbox) -> None:
    async with running(make_bot(sb), sb):
        rec = await sb.member("alice").slash("export")
        first = await rec.response()
        assert first.ephemeral and first.attachments == [("export.csv", b"id,name\n1,alice\n")]
        (follow,) = await rec.followups(n=1)
        assert [(a.filename, a.data) for a in follow.attachments] == [("more.txt", b"more")]
        assert not follow.ephemeral
        assert sb.messages("#general")[-1]["attachments"][0]["filename"] == "more.txt"
