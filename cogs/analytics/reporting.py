"""Assemble a report (figures, funnel, charts, CSV) for a period, for Discord or for HTML.

No discord import: the cog and the command line both call :func:`build_report` with the store
and a translate function bound to the server's language.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .metrics import Figure, activity_by_weekday_hour, funnel, overview, top_channels
from .periods import Period
from .report_html import Chart, render_report
from .store import AnalyticsStore

Translate = Callable[..., str]

PERCENT_FIGURES = frozenset({"stickiness", "retention_7d", "retention_30d", "ticket_deadlines_met"})
DECIMAL_FIGURES = frozenset({"dau", "feedback_rating", "nps"})
DAILY_METRICS = ("joins", "leaves", "messages", "active", "cases")


@dataclass(frozen=True)
class Report:
    period: Period
    previous: Period
    figures: list[Figure]
    funnel: list[tuple[str, int]]
    top_channels: list[tuple[int, int]]
    activity: list[list[int]]  # messages by weekday x hour
    members_at_end: int
    daily: dict[str, dict[str, float]]
    charts: tuple[Chart, ...] = ()

    def figure(self, key: str) -> Figure:
        return next(fig for fig in self.figures if fig.key == key)


def format_value(figure: Figure, value: float | None) -> str:
    """How a figure's value is written: counts whole, averages with one decimal, shares in %."""
    if value is None:
        return "—"
    if figure.key in PERCENT_FIGURES:
        return f"{value:.0f}%"
    if figure.key in DECIMAL_FIGURES:
        return f"{value:.1f}"
    return f"{value:,.0f}".replace(",", " ")


def format_change(figure: Figure) -> str:
    change = figure.change
    if change is None:
        return "—"
    return f"{change:+.0f}%"


def daily_csv(daily: dict[str, dict[str, float]], metric: str | None = None) -> bytes:
    """One row per day; every metric, or just one."""
    metrics = (metric,) if metric else DAILY_METRICS
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", *metrics])
    for day in sorted(daily):
        writer.writerow([day, *(int(daily[day].get(m, 0)) for m in metrics)])
    return out.getvalue().encode("utf-8")


def _member_curve(daily: dict[str, dict[str, float]], members_at_end: int) -> list[int]:
    """Members at the end of each day, walked back from the period's end."""
    curve: list[int] = []
    members = members_at_end
    for day in sorted(daily, reverse=True):
        curve.append(members)
        members -= int(daily[day].get("joins", 0)) - int(daily[day].get("leaves", 0))
    return curve[::-1]


def draw_charts(report: Report, t: Translate) -> tuple[Chart, ...]:
    """The report's PNG charts. Slow (matplotlib): callers run it in a worker thread.

    matplotlib (and numpy) are imported here, on the first report, not when the bot starts:
    they add about a third of a second to every start and tens of megabytes to every process,
    and most bots draw a chart once a month.
    """
    from . import charts

    days = [date.fromisoformat(day) for day in sorted(report.daily)]
    # The heatmap's hours are the server's local hours (see activity_by_weekday_hour).
    activity = t("analytics.chart.activity", timezone=str(report.period.start.tzinfo))
    rows = [report.daily[day.isoformat()] for day in days]
    growth = charts.growth_chart(
        t("analytics.chart.growth"),
        days,
        _member_curve(report.daily, report.members_at_end),
        [int(r.get("joins", 0)) for r in rows],
        [int(r.get("leaves", 0)) for r in rows],
        (t("analytics.chart.members"), t("analytics.chart.joins"), t("analytics.chart.leaves")),
    )
    return (
        Chart(t("analytics.chart.growth"), growth),
        Chart(
            activity,
            charts.activity_heatmap(
                activity,
                report.activity,
                t("analytics.weekdays").split(","),
            ),
        ),
        Chart(
            t("analytics.chart.funnel"),
            charts.funnel_chart(
                t("analytics.chart.funnel"),
                [(t(f"analytics.funnel.{step}"), count) for step, count in report.funnel],
            ),
        ),
        Chart(
            t("analytics.chart.moderation"),
            charts.series_chart(
                t("analytics.chart.moderation"),
                days,
                [r.get("cases", 0.0) for r in rows],
                t("analytics.chart.cases"),
            ),
        ),
    )


async def build_report(
    store: AnalyticsStore,
    guild_id: int,
    period: Period,
    members_now: int,
    t: Translate,
    *,
    with_charts: bool = True,
) -> Report:
    """Figures of ``period`` against the one before, the funnel, top channels and charts."""
    previous = period.previous()
    current_data = await store.period_data(guild_id, period, members_now)
    previous_data = await store.period_data(guild_id, previous, members_now)
    report = Report(
        period=period,
        previous=previous,
        figures=overview(current_data, previous_data),
        funnel=funnel(current_data),
        top_channels=top_channels(current_data),
        activity=activity_by_weekday_hour(current_data),
        members_at_end=current_data.members_at_end,
        daily=await store.daily_series(guild_id, period),
    )
    if not with_charts:
        return report
    return dataclasses.replace(report, charts=draw_charts(report, t))


def report_html(report: Report, t: Translate, *, server: str, timezone: str, lang: str) -> str:
    """The standalone HTML document of a report."""
    return render_report(
        title=t("analytics.report_title", period=report.period.label),
        subtitle=t(
            "analytics.report_subtitle",
            server=server,
            period=report.period.label,
            timezone=timezone,
            previous=report.previous.label,
        ),
        lang=lang,
        headers=(
            t("analytics.headers.figure"),
            t("analytics.headers.value"),
            t("analytics.headers.previous"),
            t("analytics.headers.change"),
        ),
        figures=report.figures,
        label_of=lambda key: t(f"analytics.figure.{key}"),
        format_value=format_value,
        charts=report.charts,
    )
