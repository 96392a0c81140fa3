"""What people see when a ticket changes: messages in its place, pings, transcripts.

Each function runs after the change is saved; a failed message is logged, never undoes the
change (the ticket's state is the truth, the messages are its echo).
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import discord

from bot.modlog import resolve_channel

from . import deadlines as dl
from . import places
from .config import ComplaintsConfig
from .tickets import Ticket
from .transcript import MEMBER, STAFF, Entry, Header, render_html, render_text

if TYPE_CHECKING:
    from .desk import Desk

log = logging.getLogger(__name__)


def stamp(moment: Any) -> str:
    """A Discord timestamp that every reader sees in their own time zone (relative)."""
    return f"<t:{int(moment.timestamp())}:R>"


def role_mention(role: discord.Role | None, fallback: str) -> str:
    """The role's mention, or its configured name when the role does not exist."""
    return role.mention if role is not None else fallback


async def say(
    place: Any,
    text: str,
    *,
    view: discord.ui.View | None = None,
    embed: discord.Embed | None = None,
    roles: Iterable[discord.Role | None] = (),
    users: Iterable[int | None] = (),
    files: list[discord.File] | None = None,
) -> discord.Message | None:
    """Post in a ticket's place (or a log channel), pinging exactly who is named."""
    if place is None:
        return None
    mentions = discord.AllowedMentions(
        everyone=False,
        roles=[r for r in roles if r is not None],
        users=[discord.Object(u) for u in users if u],
    )
    kwargs: dict[str, Any] = {"allowed_mentions": mentions}
    if view is not None:
        kwargs["view"] = view
    if embed is not None:
        kwargs["embed"] = embed
    if files:
        kwargs["files"] = files
    try:
        return await place.send(text[:2000], **kwargs)
    except discord.HTTPException as exc:
        log.warning("complaints: could not post in %s: %s", getattr(place, "id", "?"), exc)
        return None


def tier_name(config: ComplaintsConfig, tier: int) -> str:
    """The configured name of ``tier``."""
    return config.tiers[max(0, min(tier, config.top_tier))].name


async def after_move(
    desk: Desk,
    guild: discord.Guild,
    old: Ticket,
    new: Ticket,
    reason: str,
    actor: Any,
    *,
    automatic: bool = False,
) -> None:
    """A ticket changed tier: let the new tier in, tell them why, log it, re-arm."""
    config = desk.config(guild.id)
    desk.watch(new)
    role = places.tier_role(guild, config, new.tier)
    place = await places.fetch_place(guild, new)
    up = new.tier > old.tier
    if up and place is not None and role is not None:
        try:
            await places.add_role_members(place, role)
        except discord.HTTPException as exc:
            log.warning("ticket #%s: could not add tier %s: %s", new.number, new.tier, exc)
    key = "complaints.moved.up" if up else "complaints.moved.down"
    if automatic:
        key = "complaints.moved.auto"
    text = desk.t(
        guild,
        key,
        number=new.number,
        tier=tier_name(config, new.tier),
        role=role_mention(role, tier_name(config, new.tier)),
        reason=reason,
        by=getattr(actor, "mention", ""),
    )
    await say(place, text, roles=[role])
    await desk.record(
        new, "escalate" if up else "deescalate", actor, reason, tier=tier_name(config, new.tier)
    )
    await desk.arm(new)
    desk.bot.dispatch(
        "complaint_escalated" if up else "complaint_deescalated", new, reason, automatic
    )


