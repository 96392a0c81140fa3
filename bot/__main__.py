"""Command line: ``vigie run | sandbox | check-config FILE... | db backup PATH | db migrate``.

Each ``cogs/<name>/cli.py`` with ``def register(subparsers) -> None`` adds its own subcommands;
a subcommand sets ``func`` (``args -> int | None``) with ``set_defaults``.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.settings import Settings, SettingsError

log = logging.getLogger("vigie")


def _fail(message: str, code: int = 2) -> int:
    print(f"vigie: {message}", file=sys.stderr)
    return code


def _settings(require_token: bool) -> Settings:
    return Settings.from_env(require_token=require_token)


def cmd_run(args: argparse.Namespace) -> int:
    """Run the bot until interrupted."""
    import discord

    from bot.app import run_bot
    from bot.db import MigrationError
    from bot.guild_config import ConfigInvalid
    from bot.logging_setup import setup_logging

    settings = _settings(require_token=True)
    setup_logging(settings.log_level, secrets=[settings.token])
    try:
        asyncio.run(run_bot(settings))
    except discord.LoginFailure:
        return _fail(
            "DISCORD_TOKEN was rejected by Discord (login failed); check it in the environment or in .env"
        )
    except discord.PrivilegedIntentsRequired:
        return _fail(
            "Discord refused the privileged intents: turn on Server Members Intent and Message"
            " Content Intent under Bot > Privileged Gateway Intents in the developer portal"
        )
    except ConfigInvalid as exc:
        return _fail(f"invalid configuration:\n{exc}")
    except MigrationError as exc:
        return _fail(f"database migration failed: {exc}", 1)
    except KeyboardInterrupt:
        pass
    return 0


def cmd_sandbox(args: argparse.Namespace) -> int:
    """Run the bot against the local sandbox (bot/scene.py)."""
    scene = importlib.import_module("bot.scene")
    extra = list(args.extra)
    if extra[:1] == ["--"]:
        extra = extra[1:]
    result = scene.main(extra)
    return int(result or 0)


def cmd_check_config(args: argparse.Namespace) -> int:
    """Validate guild documents: exit 0 if all are valid, 1 if any is not, 2 on usage errors."""
    from bot.config_schema import SchemaRegistry
    from bot.config_validator import ConfigInvalid, DocumentValidator
    from bot.discovery import discover_cogs

    config_dir = Path(args.config_dir) if args.config_dir else _settings(False).config_dir
    registry = SchemaRegistry.discover(discover_cogs())
    for problem in registry.load_errors:
        print(problem, file=sys.stderr)
    try:
        validator = DocumentValidator(config_dir, registry)
    except ConfigInvalid as exc:
        print(exc, file=sys.stderr)
        return 1
    worst = 1 if registry.load_errors else 0
    for name in args.files:
        path = Path(name)
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            print(f"{name}: cannot read: {exc.strerror}", file=sys.stderr)
            worst = 2
            continue
        errors = validator.validate_document(text, name)
        for error in errors:
            print(error, file=sys.stderr)
        if errors:
            worst = max(worst, 1)
        else:
            print(f"{name}: ok")
    return worst


def cmd_db_backup(args: argparse.Namespace) -> int:
    """Copy the live database to PATH (safe while the bot runs)."""
    from bot.db import Database

    settings = _settings(False)

    async def backup() -> None:
        db = await Database.open(settings.database_path)
        try:
            await db.backup(args.path)
        finally:
            await db.close()

    asyncio.run(backup())
    print(f"backed up {settings.database_path} to {args.path}")
    return 0


def cmd_db_migrate(args: argparse.Namespace) -> int:
    """Apply every pending migration of the core and the cogs."""
    from bot.db import Database, MigrationError
    from bot.discovery import CORE_DIR, discover_cogs

    settings = _settings(False)

    async def migrate() -> int:
        db = await Database.open(settings.database_path)
        try:
            applied = await db.migrate("core", CORE_DIR / "migrations")
            for info in discover_cogs():
                applied += await db.migrate(info.name, info.migrations_dir)
        finally:
            await db.close()
        for m in applied:
            print(f"applied {m.component}/{m.version:04d}_{m.name}")
        return len(applied)

    try:
        count = asyncio.run(migrate())
    except MigrationError as exc:
        return _fail(str(exc), 1)
    print(f"{count} migrations applied")
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The parser with core subcommands and every cog's ``cli.register``."""
    parser = argparse.ArgumentParser(
        prog="vigie", description="Vigie, a Discord bot for community managers."
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    sub.add_parser("run", help="run the bot").set_defaults(func=cmd_run)

    # The scene parses its own options (and --help), so this parser passes everything on.
    sandbox = sub.add_parser(
        "sandbox", help="run the bot against a local sandbox Discord", add_help=False
    )
    sandbox.add_argument("extra", nargs=argparse.REMAINDER, help="arguments for the scene")
    sandbox.set_defaults(func=cmd_sandbox)

    check = sub.add_parser("check-config", help="validate guild config files")
    check.add_argument("files", nargs="+", metavar="FILE")
    check.add_argument("--config-dir", help="folder with default.yaml (default: CONFIG_DIR)")
    check.set_defaults(func=cmd_check_config)

    db = sub.add_parser("db", help="database maintenance")
    db_sub = db.add_subparsers(dest="db_command", metavar="ACTION")
    db_sub.required = True
    backup = db_sub.add_parser("backup", help="online backup to PATH")
    backup.add_argument("path")
    backup.set_defaults(func=cmd_db_backup)
    db_sub.add_parser("migrate", help="apply pending migrations").set_defaults(func=cmd_db_migrate)

    _register_cog_clis(sub)
    return parser


def _register_cog_clis(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    from bot.discovery import DEFAULT_COGS_DIR, discover_cogs

    for info in discover_cogs(DEFAULT_COGS_DIR):
        if not info.cli_path.is_file():
            continue
        try:
            module = importlib.import_module(f"cogs.{info.name}.cli")
            module.register(sub)
        except Exception as exc:
            # A broken cog CLI must not take the core commands down.
            print(
                f"vigie: ignoring cogs/{info.name}/cli.py: {type(exc).__name__}: {exc}",
                file=sys.stderr,
            )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``vigie`` console script and ``python -m bot``."""
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if args.command == "sandbox":
        # Leading options (--keep-running, --help) belong to the scene's own parser.
        args.extra = [*unknown, *args.extra]
    elif unknown:
        parser.error(f"unrecognized arguments: {' '.join(unknown)}")
    try:
        return int(args.func(args) or 0)
    except SettingsError as exc:
        return _fail(str(exc))


if __name__ == "__main__":
    sys.exit(main())
