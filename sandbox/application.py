"""The bot application: id, token, bot user and the commands it synced."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sandbox.models import User


@dataclass
class Application:
    """The bot application: its id, token, bot user and synced commands."""

    id: int
    name: str
    token: str
    bot_user: User
    global_commands: list[dict[str, Any]] = field(default_factory=list)
    guild_commands: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # Privileged intents enabled in the (imaginary) developer portal: members, presences,
    # message content. IDENTIFY asking for one not enabled is closed with 4014.
    privileged_intents: int = (1 << 1) | (1 << 8) | (1 << 15)

    def commands_for(self, guild_id: int | None) -> list[dict[str, Any]]:
        """Global commands plus the guild's own (the guild's shadow globals of the same name)."""
        local = self.guild_commands.get(guild_id, []) if guild_id else []
        names = {(c["name"], c.get("type", 1)) for c in local}
        return local + [
            c for c in self.global_commands if (c["name"], c.get("type", 1)) not in names
        ]
