"""Manual moderation commands (moderators): warn, note, timeout, kick, ban, purge, lock...

Every action on a member checks the role hierarchy and the bot's permission before any API
call (bot.checks), announces itself by DM only once nothing can refuse it, and becomes a case.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.durations import Duration, DurationError, parse_seconds
from bot.errors import UserError

from .ban_state import BanChange
from .deleter import BULK_MAX, BULK_MAX_AGE, snowflake_age
from .points import PointsPolicy
from .store import Case, NewCase

if TYPE_CHECKING:
    from bot.app import Vigie

    from .cog import PoliciesCog

log = logging.getLogger(__name__)
PURGE_MAX = 1000
# The guild channels a slash command can be typed in: all have a history to purge.
PURGEABLE = (discord.TextChannel, discord.VoiceChannel, discord.StageChannel, discord.Thread)
PURGE_CHOICES = [
    app_commands.Choice(name="none", value="0s"),
    app_commands.Choice(name="1h", value="1h"),
    app_commands.Choice(name="1d", value="1d"),
    app_commands.Choice(name="7d", value="7d"),
]

# What a moderator reads when the user was banned already (see ban_state).
BAN_CHANGE_DONE = {
    BanChange.NEW_END: "done.tempban_new_end",
    BanChange.MAKE_PERMANENT: "done.ban_permanent",
}


def _text_channel(
    interaction: discord.Interaction[Any], channel: discord.TextChannel | None
) -> discord.TextChannel:
    """The channel named, else the one the command was typed in, if it is a text channel."""
    target = channel or interaction.channel
    if not isinstance(target, discord.TextChannel):
        # A thread, a forum post or a voice channel's chat has no overwrites or slow mode of
        # its own to set here: say so rather than fail.
        raise UserError("policies.not_a_text_channel")
    return target


def _seconds(text: str) -> int:
    try:
        return parse_seconds(text)
    except DurationError as exc:
        raise UserError("policies.bad_duration", value=text[:50]) from exc


class ModerationCog(commands.Cog, name="policies-moderation"):
    """Manual moderation (moderators: Moderate Members or a moderator role)."""

    def __init__(self, bot: Vigie, policies: PoliciesCog) -> None:
        self.bot = bot
        self.policies = policies

    def t(self, guild: discord.Guild, key: str, **fields: Any) -> str:
        return self.policies.enforcer.t(guild, key, **fields)

    async def _act(
        self, interaction: discord.Interaction[Any], target: Any, kind: str, **options: Any
    ) -> Case:
        guild = interaction.guild
        actor = interaction.user
        assert guild is not None and isinstance(actor, discord.Member)
        enforcer = self.policies.enforcer
        # Every refusal comes before anything is sent: no DM, no case, one clear answer.
        enforcer.check(guild, actor, target, kind)
        # Answer within Discord's 3 seconds, whatever the API calls below take.
        await interaction.response.defer(ephemeral=True, thinking=True)
        done = f"done.{kind}"
        previous: int | None = None
        if kind in ("ban", "tempban"):
            outcome = await enforcer.ban(guild, target, kind, actor=actor, **options)
            case, previous = outcome.case, outcome.previous
            done = BAN_CHANGE_DONE.get(outcome.change, done)
        else:
            case = await enforcer.punish(guild, target, kind, actor=actor, **options)
        if kind == "warn" and isinstance(target, discord.Member) and case.points:
            points, ladder = await enforcer.add_points(guild, target, case.points)
            extra = self.t(guild, "done.points", points=points)
            if ladder is not None:
                extra += " " + self.t(
                    guild,
                    "done.ladder",
                    kind=enforcer.kind(guild, ladder.kind),
                    number=ladder.number,
                )
        else:
            extra = ""
        duration = Duration(case.duration) if case.duration else ""
        text = self.t(
            guild, done, number=case.number, user=str(target), duration=duration, previous=previous
        )
        await interaction.followup.send(f"{text} {extra}".strip(), ephemeral=True)
        return case

    @app_commands.command(
        name="warn", description="Warn a member: a DM, a case and points (moderators)."
    )
    @checks.moderator_only()
    @app_commands.describe(member="The member to warn", reason="Why (sent to them by DM)")
    async def warn(
        self, interaction: discord.Interaction[Any], member: discord.Member, reason: str
    ) -> None:
        """Warn a member (moderators)."""
        assert interaction.guild is not None
        policy = PointsPolicy.from_section(
            self.policies.enforcer.section(interaction.guild.id).get("points")
        )
        await self._act(interaction, member, "warn", reason=reason, points=policy.warn)

    @app_commands.command(
        name="note", description="Add a private note to a member's history (moderators)."
    )
    @checks.moderator_only()
    @app_commands.describe(member="The member", text="The note (never shown to them)")
    async def note(
        self, interaction: discord.Interaction[Any], member: discord.Member, text: str
    ) -> None:
        """Note about a member, never shown to them (moderators)."""
        await self._act(interaction, member, "note", reason=text, notify=False)

    @app_commands.command(
        name="timeout", description="Time a member out, up to 28 days (moderators)."
    )
    @checks.moderator_only()
    @app_commands.describe(
        member="The member to time out",
        duration="How long, e.g. 10m, 2h, 7d (under 28 days)",
        reason="Why (sent to them by DM)",
    )
    async def timeout(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        duration: str,
        reason: str | None = None,
    ) -> None:
        """Time a member out (moderators; the bot needs Moderate Members)."""
        seconds = _seconds(duration)
        if seconds >= 28 * 86400:
            raise UserError("policies.timeout_too_long")
        await self._act(interaction, member, "timeout", reason=reason, duration=seconds)

    @app_commands.command(name="untimeout", description="Lift a member's timeout (moderators).")
    @checks.moderator_only()
    @app_commands.describe(member="The member whose timeout ends now", reason="Why")
    async def untimeout(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        reason: str | None = None,
    ) -> None:
        """Lift a timeout (moderators; the bot needs Moderate Members)."""
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        checks.ensure_can_act(interaction.user, member, "untimeout")
        if not member.is_timed_out():
            raise UserError("policies.not_timed_out", user=str(member))
        # Answer within Discord's 3 seconds, however long a slow or failing API call takes.
        await interaction.response.defer(ephemeral=True, thinking=True)
        try:
            await member.timeout(None, reason=reason or f"by {interaction.user}")
        except discord.HTTPException as exc:
            raise UserError(
                "policies.action_failed", action="untimeout", error=str(exc)[:200]
            ) from exc
        case = await self.policies.store.open_case(
            guild.id, NewCase("untimeout", member.id, interaction.user.id, reason=reason)
        )
        await interaction.followup.send(
            self.t(guild, "done.untimeout", number=case.number, user=str(member)), ephemeral=True
        )

    @app_commands.command(name="kick", description="Kick a member (moderators).")
    @checks.moderator_only()
    @app_commands.describe(member="The member to kick", reason="Why (sent to them by DM)")
    async def kick(
        self,
        interaction: discord.Interaction[Any],
        member: discord.Member,
        reason: str | None = None,
    ) -> None:
        """Kick a member (moderators; the bot needs Kick Members)."""
        await self._act(interaction, member, "kick", reason=reason)

    @app_commands.command(
        name="ban",
        description="Ban a member or a user, deleting their recent messages (moderators).",
    )
    @app_commands.choices(purge=PURGE_CHOICES)
    @checks.moderator_only()
    @app_commands.describe(
        user="The member or user to ban",
        reason="Why (sent to them by DM)",
        purge="How much of their recent messages to delete",
    )
    async def ban(
        self, interaction: discord.Interaction[Any], user: discord.User, reason: str | None = None,
        purge: app_commands.Choice[str] | None = None,
    ) -> None:  # fmt: skip
        """Ban (moderators; the bot needs Ban Members).

        A temporary ban of Vigie's becomes permanent; any other ban already held is refused.
        """
        target = self._member_or_user(interaction, user)
        await self._act(
            interaction,
            target,
            "ban",
            reason=reason,
            purge=_seconds(purge.value) if purge and purge.value != "0s" else 0,
        )

    @app_commands.command(
        name="tempban",
        description="Ban for a while; lifted on time, even across restarts (moderators).",
    )
    @checks.moderator_only()
    @app_commands.describe(
        user="The member or user to ban",
        duration="How long, e.g. 1d, 7d",
        reason="Why (sent to them by DM)",
    )
    async def tempban(
        self,
        interaction: discord.Interaction[Any],
        user: discord.User,
        duration: str,
        reason: str | None = None,
    ) -> None:
        """Temporary ban (moderators; the bot needs Ban Members).

        On a temporary ban of Vigie's it sets the new end (one unban timer, always); any other
        ban already held is refused: lift it with /unban first.
        """
        target = self._member_or_user(interaction, user)
        await self._act(interaction, target, "tempban", reason=reason, duration=_seconds(duration))

    @app_commands.command(name="unban", description="Lift a ban (moderators).")
    @checks.moderator_only()
    @app_commands.describe(user="The banned user", reason="Why")
    async def unban(
        self, interaction: discord.Interaction[Any], user: discord.User, reason: str | None = None
    ) -> None:
        """Unban a user (moderators; the bot needs Ban Members); a pending tempban end goes too."""
        guild = interaction.guild
        assert guild is not None and isinstance(interaction.user, discord.Member)
        # Unban, record and mod log may outlast Discord's 3 seconds: answer first.
        await interaction.response.defer(ephemeral=True, thinking=True)
        case = await self.policies.enforcer.unban(guild, user, interaction.user, reason)
        await interaction.followup.send(
            self.t(guild, "done.unban", number=case.number, user=str(user)), ephemeral=True
        )

    @staticmethod
    def _member_or_user(interaction: discord.Interaction[Any], user: discord.User) -> Any:
        guild = interaction.guild
        assert guild is not None
        return guild.get_member(user.id) or user

    @app_commands.command(
        name="purge",
        description="Delete recent messages, by member, text, bots or links (moderators).",
    )
    @checks.moderator_only()
    @app_commands.describe(
        count="How many messages to look at (newest first)",
        member="Only this member's messages",
        text="Only messages containing this text",
        bots="Only messages from bots",
        links="Only messages with links",
    )
    async def purge(
        self, interaction: discord.Interaction[Any], count: app_commands.Range[int, 1, PURGE_MAX],
        member: discord.User | None = None, text: str | None = None, bots: bool = False, links: bool = False,
    ) -> None:  # fmt: skip
        """Bulk delete in batches of 100; messages older than 14 days are left and counted."""
        channel = interaction.channel
        guild = interaction.guild
        assert guild is not None  # guild_only
        if not isinstance(channel, PURGEABLE):
            # A channel type discord.py does not know (it leaves interaction.channel unset).
            raise UserError("policies.purge_not_here")
        perms = channel.permissions_for(guild.me)
        if not (perms.manage_messages and perms.read_message_history):
            raise UserError("errors.bot_missing_permission", permission="manage messages")
        await interaction.response.defer(ephemeral=True, thinking=True)
        needle = text.casefold() if text else None
        young: list[discord.Message] = []
        old = 0
        now = time.time()
        async for message in channel.history(limit=PURGE_MAX * 2):
            if len(young) + old >= count:
                break
            if member is not None and message.author.id != member.id:
                continue
            if needle and needle not in message.content.casefold():
                continue
            if bots and not message.author.bot:
                continue
            if links and "http" not in message.content:
                continue
            if snowflake_age(message.id, now) >= BULK_MAX_AGE:
                old += 1
            else:
                young.append(message)
        for start in range(0, len(young), BULK_MAX):
            chunk = young[start : start + BULK_MAX]
            if len(chunk) == 1:
                await chunk[0].delete()
            else:
                await channel.delete_messages(chunk)
        await interaction.followup.send(
            self.t(guild, "done.purge", count=len(young), old=old), ephemeral=True
        )
        await self.bot.modlog.write(
            guild,
            "policies.modlog.purge",
            count=len(young),
            channel=channel.mention,
            moderator=interaction.user.mention,
        )

    @app_commands.command(
        name="slowmode", description="Set the slow mode of a channel; 0s turns it off (moderators)."
    )
    @checks.moderator_only()
    @app_commands.describe(
        duration="Seconds between two messages, e.g. 10s, 1m; 0s turns it off",
        channel="The channel (default: this one)",
    )
    async def slowmode(
        self,
        interaction: discord.Interaction[Any],
        duration: str,
        channel: discord.TextChannel | None = None,
    ) -> None:
        """Slow mode up to 6h (moderators; the bot needs Manage Channels)."""
        target = _text_channel(interaction, channel)
        guild = interaction.guild
        assert guild is not None
        seconds = 0 if duration.strip() in ("0", "0s", "off") else _seconds(duration)
        if seconds > 21600:
            raise UserError("policies.slowmode_too_long")
        if not target.permissions_for(guild.me).manage_channels:
            raise UserError("errors.bot_missing_permission", permission="manage channels")
        await target.edit(slowmode_delay=seconds, reason=f"by {interaction.user}")
        await interaction.response.send_message(
            self.t(
                guild,
                "done.slowmode",
                channel=target.mention,
                duration=Duration(seconds) if seconds else "0",
            ),
            ephemeral=True,
        )

    async def _lock(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel | None,
        locked: bool,
        reason: str | None,
    ) -> None:
        target = _text_channel(interaction, channel)
        guild = interaction.guild
        assert guild is not None
        if not target.permissions_for(guild.me).manage_roles:
            raise UserError("errors.bot_missing_permission", permission="manage roles")
        overwrite = target.overwrites_for(guild.default_role)
        overwrite.update(send_messages=False if locked else None)
        await target.set_permissions(
            guild.default_role, overwrite=overwrite, reason=reason or f"by {interaction.user}"
        )
        key = "locked" if locked else "unlocked"
        await interaction.response.send_message(
            self.t(guild, f"done.{key}", channel=target.mention), ephemeral=True
        )
        await self.bot.modlog.write(
            guild,
            f"policies.modlog.{key}",
            channel=target.mention,
            moderator=interaction.user.mention,
        )

    @app_commands.command(
        name="lock", description="Stop members from writing in a channel (moderators)."
    )
    @checks.moderator_only()
    @app_commands.describe(channel="The channel (default: this one)", reason="Why")
    async def lock(
        self,
        interaction: discord.Interaction[Any],
        channel: discord.TextChannel | None = None,
        reason: str | None = None,
    ) -> None:
        """Lock a channel (moderators; the bot needs Manage Roles)."""
        await self._lock(interaction, channel, True, reason)

    @app_commands.command(
        name="unlock", description="Let members write in a locked channel again (moderators)."
    )
    @checks.moderator_only()
    @app_commands.describe(channel="The channel (default: this one)")
    async def unlock(
        self, interaction: discord.Interaction[Any], channel: discord.TextChannel | None = None
    ) -> None:
        """Unlock a channel (moderators; the bot needs Manage Roles)."""
        await self._lock(interaction, channel, False, None)
