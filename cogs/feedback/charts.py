"""Poll result charts as PNG bytes (matplotlib, Agg backend). No discord import.

The image carries its own opaque background with dark text and saturated bars, so it reads the
same on Discord's light and dark themes (a transparent PNG with dark text vanishes on dark).
Rendering takes tens of milliseconds: the cog calls :func:`poll_chart` in a worker thread.
"""

from __future__ import annotations

import io
import textwrap
import threading
from collections.abc import Sequence

import matplotlib

matplotlib.use("Agg")  # before pyplot: no display on a server

from matplotlib.figure import Figure  # noqa: E402  (must follow the backend choice)

BACKGROUND = "#F2F3F5"
TEXT = "#1E1F22"
MUTED = "#5C5E66"
BAR = "#5865F2"
WINNER = "#23A55A"
LABEL_WIDTH = 28
# pyplot's global state is not thread safe; Figure() objects are, but font caches are shared.
_LOCK = threading.Lock()


def _label(text: str) -> str:
    wrapped = textwrap.wrap(text, LABEL_WIDTH) or [""]
    if len(wrapped) > 2:
        wrapped = [wrapped[0], wrapped[1][: LABEL_WIDTH - 1] + "…"]
    return "\n".join(wrapped)


def poll_chart(
    question: str,
    labels: Sequence[str],
    votes: Sequence[int],
    *,
    subtitle: str = "",
    percents: Sequence[float] | None = None,
    dpi: int = 100,
) -> bytes:
    """A horizontal bar chart of ``votes`` per option, first option on top, as PNG bytes.

    ``percents`` (e.g. share of voters in a multiple-choice poll) defaults to share of votes.
    """
    if len(labels) != len(votes) or (percents is not None and len(percents) != len(votes)):
        raise ValueError("labels and votes differ in length")
    count = max(1, len(labels))
    height = 1.2 + 0.55 * count
    with _LOCK:
        figure = Figure(figsize=(8, height), dpi=dpi, facecolor=BACKGROUND)
        axes = figure.add_subplot()
        axes.set_facecolor(BACKGROUND)
        top = max(votes) if votes else 0
        positions = list(range(len(labels)))[::-1]
        colours = [WINNER if top and v == top else BAR for v in votes]
        axes.barh(positions, votes, color=colours, height=0.6)
        # parse_math=False everywhere: members write prices ($5), not TeX, and a stray $...$
        # would garble the text or make matplotlib refuse to draw the results at all
        axes.set_yticks(
            positions,
            [_label(label) for label in labels],
            color=TEXT,
            fontsize=10,
            parse_math=False,
        )
        axes.set_xlim(0, max(1, top) * 1.18)
        total = sum(votes)
        if percents is None:
            percents = [100 * v / total if total else 0.0 for v in votes]
        for y, value, percent in zip(positions, votes, percents, strict=True):
            share = f"{value} ({round(percent)}%)"
            axes.text(
                value, y, "  " + share, va="center", color=TEXT, fontsize=10, parse_math=False
            )
        axes.xaxis.set_visible(False)
        for side in ("top", "right", "bottom"):
            axes.spines[side].set_visible(False)
        axes.spines["left"].set_color(MUTED)
        axes.tick_params(axis="y", length=0)
        title = textwrap.shorten(question, 90, placeholder="…")
        figure.suptitle(
            title, color=TEXT, fontsize=12, fontweight="bold", x=0.02, ha="left", parse_math=False
        )
        if subtitle:
            figure.text(0.02, 0.01, subtitle, color=MUTED, fontsize=9, parse_math=False)
        figure.tight_layout(rect=(0, 0.04 if subtitle else 0, 1, 0.95))
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", facecolor=BACKGROUND)
    return buffer.getvalue()
