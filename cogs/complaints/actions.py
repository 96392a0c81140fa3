"""Ticket operations as people ask for them (commands, buttons, modals, listeners).

Each checks who asks, applies the pure transition through the desk (compare-and-set), then
does its effects. They raise :class:`UserError` for every refusal and return the ticket.
"""

from __future__ import annotations

from typing import Any

import discord

from bot.checks import Privilege, privilege_of
from bot.modlog import resolve_channel
from bot.user_error import UserError

from . import deadlines as dl
from . import effects, places
from . import tickets as tk
from .desk import Desk, now
from .opening import check_not_blocked
from .tickets import Kind, Ticket
from .views import rating_view


async def claim(desk: Desk, guild: discord.Guild, actor: discord.Member, ticket_id: int) -> Ticket:
    """Take the ticket (staff); of two simultaneous presses one wins, the other is told who."""
    desk.require_staff(actor, desk.config(guild.id))
    _, new = await desk.transition(guild.id, ticket_id, lambda t: tk.claim(t, actor.id))
    assert new is not None
    await effects.say(
        await places.fetch_place(guild, new),
        desk.t(guild, "complaints.claimed", by=actor.mention, number=new.number),
    )
    await desk.record(new, "claim", actor)
    desk.bot.dispatch("complaint_claimed", new, actor.id)
    return new


async def unclaim(
    desk: Desk, guild: discord.Guild, actor: discord.Member, ticket_id: int
) -> Ticket:
    """Give the ticket back to its tier (the claimant, or a manager)."""
    desk.require_staff(actor, desk.config(guild.id))
    force = privilege_of(desk.bot, actor) >= Privilege.MANAGER
    _, new = await desk.transition(
        guild.id, ticket_id, lambda t: tk.unclaim(t, actor.id, force=force)
    )
    assert new is not None
    await effects.say(
        await places.fetch_place(guild, new),
        desk.t(guild, "complaints.unclaimed", by=actor.mention, number=new.number),
    )
    await desk.record(new, "unclaim", actor)
    return new


async def move(
    desk: Desk,
    guild: discord.Guild,
    actor: discord.Member,
    ticket_id: int,
    reason: str,
    up: bool,
    from_tier: int | None = None,
) -> Ticket:
    """Escalate (``up``) or de-escalate with a reason the next tier reads.

    The move is from the tier the actor saw (``from_tier``, else the tier first read): when
    someone else moved the ticket meanwhile, it is refused rather than moved a second step.
    """
    config = desk.config(guild.id)
    desk.require_staff(actor, config)
    if not reason.strip():
        raise UserError("complaints.errors.reason_required")
    moment = now()
    seen = [from_tier] if from_tier is not None else []

    def change(t: Ticket) -> Ticket:
        if seen and t.is_open and t.tier != seen[0]:
            raise tk.IllegalTransition(
                "complaints.errors.moved_meanwhile",
                number=t.number,
                tier=effects.tier_name(config, t.tier),
            )
        seen.append(t.tier)
        return tk.escalate(t, moment, top_tier=config.top_tier) if up else tk.deescalate(t, moment)

    old, new = await desk.transition(guild.id, ticket_id, change)
    assert new is not None
    await effects.after_move(desk, guild, old, new, reason.strip(), actor)
    return new


async def set_priority(
    desk: Desk, guild: discord.Guild, actor: discord.Member, ticket_id: int, priority: str
) -> Ticket:
    """Change the priority (staff); the deadlines follow from the same start."""
    desk.require_staff(actor, desk.config(guild.id))
    label = desk.t(guild, f"complaints.priority.{priority}")

    def change(t: Ticket) -> Ticket:
        try:
            return tk.set_priority(t, priority)
        except tk.IllegalTransition as exc:
            if exc.key != "complaints.errors.same_priority":
                raise
            # The refusal names the priority as the moderator picked it, in their language.
            raise tk.IllegalTransition(exc.key, priority=label) from None

    _, new = await desk.transition(guild.id, ticket_id, change)
    assert new is not None
    await effects.say(
        await places.fetch_place(guild, new),
        desk.t(guild, "complaints.priority_set", by=actor.mention, priority=label),
    )
    await desk.record(new, "priority", actor, priority=label)
    await desk.arm(new)
    return new


