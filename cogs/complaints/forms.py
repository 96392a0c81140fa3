"""The opening forms: a complaint (subject, category, description) and a mediation request.

Each builds the modal and what happens on submit (open the ticket, tell the member where).
"""

from __future__ import annotations

import discord

from bot.user_error import UserError

from . import actions, opening
from .desk import Desk
from .tickets import Ticket
from .views import Field, FormModal

# A statement is posted in the ticket after a "view of" line: this leaves room for that line
# under Discord's 2000 characters, so the other party reads it whole.
STATEMENT_MAX = 1900


async def _tell_where(desk: Desk, interaction: discord.Interaction, ticket: Ticket) -> None:
    text = desk.t(
        interaction,
        "complaints.opened.reply",
        number=ticket.number,
        place=f"<#{ticket.channel_id}>",
    )
    await interaction.followup.send(text, ephemeral=True)


def _fields(desk: Desk, interaction: discord.Interaction, *, dispute: bool) -> list[Field]:
    config = desk.config(interaction.guild_id or 0)
    if not config.enabled:
        raise UserError("complaints.errors.disabled")
    fields = [Field("subject", desk.t(interaction, "complaints.form.subject"), max_length=100)]
    if dispute:
        label = desk.t(interaction, "complaints.form.statement")
        fields.append(Field("statement", label, long=True, max_length=STATEMENT_MAX))
        return fields
    locale = desk.bot.i18n.locale_for(interaction)
    options = tuple((c.key, c.label(locale)) for c in config.categories)
    fields.append(
        Field("category", desk.t(interaction, "complaints.form.category"), options=options)
    )
    label = desk.t(interaction, "complaints.form.description")
    fields.append(Field("description", label, long=True, max_length=2000))
    return fields


def complaint_modal(
    desk: Desk,
    interaction: discord.Interaction,
    *,
    member: discord.Member,
    opened_by: discord.Member,
    priority: str | None = None,
) -> FormModal:
    """The complaint form, for the member themselves or opened by staff on their behalf."""
    fields = _fields(desk, interaction, dispute=False)

    async def submit(inter: discord.Interaction, values: dict[str, str]) -> None:
        await inter.response.defer(ephemeral=True, thinking=True)
        ticket = await opening.open_ticket(
            desk,
            guild=member.guild,
            where=inter.channel,
            member=member,
            opened_by=opened_by,
            subject=values["subject"],
            description=values["description"],
            category_key=values.get("category"),
            priority=priority,
        )
        await _tell_where(desk, inter, ticket)

    return FormModal(desk.t(interaction, "complaints.form.title"), fields, submit)


def dispute_modal(
    desk: Desk,
    interaction: discord.Interaction,
    *,
    first: discord.Member,
    second: discord.Member,
    opened_by: discord.Member,
) -> FormModal:
    """The mediation form; when a party opens it, their text is also their statement."""
    if first.id == second.id or first.bot or second.bot:
        raise UserError("complaints.errors.bad_party")
    fields = _fields(desk, interaction, dispute=True)

    async def submit(inter: discord.Interaction, values: dict[str, str]) -> None:
        await inter.response.defer(ephemeral=True, thinking=True)
        ticket = await opening.open_ticket(
            desk,
            guild=first.guild,
            where=inter.channel,
            member=first,
            opened_by=opened_by,
            subject=values["subject"],
            description=values["statement"],
            other=second,
        )
        if opened_by.id == first.id and ticket.id is not None:
            await actions.state(desk, first.guild, first, ticket.id, values["statement"])
        await _tell_where(desk, inter, ticket)

    return FormModal(desk.t(interaction, "complaints.form.dispute_title"), fields, submit)
