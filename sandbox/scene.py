"""A ready-made community for demos and manual runs."""

from __future__ import annotations

from sandbox.models import Guild
from sandbox.sandbox import Sandbox


def demo_scene(sb: Sandbox) -> Guild:
    """A guild with the usual channels and roles, the bot as admin, and a few members."""
    guild = sb.create_guild(
        "Vigie Demo",
        owner="olivia",
        channels=["welcome", "general", "feedback", "reports", "modlog"],
        roles=["Manager", "Moderator", "Member"],
        categories={"Staff": ["staff-chat"]},
        with_bot=True,
    )
    sb.member("marc", guild=guild, roles=["Manager"])
    sb.member("maya", guild=guild, roles=["Moderator"])
    for name in ("alice", "bob", "chloe"):
        sb.member(name, guild=guild, roles=["Member"])
    return guild