async def note(
    desk: Desk, guild: discord.Guild, actor: discord.Member, ticket_id: int, text: str
) -> Ticket:
    """An internal note: kept in the staff history and posted to the staff log only."""
    config = desk.config(guild.id)
    desk.require_staff(actor, config)
    ticket = await desk.get(guild.id, ticket_id)
    if not text.strip():
        raise UserError("complaints.errors.note_required")
    await desk.record(ticket, "note", actor, text.strip(), internal=True)
    channel = resolve_channel(guild, config.staff_log_channel)
    line = desk.t(
        guild, "complaints.note_posted", number=ticket.number, by=actor.mention, text=text.strip()
    )
    await effects.say(channel, line)
    return ticket


async def participant(
    desk: Desk,
    guild: discord.Guild,
    actor: discord.Member,
    ticket_id: int,
    member: discord.Member,
    add: bool,
) -> Ticket:
    """Let someone into the ticket, or take them out (staff)."""
    desk.require_staff(actor, desk.config(guild.id))
    ticket = await desk.get(guild.id, ticket_id)
    if not ticket.is_open:
        raise UserError("complaints.errors.closed", number=ticket.number)
    if not add and member.id in ticket.parties():
        raise UserError("complaints.errors.cannot_remove_party")
    place = await places.fetch_place(guild, ticket)
    if place is None:
        raise UserError("complaints.errors.place_missing")
    if not add and isinstance(place, discord.Thread):
        # Only a thread echoes the removal back (THREAD_MEMBERS_UPDATE); a channel never would,
        # and its entry would stay in memory for good.
        desk.own_removals.add((place.id, member.id))
    await (places.add_member(place, member) if add else places.remove_member(place, member))
    key = "complaints.participant_added" if add else "complaints.participant_removed"
    await effects.say(place, desk.t(guild, key, who=member.mention, by=actor.mention))
    await desk.record(ticket, "join" if add else "leave", member, by=actor.display_name)
    return ticket


async def close(
    desk: Desk,
    guild: discord.Guild,
    actor: discord.Member,
    ticket_id: int,
    resolution: str,
    case: str | None = None,
) -> Ticket:
    """Close with a resolution (staff); a dispute's outcome may link to a policy case."""
    desk.require_staff(actor, desk.config(guild.id))
    old, new = await desk.transition(
        guild.id, ticket_id, lambda t: tk.close(t, actor.id, now(), resolution)
    )
    assert new is not None and new.id is not None
    effects.report_deadline_met(desk, old, dl.RESOLUTION, new.closed_at)
    if case:
        await desk.store.set_policy_case(guild.id, new.id, case.strip()[:40])
        # The policies feature may listen to annotate its case; we never import it.
        desk.bot.dispatch("complaint_case_linked", new, case.strip()[:40])
    kind = "outcome" if new.kind is Kind.DISPUTE else "close"
    await desk.record(new, kind, actor, new.resolution or "", case=case or "")
    await finish(desk, guild, new, actor, case=case)
    return new


async def finish(
    desk: Desk,
    guild: discord.Guild,
    ticket: Ticket,
    actor: Any,
    *,
    case: str | None = None,
    place_gone: bool = False,
) -> None:
    """The effects of a close: stop following, tell the member, lock, transcripts, event."""
    config = desk.config(guild.id)
    desk.unwatch(ticket)
    await desk.arm(ticket)  # closed: cancels the pending deadline
    place = None if place_gone else await places.fetch_place(guild, ticket)
    if place is not None:
        text = desk.t(
            guild,
            "complaints.closed",
            number=ticket.number,
            by=getattr(actor, "mention", "Vigie"),
            resolution=ticket.resolution or "",
        )
        if case:
            text += "\n" + desk.t(guild, "complaints.case_link", case=case)
        view = None
        if config.rating:
            text += "\n" + desk.t(guild, "complaints.rate_prompt", member=f"<@{ticket.member_id}>")
            reopen = desk.t(guild, "complaints.button.reopen") if config.reopen_window else None
            assert ticket.id is not None
            view = rating_view(ticket.id, reopen)
        await effects.say(place, text, view=view, users=[ticket.member_id])
        await places.set_closed(place, ticket, True)
    await effects.send_transcripts(desk, guild, ticket)
    desk.bot.dispatch("complaint_closed", ticket)


