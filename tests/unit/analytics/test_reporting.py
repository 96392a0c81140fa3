from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from bot.db import Database
from cogs.analytics.collector import ActivityCollector
from cogs.analytics.periods import Period
from cogs.analytics.reporting import build_report, daily_csv, format_value, report_html
from cogs.analytics.store import AnalyticsStore

ROOT = Path(__file__).resolve().parents[3] / "cogs" / "analytics"
START = datetime(2026, 10, 1, tzinfo=UTC)
PERIOD = Period(START, START + timedelta(days=31), "2026-10")


def catalogue(lang: str):
    data = yaml.safe_load((ROOT / "locales" / f"{lang}.yaml").read_text("utf-8"))

    def t(key: str, **fields):
        node = data
        for part in key.split("."):
            node = node[part]
        return node.format(**fields)

    return t


@pytest.fixture
async def store(tmp_path):
    db = await Database.open(tmp_path / "a.db")
    await db.migrate("analytics", ROOT / "migrations")
    c = ActivityCollector()
    for day in range(31):
        moment = (START + timedelta(days=day, hours=20)).timestamp()
        c.record_member(7, 1000 + day, "join", moment)
        c.record_message(7, 1, 1000 + day, int(moment * 1000))
        if day % 3 == 0:
            c.record_member(7, 2000 + day, "leave", moment)
            c.record_event(7, "case", moment, user_id=2000 + day)
    await AnalyticsStore(db).write(c.drain())
    yield AnalyticsStore(db)
    await db.close()


@pytest.mark.parametrize("lang", ["en", "fr"])
async def test_a_whole_report_renders_with_four_charts(store, lang):
    t = catalogue(lang)
    report = await build_report(store, 7, PERIOD, members_now=120, t=t)
    assert len(report.charts) == 4
    assert all(chart.png.startswith(b"\x89PNG") for chart in report.charts)
    assert report.figure("joins").value == 31
    assert report.figure("leaves").value == 11
    assert report.daily["2026-10-04"] == {
        "joins": 1,
        "leaves": 1,
        "messages": 1,
        "active": 1,
        "cases": 1,
    }
    html = report_html(report, t, server="Démo <&>", timezone="UTC", lang=lang)
    assert "Démo &lt;&amp;&gt;" in html
    assert html.count("data:image/png;base64,") == 4
    assert t("analytics.figure.retention_7d") in html


async def test_the_heatmap_names_the_time_zone_its_hours_are_in(store):
    from zoneinfo import ZoneInfo

    from cogs.analytics.periods import month_period

    paris = month_period(2026, 10, ZoneInfo("Europe/Paris"))
    report = await build_report(store, 7, paris, members_now=120, t=catalogue("fr"))
    # Messages at 20:00 UTC are 22:00 in Paris until summer time ends on 25 October, then
    # 21:00: the grid is in local hours, and the caption says so.
    assert report.charts[1].caption == "Messages par jour et par heure (Europe/Paris)"
    assert sum(row[22] for row in report.activity) == 24
    assert sum(row[21] for row in report.activity) == 7


async def test_daily_csv_and_formats(store):
    report = await build_report(
        store, 7, PERIOD, members_now=120, t=catalogue("en"), with_charts=False
    )
    lines = daily_csv(report.daily).decode().splitlines()
    assert lines[0] == "day,joins,leaves,messages,active,cases"
    assert len(lines) == 32
    assert daily_csv(report.daily, "cases").decode().splitlines()[4] == "2026-10-04,1"
    assert format_value(report.figure("stickiness"), 3.2) == "3%"
    assert format_value(report.figure("members"), 1234.0) == "1 234"
    assert format_value(report.figure("nps"), None) == "—"


def test_catalogues_have_the_same_keys():
    def keys(node, prefix=""):
        if isinstance(node, dict):
            return set().union(*(keys(v, f"{prefix}{k}.") for k, v in node.items()))
        return {prefix.rstrip(".")}

    en, fr = (
        yaml.safe_load((ROOT / "locales" / f"{x}.yaml").read_text("utf-8")) for x in "en fr".split()
    )
    assert keys(en) == keys(fr)
