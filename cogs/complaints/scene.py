"""The complaints part of the sandbox scene: a complaint claimed, escalated, resolved, rated.

This module imports nothing of discord: it drives the sandbox as members and staff would.
"""

from __future__ import annotations

from typing import Any

import yaml

ORDER = 60

COMPLAINTS_DOCUMENT = """\
complaints:
  channel: support
  log_channel: reports
"""


def _merged(current: str, addition: str) -> str:
    document = yaml.safe_load(current or "") or {}
    document.update(yaml.safe_load(addition) or {})
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True)


async def play(stage: Any) -> None:
    """zoe complains about harassment; mo claims it, escalates it, maya resolves it, zoe rates."""
    sb, guild, bot = stage.sb, stage.guild, stage.bot
    current = await bot.configs.document(guild.id)
    await bot.configs.set_document(guild.id, _merged(current, COMPLAINTS_DOCUMENT), guild.owner_id)
    cog = bot.get_cog("complaints")
    zoe, mo, maya = stage.member("zoe"), stage.moderator, stage.manager

    stage.narrate("Complaints: zoe opens /complaint about harassment in DMs")
    r = await zoe.slash("complaint", in_channel="support")
    await r.response(timeout=10)
    done = await zoe.submit_modal(
        r,
        {
            "subject": "Insulting DMs",
            "category": "harassment",
            "description": "Someone keeps sending me insults in private messages since yesterday.",
        },
    )
    await done.followups(1, timeout=10)
    [ticket] = [t for t in await cog.store.open_tickets(guild.id) if t.member_id == zoe.id]
    thread = guild.channels[ticket.channel_id]
    stage.transcript.names[thread.id] = f"#{thread.name}"
    header = sb.messages(thread)[0]

    stage.narrate(f"Complaints: mo claims ticket #{ticket.number} and answers zoe")
    claimed = await mo.click(header, "Claim")
    await claimed.followups(1, timeout=10)  # the confirmation follows the acknowledgement
    await mo.say(thread, "Thanks for telling us. Can you share screenshots?")
    await zoe.say(thread, "Here they are.")

    stage.narrate("Complaints: mo escalates to the managers, saying why")
    click = await mo.click(header, "Escalate")
    await click.response(timeout=10)
    moved = await mo.submit_modal(
        click, {"reason": "Repeated DM harassment: a ban needs a manager."}
    )
    await moved.followups(1, timeout=10)

    stage.narrate("Complaints: maya closes it with a resolution; transcripts go to #reports")
    click = await maya.click(header, "Close")
    await click.response(timeout=10)
    closed = await maya.submit_modal(
        click, {"resolution": "The sender was banned. Thank you, zoe."}
    )
    await closed.followups(1, timeout=10)
    closing = await sb.wait_for_message(
        thread, timeout=10, where=lambda m: "closed" in m["content"]
    )

    stage.narrate("Complaints: zoe rates the handling 5/5")
    star = await zoe.click(closing, "5")
    await star.response(timeout=10)
    rated = await zoe.submit_modal(star, {"comment": "Fast and kind."})
    await rated.response(timeout=10)
