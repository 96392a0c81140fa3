"""Opening a ticket: checks on the member, the ticket row, its private place, the header."""

from __future__ import annotations

from typing import Any

import discord

from bot.user_error import UserError

from . import effects, places
from . import tickets as tk
from .desk import Desk, now
from .tickets import Kind, Ticket
from .views import ticket_view

HANDLING = ("claim", "unclaim", "escalate", "close")


def button_labels(desk: Desk, guild: Any) -> dict[str, str]:
    """Translated labels of the ticket buttons."""
    return {a: desk.t(guild, f"complaints.button.{a}") for a in (*HANDLING, "reopen", "state")}


async def open_ticket(
    desk: Desk,
    *,
    guild: discord.Guild,
    where: Any,
    member: discord.Member,
    opened_by: discord.Member,
    subject: str,
    description: str,
    category_key: str | None = None,
    priority: str | None = None,
    other: discord.Member | None = None,
) -> Ticket:
    """Open a complaint (or, with ``other``, a dispute) and its private place."""
    config = desk.config(guild.id)
    if not config.enabled:
        raise UserError("complaints.errors.disabled")
    kind = Kind.DISPUTE if other is not None else Kind.COMPLAINT
    if kind is Kind.COMPLAINT:
        category = config.category_by_key(category_key or "")
        if category is None:
            keys = ", ".join(c.key for c in config.categories)
            raise UserError("complaints.errors.bad_category", categories=keys)
        category_key, priority = category.key, priority or category.priority
    else:
        if other is None or other.id == member.id or other.bot:
            raise UserError("complaints.errors.bad_party")
        category_key, priority = "dispute", priority or "normal"
    if not subject.strip():
        raise UserError("complaints.errors.subject_required")
    on_behalf = opened_by.id != member.id
    if not on_behalf:
        check_not_blocked(desk, guild, member)
    moment = now()
    draft = tk.new_ticket(
        guild_id=guild.id,
        number=0,
        member_id=member.id,
        opened_by=opened_by.id,
        subject=subject.strip()[:100],
        category=category_key,
        priority=priority,
        now=moment,
        kind=kind,
        other_party_id=other.id if other else None,
    )
    # Staff opening for someone is not held to the member's own limits.
    limits = None if on_behalf else tk.OpenLimits(config.max_open, config.cooldown)
    try:
        ticket = await desk.store.create(draft, description, limits)
    except tk.IllegalTransition as exc:
        raise _refusal(exc) from None
    assert ticket.id is not None
    people: list[discord.Member] = [member, *([other] if other else [])]
    if on_behalf:
        people.append(opened_by)
    try:
        place = await places.create_place(guild, config, ticket, where, people)
    except BaseException:
        await desk.store.discard(guild.id, ticket.id)  # nothing half-made stays behind
        raise
    _, attached = await desk.transition(guild.id, ticket.id, lambda t: tk.attach(t, place.id))
    ticket = attached or ticket
    assert ticket.id is not None
    desk.watch(ticket)
    await desk.record(
        ticket,
        "open",
        opened_by,
        description,
        subject=ticket.subject,
        priority=ticket.priority,
        category=category_key,
    )
    role = places.tier_role(guild, config, 0)
    category_label = (
        desk.t(guild, "complaints.dispute_category")
        if kind is Kind.DISPUTE
        else (
            config.category_by_key(category_key).label(desk.bot.i18n.locale_for(guild))  # type: ignore[union-attr]
        )
    )
    embed = discord.Embed(
        title=f"#{ticket.number} · {ticket.subject}", description=description[:4000]
    )
    embed.add_field(name=desk.t(guild, "complaints.transcript.category"), value=category_label)
    embed.add_field(
        name=desk.t(guild, "complaints.transcript.priority"),
        value=desk.t(guild, f"complaints.priority.{ticket.priority}"),
    )
    key = "complaints.opened.dispute" if kind is Kind.DISPUTE else "complaints.opened.complaint"
    text = desk.t(
        guild,
        key,
        number=ticket.number,
        member=member.mention,
        other=other.mention if other else "",
        role=effects.role_mention(role, config.tiers[0].name),
    )
    actions = [*HANDLING, "state"] if kind is Kind.DISPUTE else list(HANDLING)
    view = ticket_view(ticket.id, button_labels(desk, guild), actions)
    await effects.say(
        place,
        text,
        embed=embed,
        view=view,
        roles=[role],
        users=[member.id, other.id if other else None],
    )
    await desk.arm(ticket)
    desk.bot.dispatch("complaint_opened", ticket)
    return ticket


def check_not_blocked(desk: Desk, guild: discord.Guild, member: discord.Member) -> None:
    """Refuse a member holding the configured blocked role (opening or reopening)."""
    config = desk.config(guild.id)
    if config.blocked_role is not None:
        blocked = places.role_by_ref(guild, config.blocked_role)
        if blocked is not None and blocked in member.roles:
            raise UserError("complaints.errors.blocked")


def _refusal(exc: tk.IllegalTransition) -> UserError:
    """The store's refusal (limit or cooldown) as the member reads it."""
    fields = dict(exc.fields)
    if "until" in fields:
        fields["when"] = effects.stamp(fields.pop("until"))
    return UserError(exc.key, **fields)
