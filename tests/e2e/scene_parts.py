"""Play one feature's part of the sandbox scene on a fresh test world."""

from __future__ import annotations

import io
from typing import Any

from bot.scene import Stage
from bot.transcript import Transcript


async def play_scene(world: Any, part: Any) -> tuple[Stage, str]:
    """Run ``part.play(stage)`` against ``world``; return the stage and the narration."""
    out = io.StringIO()
    transcript = Transcript(bot_id=world.sb.application.bot_user.id)
    stage = Stage(
        world.sb,
        world.guild,
        world.bot,
        transcript,
        owner=world.owner,
        manager=world.manager,
        moderator=world.moderator,
        out=out,
    )
    await part.play(stage)
    stage.flush()
    return stage, out.getvalue()
