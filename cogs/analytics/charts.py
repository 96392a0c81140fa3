"""PNG charts for reports, drawn with matplotlib's Agg backend (no screen needed).

Pure logic: no discord import. Every chart is drawn on an opaque light card with dark text
and colour-blind-safe colours, so it reads the same in Discord's light and dark themes.
Titles and labels come translated from the caller.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date

import matplotlib

matplotlib.use("Agg")
import matplotlib.dates as mdates  # noqa: E402  (the backend must be chosen first)
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

CARD = "#f7f7f9"
INK = "#1f2328"
GRID = "#d0d4da"
BLUE, ORANGE, GREEN, RED = "#0072b2", "#e69f00", "#009e73", "#d55e00"
SIZE = (8.0, 4.5)  # inches; at 100 dpi an 800x450 image, Discord's preview ratio
DPI = 100


def _style(ax: plt.Axes) -> None:
    ax.set_facecolor(CARD)
    for spine in ax.spines.values():
        spine.set_color(GRID)
    ax.tick_params(colors=INK, labelsize=9)
    ax.grid(True, color=GRID, linewidth=0.6, alpha=0.8)
    ax.set_axisbelow(True)


def _figure(title: str) -> tuple[Figure, plt.Axes]:
    fig = Figure(figsize=SIZE, dpi=DPI, facecolor=CARD)
    ax = fig.add_subplot()
    _style(ax)
    ax.set_title(title, color=INK, fontsize=13, loc="left", pad=12)
    return fig, ax


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png", facecolor=CARD, dpi=DPI)
    return buffer.getvalue()


def _day_axis(ax: plt.Axes, days: Sequence[date]) -> None:
    """One day alone would be labelled in hours around it: label that day, a day each side."""
    if len(days) == 1:
        middle = float(mdates.date2num(days[0]))
        ax.set_xlim(middle - 1, middle + 1)
        ax.set_xticks([middle])
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m-%d"))


def growth_chart(
    title: str,
    days: Sequence[date],
    members: Sequence[int],
    joins: Sequence[int],
    leaves: Sequence[int],
    labels: tuple[str, str, str],
) -> bytes:
    """Members over time (top) above daily joins and leaves (bottom, leaves below zero)."""
    fig = Figure(figsize=SIZE, dpi=DPI, facecolor=CARD)
    ax, flows = fig.subplots(2, 1, sharex=True, height_ratios=(3, 1))
    _style(ax)
    _style(flows)
    ax.set_title(title, color=INK, fontsize=13, loc="left", pad=12)
    # A line through a single point draws nothing (the month so far, on the 1st): mark it.
    marker = "o" if len(days) == 1 else None
    ax.plot(days, members, color=BLUE, linewidth=2.2, marker=marker, label=labels[0])
    ax.legend(loc="upper left", fontsize=9, facecolor=CARD, labelcolor=INK)
    flows.bar(days, joins, color=GREEN, label=labels[1], width=0.8)
    flows.bar(days, [-n for n in leaves], color=RED, label=labels[2], width=0.8)
    flows.axhline(0, color=INK, linewidth=0.6)
    flows.legend(loc="upper left", fontsize=8, facecolor=CARD, labelcolor=INK, ncols=2)
    _day_axis(flows, days)
    fig.autofmt_xdate()
    return _png(fig)


def activity_heatmap(title: str, grid: Sequence[Sequence[int]], weekdays: Sequence[str]) -> bytes:
    """Messages by weekday (rows) and hour (columns)."""
    fig, ax = _figure(title)
    ax.grid(False)
    image = ax.imshow(grid, aspect="auto", cmap="cividis", interpolation="nearest")
    ax.set_yticks(range(len(weekdays)), labels=list(weekdays))
    ax.set_xticks(range(0, 24, 3), labels=[f"{h:02d}h" for h in range(0, 24, 3)])
    colorbar = fig.colorbar(image, ax=ax)
    colorbar.ax.tick_params(colors=INK, labelsize=8)
    return _png(fig)


def funnel_chart(title: str, steps: Sequence[tuple[str, int]]) -> bytes:
    """Horizontal bars from the first step down, each labelled with its count and share."""
    fig, ax = _figure(title)
    names = [name for name, _ in steps][::-1]
    counts = [count for _, count in steps][::-1]
    first = steps[0][1] if steps and steps[0][1] else 0
    ax.barh(names, counts, color=BLUE)
    for y, count in enumerate(counts):
        share = f" ({count * 100 / first:.0f}%)" if first else ""
        ax.text(count, y, f" {count}{share}", va="center", color=INK, fontsize=10)
    ax.set_xlim(0, max(counts + [1]) * 1.25)
    return _png(fig)


def series_chart(title: str, days: Sequence[date], values: Sequence[float], label: str) -> bytes:
    """One daily series as bars (moderation cases, messages...)."""
    fig, ax = _figure(title)
    # matplotlib's stubs take numbers, not dates, for x: give it the day numbers its date
    # converter would compute, and tell the axis to label them as dates.
    ax.bar(mdates.date2num(days), values, color=ORANGE, label=label, width=0.8)
    ax.xaxis_date()
    _day_axis(ax, days)
    ax.legend(loc="upper left", fontsize=9, facecolor=CARD, labelcolor=INK)
    fig.autofmt_xdate()
    return _png(fig)
