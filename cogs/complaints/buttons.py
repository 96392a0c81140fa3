"""What the ticket buttons do: claim and reopen at once, or a modal for the rest."""

from __future__ import annotations

from typing import Any

import discord

from bot.user_error import UserError

from . import actions
from .forms import STATEMENT_MAX
from .tickets import Kind
from .views import Field, FormModal


def _member(interaction: discord.Interaction) -> discord.Member:
    if interaction.guild is None or not isinstance(interaction.user, discord.Member):
        raise UserError("errors.guild_only")
    return interaction.user


# Buttons that act at once, with the confirmation each gets; the others open a modal.
AT_ONCE = {
    "claim": (actions.claim, "complaints.done.claimed"),
    "unclaim": (actions.unclaim, "complaints.done.unclaimed"),
    "reopen": (actions.reopen, "complaints.done.reopened"),
}


class ButtonHandlers:
    """Mixed into the cog: ``self.desk``, ``self.t`` and ``self._reply`` come from it."""

    desk: Any

    def t(self, interaction: discord.Interaction, key: str, **fields: Any) -> str:
        return self.desk.t(interaction, key, **fields)

    def _field(self, interaction: discord.Interaction, key: str, **options: Any) -> Field:
        """A modal field whose label is ``complaints.form.<key>``."""
        return Field(key, self.t(interaction, f"complaints.form.{key}"), **options)

    async def _ack(self, interaction: discord.Interaction) -> None:
        """Acknowledge at once, privately: what follows talks to Discord, maybe many times.

        Discord drops an interaction not answered within 3 seconds; a tier of 50 added one
        request each, or a slow Discord, takes longer. :meth:`_reply` then follows up.
        """
        if not interaction.response.is_done():
            await interaction.response.defer(ephemeral=True, thinking=True)

    async def _reply(self, interaction: discord.Interaction, key: str, **fields: Any) -> None:
        text = self.t(interaction, key, **fields)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)

    async def on_ticket_button(
        self, interaction: discord.Interaction, action: str, ticket_id: int
    ) -> None:
        """A handling button was pressed (see views.TicketButton)."""
        member = _member(interaction)
        guild = member.guild
        if action in AT_ONCE:
            act, done = AT_ONCE[action]
            await self._ack(interaction)
            ticket = await act(self.desk, guild, member, ticket_id)
            await self._reply(interaction, done, number=ticket.number)
        elif action in ("escalate", "close"):
            self.desk.require_staff(member, self.desk.config(guild.id))
            await self._staff_modal(interaction, member, action, ticket_id)
        elif action == "state":
            await self._statement_modal(interaction, member, ticket_id)

    async def _staff_modal(
        self, interaction: discord.Interaction, member: discord.Member, action: str, ticket_id: int
    ) -> None:
        ticket = await self.desk.get(member.guild.id, ticket_id)
        if action == "escalate":
            fields = [self._field(interaction, "reason", long=True, max_length=500)]

            async def submit(inter: discord.Interaction, values: dict[str, str]) -> None:
                await self._ack(inter)
                done = await actions.move(
                    self.desk,
                    member.guild,
                    member,
                    ticket_id,
                    values["reason"],
                    up=True,
                    from_tier=ticket.tier,
                )
                await self._reply(inter, "complaints.done.moved", number=done.number)

            title = self.t(interaction, "complaints.form.escalate_title", number=ticket.number)
        else:
            fields = [self._field(interaction, "resolution", long=True, max_length=1500)]
            if ticket.kind is Kind.DISPUTE:
                fields.append(self._field(interaction, "case", required=False, max_length=40))

            async def submit(inter: discord.Interaction, values: dict[str, str]) -> None:
                await self._ack(inter)
                done = await actions.close(
                    self.desk,
                    member.guild,
                    member,
                    ticket_id,
                    values["resolution"],
                    values.get("case") or None,
                )
                await self._reply(inter, "complaints.done.closed", number=done.number)

            title = self.t(interaction, "complaints.form.close_title", number=ticket.number)
        await interaction.response.send_modal(FormModal(title, fields, submit))

    async def _statement_modal(
        self, interaction: discord.Interaction, member: discord.Member, ticket_id: int
    ) -> None:
        ticket = await self.desk.get(member.guild.id, ticket_id)
        if member.id not in ticket.parties():
            raise UserError("complaints.errors.not_party")
        fields = [self._field(interaction, "statement", long=True, max_length=STATEMENT_MAX)]

        async def submit(inter: discord.Interaction, values: dict[str, str]) -> None:
            await self._ack(inter)
            await actions.state(self.desk, member.guild, member, ticket_id, values["statement"])
            await self._reply(inter, "complaints.done.stated")

        await interaction.response.send_modal(
            FormModal(self.t(interaction, "complaints.form.statement_title"), fields, submit)
        )

    async def on_rate_button(
        self, interaction: discord.Interaction, ticket_id: int, score: int
    ) -> None:
        """A rating star was pressed: ask for an optional comment, then record."""
        member = _member(interaction)
        ticket = await self.desk.get(member.guild.id, ticket_id)
        if member.id != ticket.member_id:
            raise UserError("complaints.errors.not_your_ticket")
        fields = [self._field(interaction, "comment", long=True, required=False, max_length=1000)]

        async def submit(inter: discord.Interaction, values: dict[str, str]) -> None:
            await actions.rate(
                self.desk, member.guild, member, ticket_id, score, values.get("comment", "")
            )
            await self._reply(inter, "complaints.done.rated", score=score)

        await interaction.response.send_modal(
            FormModal(
                self.t(interaction, "complaints.form.rating_title", score=score), fields, submit
            )
        )