async def announce_deadline(
    desk: Desk, before: Ticket, after: Ticket, plan: dl.Plan, config: ComplaintsConfig
) -> None:
    """Reminders and breaches decided by :func:`deadlines.plan`, told to the right people."""
    guild = desk.bot.get_guild(after.guild_id)
    if guild is None:
        return
    place = await places.fetch_place(guild, after)
    due = dl.deadlines_for(before, config)
    role = places.tier_role(guild, config, before.tier)
    # A claimant who left the server would never read the reminder: the tier gets it.
    holder = (
        before.claimant_id if before.claimant_id and guild.get_member(before.claimant_id) else None
    )
    for clock in plan.reminders:
        deadline = due.first_response if clock == dl.FIRST else due.resolution
        who = f"<@{holder}>" if holder else role_mention(role, tier_name(config, before.tier))
        text = desk.t(
            guild,
            f"complaints.deadline.remind_{clock}",
            who=who,
            number=before.number,
            due=stamp(deadline) if deadline else "?",
        )
        await say(place, text, roles=[] if holder else [role], users=[holder])
        await desk.record(after, "reminder", None, clock=desk.t(guild, f"complaints.clock.{clock}"))
    if not plan.breaches:
        return
    clocks = ", ".join(desk.t(guild, f"complaints.clock.{c}") for c in plan.breaches)
    late = int(plan.late_by.total_seconds() // 60)
    await desk.record(before, "breach", None, clocks=clocks, late=late)
    desk.bot.dispatch("complaint_breached", after, plan.breaches)
    for _ in plan.breaches:
        desk.bot.dispatch("analytics_event", after.guild_id, "ticket_deadline", value=0)
    reason_key = (
        "complaints.deadline.breach_reason_late" if late else ("complaints.deadline.breach_reason")
    )
    reason = desk.t(guild, reason_key, clocks=clocks, minutes=late)
    if plan.escalate:
        await after_move(desk, guild, before, after, reason, None, automatic=True)
    elif plan.ping_top_tier:
        text = desk.t(
            guild,
            "complaints.deadline.breach_top",
            number=after.number,
            role=role_mention(role, tier_name(config, after.tier)),
            reason=reason,
        )
        await say(place, text, roles=[role])


def describe(desk: Desk, guild: Any) -> Any:
    """A transcript ``describe`` bound to the guild's language."""

    def text(entry: Entry) -> str:
        return desk.t(
            guild,
            f"complaints.history.{entry.kind}",
            author=entry.author_name or "Vigie",
            **dict(entry.fields),
        )

    return text


def transcript_labels(desk: Desk, guild: Any) -> dict[str, str]:
    """The fixed words of the transcript layout, translated."""
    keys = (
        "ticket",
        "member",
        "category",
        "priority",
        "opened",
        "closed",
        "resolution",
        "internal",
        "attachment",
    )
    return {k: desk.t(guild, f"complaints.transcript.{k}") for k in keys}


async def send_transcripts(desk: Desk, guild: discord.Guild, ticket: Ticket) -> None:
    """Staff transcript (with notes) to the log channel; member copy (without) by DM."""
    config = desk.config(guild.id)
    await desk.history.flush()
    assert ticket.id is not None
    entries = await desk.store.history(guild.id, ticket.id)
    member = await places.member_or_none(guild, ticket.member_id)
    category = config.category_by_key(ticket.category)
    locale = desk.bot.i18n.locale_for(guild)
    header = Header(
        guild_name=guild.name,
        number=ticket.number,
        subject=ticket.subject,
        member_name=member.display_name if member else str(ticket.member_id),
        category=category.label(locale) if category else ticket.category,
        priority=desk.t(guild, f"complaints.priority.{ticket.priority}"),
        opened_at=ticket.opened_at,
        closed_at=ticket.closed_at,
        resolution=ticket.resolution,
    )
    labels = transcript_labels(desk, guild)
    words = describe(desk, guild)
    base = f"ticket-{ticket.number:04d}"

    def files(audience: str) -> list[discord.File]:
        page = render_html(header, entries, audience, words, labels, lang=locale)
        text = render_text(header, entries, audience, words, labels)
        return [
            discord.File(io.BytesIO(page.encode("utf-8")), filename=f"{base}.html"),
            discord.File(io.BytesIO(text.encode("utf-8")), filename=f"{base}.txt"),
        ]

    log_channel = resolve_channel(guild, config.log_channel)
    if log_channel is not None:
        summary = desk.t(
            guild,
            "complaints.transcript.posted",
            number=ticket.number,
            subject=ticket.subject,
            count=len(entries),
        )
        await say(log_channel, summary, files=files(STAFF))
    if config.member_transcript:
        for party in ticket.parties():
            person = await places.member_or_none(guild, party)
            if person is None:
                continue
            text = desk.t(
                guild, "complaints.transcript.member_copy", number=ticket.number, guild=guild.name
            )
            try:
                await person.send(text, files=files(MEMBER))
            except discord.HTTPException:
                log.info("ticket #%s: member %s does not accept DMs", ticket.number, party)


def report_deadline_met(desk: Desk, before: Ticket, clock: str, at: Any) -> None:
    """Tell analytics that a running deadline was met (breaches are told as they happen)."""
    due = dl.deadlines_for(before, desk.config(before.guild_id))
    deadline = due.first_response if clock == dl.FIRST else due.resolution
    if deadline is not None and at is not None and at <= deadline:
        desk.bot.dispatch("analytics_event", before.guild_id, "ticket_deadline", value=1)
