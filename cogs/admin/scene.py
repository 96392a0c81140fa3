"""The admin part of ``python -m bot sandbox``: a manager looks at and changes the config,
a member asks what Vigie knows about them."""

from __future__ import annotations

from typing import Any

# Early: other parts of the scene may rely on the configuration being shown first.
ORDER = 10


async def play(stage: Any) -> None:
    """Show the config, set a key, refuse a member, answer /privacy mine."""
    stage.narrate("A manager checks Vigie's configuration and changes the time zone")
    reply = await stage.manager.slash("config show", guild=stage.guild, section="roles")
    await reply.response(timeout=5)
    reply = await stage.manager.slash(
        "config set", guild=stage.guild, key="timezone", value="Europe/Paris"
    )
    await reply.response(timeout=5)
    reply = await stage.manager.slash("admin status", guild=stage.guild)
    await reply.response(timeout=5)

    stage.narrate("A member tries a manager command, then asks what Vigie stores about them")
    alice = stage.member("alice")
    reply = await alice.slash("config show", guild=stage.guild)
    await reply.response(timeout=5)
    reply = await alice.slash("privacy mine", guild=stage.guild)
    await reply.response(timeout=5)
