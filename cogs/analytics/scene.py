"""The analytics part of the sandbox scene, played last: a manager asks for /stats summary
and the transcript shows the headline figures of everything that happened before."""

from __future__ import annotations

from typing import Any

ORDER = 1000  # last of all: the figures cover the whole scene


async def play(stage: Any) -> None:
    """maya (a manager) asks for the last 7 days' figures and charts."""
    stage.narrate("Analytics: maya asks for the last 7 days with /stats summary")
    r = await stage.manager.slash("stats summary", in_channel="reports", period="7d")
    await r.response(timeout=15)
    message = (await r.followups(1, timeout=30))[0]
    engagement = next(
        (f["value"] for f in message.embeds[0]["fields"] if f["name"] == "Engagement"), ""
    )
    stage.narrate("Analytics: " + engagement.replace("\n", "; ").replace("**", ""))