async def reopen(desk: Desk, guild: discord.Guild, actor: discord.Member, ticket_id: int) -> Ticket:
    """Reopen within the window (a party of the ticket, or staff)."""
    config = desk.config(guild.id)
    ticket = await desk.get(guild.id, ticket_id)
    if actor.id not in ticket.parties():
        desk.require_staff(actor, config)
    # A ticket closed because its place was deleted has nowhere to continue: reopening it
    # would leave an open ticket (counted, timed, escalated) that nobody can see.
    place = await places.fetch_place(guild, ticket) if not ticket.is_open else None
    if not ticket.is_open and place is None:
        raise UserError("complaints.errors.place_missing")
    if not ticket.is_open and actor.id == ticket.member_id:
        # Reopening is opening again: the blocked role and the open limit hold.
        check_not_blocked(desk, guild, actor)
        load, _ = await desk.store.member_load(guild.id, actor.id)
        if load >= config.max_open:
            raise UserError("complaints.errors.too_many", max=config.max_open)
    moment = now()
    _, new = await desk.transition(
        guild.id, ticket_id, lambda t: tk.reopen(t, moment, config.reopen_window)
    )
    assert new is not None
    desk.watch(new)
    if place is not None:
        await places.set_closed(place, new, False)
    role = places.tier_role(guild, config, new.tier)
    await effects.say(
        place,
        desk.t(
            guild,
            "complaints.reopened",
            by=actor.mention,
            role=effects.role_mention(role, effects.tier_name(config, new.tier)),
        ),
        roles=[role],
    )
    await desk.record(new, "reopen", actor)
    await desk.arm(new)
    desk.bot.dispatch("complaint_reopened", new)
    return new


async def state(
    desk: Desk, guild: discord.Guild, actor: discord.Member, ticket_id: int, text: str
) -> Ticket:
    """A party's view in a dispute (one each; stating again replaces it)."""
    ticket = await desk.get(guild.id, ticket_id)
    if ticket.kind is not Kind.DISPUTE:
        raise UserError("complaints.errors.not_dispute")
    if actor.id not in ticket.parties():
        raise UserError("complaints.errors.not_party")
    if not ticket.is_open:
        raise UserError("complaints.errors.closed", number=ticket.number)
    assert ticket.id is not None
    await desk.store.state(guild.id, ticket.id, actor.id, text.strip(), now())
    await desk.record(ticket, "statement", actor, text.strip())
    await effects.say(
        await places.fetch_place(guild, ticket),
        desk.t(guild, "complaints.statement", who=actor.mention, text=text.strip()),
    )
    return ticket


async def rate(
    desk: Desk,
    guild: discord.Guild,
    actor: discord.Member | discord.User,
    ticket_id: int,
    score: int,
    comment: str,
) -> Ticket:
    """The member's satisfaction, once, after the close."""
    ticket = await desk.get(guild.id, ticket_id)
    if actor.id != ticket.member_id:
        raise UserError("complaints.errors.not_your_ticket")
    if ticket.is_open:
        raise UserError("complaints.errors.not_closed", number=ticket.number)
    if not 1 <= score <= 5:
        raise UserError("complaints.errors.bad_score")
    assert ticket.id is not None
    if not await desk.store.rate(guild.id, ticket.id, actor.id, score, comment.strip(), now()):
        raise UserError("complaints.errors.already_rated")
    await desk.record(ticket, "rating", actor, comment.strip(), score=score)
    desk.bot.dispatch("complaint_rated", ticket, score)
    return ticket
