"""Turn a report into what Discord shows: embeds with the charts attached, and files."""

from __future__ import annotations

import io
from collections.abc import Callable

import discord

from .metrics import Figure
from .reporting import Report, daily_csv, format_value, report_html

SECTIONS: dict[str, tuple[str, ...]] = {
    "growth": ("members", "joins", "leaves", "net_growth"),
    "engagement": ("dau", "wau", "mau", "stickiness", "messages"),
    "newcomers": ("retention_7d", "retention_30d"),
    "community": ("cases", "ticket_deadlines_met", "feedback_rating", "nps", "game_players"),
}
CHART_FILES = ("growth.png", "activity.png", "funnel.png", "moderation.png")
COLOUR = discord.Colour.from_rgb(0, 114, 178)


def _line(t: Callable[..., str], figure: Figure) -> str:
    value = format_value(figure, figure.value)
    change = figure.change
    if change is None:
        trend = ""
    elif change > 0.5:
        trend = " " + t("analytics.change_up", value=f"{change:.0f}%")
    elif change < -0.5:
        trend = " " + t("analytics.change_down", value=f"{-change:.0f}%")
    else:
        trend = " " + t("analytics.change_flat")
    return f"{t(f'analytics.figure.{figure.key}')}: **{value}**{trend}"


def report_embeds(report: Report, t: Callable[..., str], title: str) -> list[discord.Embed]:
    """A summary embed (growth chart as its image) and one embed per other chart."""
    main = discord.Embed(title=title, colour=COLOUR)
    for section, keys in SECTIONS.items():
        lines = [_line(t, report.figure(key)) for key in keys]
        if section == "newcomers":
            lines += [f"{t(f'analytics.funnel.{step}')}: **{n}**" for step, n in report.funnel]
        main.add_field(name=t(f"analytics.section.{section}"), value="\n".join(lines), inline=False)
    if report.top_channels:
        channels = "\n".join(f"<#{cid}>: **{count}**" for cid, count in report.top_channels)
        main.add_field(name=t("analytics.section.top_channels"), value=channels, inline=False)
    main.set_footer(text=t("analytics.stats_footer", previous=report.previous.label))
    embeds = [main]
    if report.charts:
        main.set_image(url=f"attachment://{CHART_FILES[0]}")
        for chart, filename in zip(report.charts[1:], CHART_FILES[1:], strict=False):
            extra = discord.Embed(title=chart.caption, colour=COLOUR)
            extra.set_image(url=f"attachment://{filename}")
            embeds.append(extra)
    return embeds


def chart_files(report: Report) -> list[discord.File]:
    return [
        discord.File(io.BytesIO(chart.png), filename=name)
        for chart, name in zip(report.charts, CHART_FILES, strict=False)
    ]


def csv_file(report: Report, metric: str | None = None) -> discord.File:
    suffix = f"-{metric}" if metric else ""
    return discord.File(
        io.BytesIO(daily_csv(report.daily, metric)),
        filename=f"vigie-{report.period.label}{suffix}.csv",
    )


def html_file(
    report: Report, t: Callable[..., str], server: str, timezone: str, lang: str
) -> discord.File:
    document = report_html(report, t, server=server, timezone=timezone, lang=lang)
    return discord.File(
        io.BytesIO(document.encode("utf-8")), filename=f"vigie-report-{report.period.label}.html"
    )
