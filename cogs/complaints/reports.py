"""``/tickets queue`` and ``/tickets stats``: embeds built from the store and pure logic."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

import discord

from bot.durations import Duration, DurationError, parse_duration
from bot.user_error import UserError

from . import deadlines as dl
from .desk import now
from .effects import stamp, tier_name
from .stats import compute
from .tickets import Status

if TYPE_CHECKING:
    from .desk import Desk

MAX_LINES = 20
_STATUS_ICON = {"breached": "🔴", "due_soon": "🟠", "ok": "🟢", "closed": "⚪"}


def _age(delta: timedelta) -> Duration:
    # Whole minutes are enough for a queue.
    return Duration(max(60, int(delta.total_seconds()) // 60 * 60))


def _fit(lines: list[str], limit: int) -> str:
    kept: list[str] = []
    size = 0
    for line in lines:
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


async def queue_embed(desk: Desk, guild: discord.Guild) -> discord.Embed:
    """Open tickets, highest tier then oldest first, each with its deadline status."""
    config = desk.config(guild.id)
    moment = now()
    tickets = await desk.store.open_tickets(guild.id)
    tickets.sort(key=lambda t: (-t.tier, t.opened_at))
    lines: list[str] = []
    for ticket in tickets[:MAX_LINES]:
        status, due = dl.deadline_status(ticket, config, moment)
        owner = (
            f"<@{ticket.claimant_id}>"
            if ticket.status is Status.CLAIMED
            else desk.t(guild, "complaints.queue.unclaimed")
        )
        lines.append(
            desk.t(
                guild,
                "complaints.queue.line",
                icon=_STATUS_ICON[status],
                number=ticket.number,
                subject=ticket.subject[:60],
                tier=tier_name(config, ticket.tier),
                priority=desk.t(guild, f"complaints.priority.{ticket.priority}"),
                age=_age(moment - ticket.opened_at),
                owner=owner,
                due=stamp(due) if due else "-",
                flag=desk.t(guild, "complaints.queue.left_flag") if ticket.member_left else "",
            )
        )
    if len(tickets) > MAX_LINES:
        lines.append(desk.t(guild, "complaints.queue.more", count=len(tickets) - MAX_LINES))
    embed = discord.Embed(
        title=desk.t(guild, "complaints.queue.title", count=len(tickets)),
        # Discord refuses descriptions over 4096 characters: keep whole lines that fit.
        description=_fit(lines, 4000) or desk.t(guild, "complaints.queue.empty"),
    )
    return embed


def _span(value: timedelta | None) -> Duration | str:
    return "-" if value is None else Duration(max(60, int(value.total_seconds())))


async def stats_embed(desk: Desk, guild: discord.Guild, period: str) -> discord.Embed:
    """Figures over ``period`` (a duration like 30d); also dispatched for analytics."""
    try:
        span = parse_duration(period)
    except DurationError:
        raise UserError("complaints.errors.bad_period", period=period[:20]) from None
    end = now()
    start = end - span
    figures = compute(await desk.store.facts(guild.id, start), start, end)
    desk.bot.dispatch("complaints_stats", guild.id, figures.as_event())
    t = desk.t
    embed = discord.Embed(title=t(guild, "complaints.stats.title", period=Duration(span)))
    for key, count in (
        ("opened", figures.opened),
        ("closed", figures.closed),
        ("breaches", figures.breaches),
    ):
        embed.add_field(name=t(guild, f"complaints.stats.{key}"), value=str(count))
    for key, median, p90 in (
        ("first_response", figures.first_response_median, figures.first_response_p90),
        ("resolution", figures.resolution_median, figures.resolution_p90),
    ):
        spread = t(guild, "complaints.stats.spread", median=_span(median), p90=_span(p90))
        embed.add_field(name=t(guild, f"complaints.stats.{key}"), value=spread)
    satisfaction = (
        "-"
        if figures.rating_average is None
        else t(
            guild,
            "complaints.stats.rating",
            average=f"{figures.rating_average:.1f}",
            count=figures.ratings,
        )
    )
    embed.add_field(name=t(guild, "complaints.stats.satisfaction"), value=satisfaction)
    return embed
