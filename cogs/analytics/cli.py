"""``python -m bot report --guild ID --month YYYY-MM --out report.html``: a standalone HTML
report of a month, with its charts embedded, read from Vigie's database without Discord.

Core discovers this module and calls ``register(subparsers)``. The server's size at the end of
the month comes from the daily snapshots Vigie keeps while it runs.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.catalogue import Catalogue
from bot.config_schema import SchemaRegistry
from bot.db import Database
from bot.discovery import CORE_DIR, DEFAULT_COGS_DIR, discover_cogs
from bot.guild_config import GuildConfigs
from bot.settings import Settings, SettingsError

from .periods import month_period, parse_month
from .reporting import build_report, report_html
from .store import AnalyticsStore

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _month(text: str) -> tuple[int, int]:
    month = parse_month(text)
    if month is None:
        raise argparse.ArgumentTypeError(f"{text!r} is not a month like 2026-10")
    return month


async def render_month(settings: Settings, guild_id: int, year: int, month: int) -> tuple[str, str]:
    """The month's report as an HTML document, and a one-line summary of it."""
    cogs = discover_cogs(DEFAULT_COGS_DIR)
    db = await Database.open(settings.database_path)
    try:
        await db.migrate("core", CORE_DIR / "migrations")
        await db.migrate("analytics", MIGRATIONS)
        configs = GuildConfigs(db, settings.config_dir, SchemaRegistry.discover(cogs))
        config = await configs.load(guild_id)
        try:
            zone = ZoneInfo(config.timezone or "UTC")
        except ZoneInfoNotFoundError:
            zone = ZoneInfo("UTC")
        locale = config.locale or "en"
        catalogue = Catalogue.load([CORE_DIR / "locales", *(c.locales_dir for c in cogs)])

        def t(key: str, **fields: object) -> str:
            return catalogue.t(locale, key, **fields)

        store = AnalyticsStore(db)
        period = month_period(year, month, zone)
        members = await store.members_at(guild_id, period.end, members_now=0)
        report = await build_report(store, guild_id, period, members, t)
        html = report_html(report, t, server=str(guild_id), timezone=str(zone), lang=locale)
        joins = report.figure("joins").value or 0
        messages = report.figure("messages").value or 0
        summary = f"report of {period.label} for guild {guild_id}: {joins:.0f} joins, {messages:.0f} messages"
        return html, summary
    finally:
        await db.close()


def _run(args: argparse.Namespace) -> int:
    try:
        settings = Settings.from_env(require_token=False)
        if not Path(settings.database_path).is_file():
            raise FileNotFoundError(f"no database at {settings.database_path} (DATABASE_PATH)")
        year, month = args.month
        html, summary = asyncio.run(render_month(settings, args.guild, year, month))
        Path(args.out).write_text(html, encoding="utf-8")
        print(f"{args.out}: {summary}")
    except (SettingsError, FileNotFoundError, OSError) as exc:
        print(f"vigie report: {exc}", file=sys.stderr)
        return 2
    return 0


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``report`` to the ``python -m bot`` command line."""
    parser = subparsers.add_parser(
        "report",
        help="write a month's analytics report as a standalone HTML file",
        description="Read Vigie's database (DATABASE_PATH) and write the month's report, "
        "with its charts embedded, to an HTML file.",
    )
    parser.add_argument("--guild", type=int, required=True, help="the server's id")
    parser.add_argument("--month", type=_month, required=True, help="the month, as YYYY-MM")
    parser.add_argument("--out", default="report.html", help="the HTML file to write")
    parser.set_defaults(func=_run)
