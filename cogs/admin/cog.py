"""Admin commands: the guild configuration and the bot's status, for managers."""

from __future__ import annotations

import io
import logging
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot import checks
from bot.errors import UserError
from bot.guild_config import ConfigInvalid

from . import render
from .views import ConfirmView

if TYPE_CHECKING:
    from bot.app import Vigie

log = logging.getLogger(__name__)

# A guild document is a few kilobytes; anything this large is a mistake or an abuse.
MAX_IMPORT_BYTES = 256 * 1024
# Error lists and diffs are cut at this many lines in a message; the rest is counted.
MAX_LISTED = 25
# Room left for the errors in a 2000-character message, after the header line.
MAX_ERRORS_CHARS = 1500
MANAGER_PERMS = discord.Permissions(manage_guild=True)
# A value echoed back by /config set (and in the mod log) is cut here: a list of long greetings
# is valid, but whole it would pass Discord's 2000 characters and the answer would be lost.
MAX_SHOWN_VALUE = 200


class AdminCog(commands.Cog, name="admin"):
    """Configuration and status of Vigie in this server (Manage Server or a manager role)."""

    config = app_commands.Group(
        name="config",
        description="Show and change Vigie's configuration for this server (managers).",
        guild_only=True,
        default_permissions=MANAGER_PERMS,
    )
    admin = app_commands.Group(
        name="admin",
        description="Vigie's health in this server (managers).",
        guild_only=True,
        default_permissions=MANAGER_PERMS,
    )

    def __init__(self, bot: Vigie) -> None:
        self.bot = bot

    # -- helpers -------------------------------------------------------------------------
    def t(self, interaction: discord.Interaction, key: str, **fields: Any) -> str:
        """Translate ``key`` for the guild (or user) behind ``interaction``."""
        return self.bot.i18n.t(self.bot.i18n.locale_for(interaction), key, **fields)

    def _errors_text(self, interaction: discord.Interaction, errors: list[Any]) -> str:
        """The errors, one per line, as many as fit in a message; the rest are counted."""
        lines: list[str] = []
        size = 0
        for error in errors[:MAX_LISTED]:
            line = str(error)[:300]
            if size + len(line) > MAX_ERRORS_CHARS:
                break
            lines.append(line)
            size += len(line) + 1
        if len(lines) < len(errors):
            lines.append(self.t(interaction, "admin.more_lines", count=len(errors) - len(lines)))
        return render.code_block("\n".join(lines), lang="")

    def _confirm_view(
        self, interaction: discord.Interaction, on_confirm: Any, *, danger: bool = False
    ) -> ConfirmView:
        return ConfirmView(
            author_id=interaction.user.id,
            confirm_label=self.t(interaction, "admin.button_apply"),
            cancel_label=self.t(interaction, "admin.button_cancel"),
            cancelled_text=self.t(interaction, "admin.cancelled"),
            not_yours_text=self.t(interaction, "admin.not_yours"),
            on_confirm=on_confirm,
            danger=danger,
        )

    async def _audit(self, guild: discord.Guild | None, key: str, **fields: Any) -> None:
        if guild is not None:
            await self.bot.modlog.write(guild, key, **fields)

    # -- /config -------------------------------------------------------------------------
    @config.command(name="show")
    @app_commands.describe(section="Only this section (roles, channels, welcome...)")
    @checks.manager_only()
    async def config_show(
        self, interaction: discord.Interaction, section: str | None = None
    ) -> None:
        """Show the effective configuration of this server (Manage Server or a manager role)."""
        assert interaction.guild_id is not None
        cfg = self.bot.configs.get(interaction.guild_id)
        data: dict[str, Any] = cfg.raw
        if section:
            if section not in cfg.raw:
                raise UserError(
                    "admin.show_unknown_section", section=section, known=", ".join(cfg.raw)
                )
            data = {section: cfg.raw[section]}
        text = render.dump_yaml(data)
        header = self.t(interaction, "admin.show_header", version=cfg.version)
        if cfg.file_managed:
            header += "\n" + self.t(
                interaction, "admin.show_file_managed", path=f"config/guilds/{cfg.guild_id}.yaml"
            )
        pages = render.paginate(text)
        if len(pages) <= render.MAX_INLINE_PAGES:
            await interaction.response.send_message(
                f"{header}\n{render.code_block(pages[0])}", ephemeral=True
            )
            return
        # Too long for one message: a file reads better than a series of fragments.
        file = discord.File(io.BytesIO(text.encode()), filename="config-effective.yaml")
        hint = self.t(interaction, "admin.show_attached", sections=", ".join(data))
        await interaction.response.send_message(f"{header}\n{hint}", file=file, ephemeral=True)

    @config_show.autocomplete("section")
    async def _section_choices(
        self, interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        names = [k for k in self.bot.configs.get(interaction.guild_id).raw if current.lower() in k]
        return [app_commands.Choice(name=n, value=n) for n in names[:25]]

    @config.command(name="export")
    @checks.manager_only()
    async def config_export(self, interaction: discord.Interaction) -> None:
        """Download this server's configuration document as YAML (Manage Server or manager role)."""
        assert interaction.guild_id is not None
        text = await self.bot.configs.document(interaction.guild_id)
        version = self.bot.configs.get(interaction.guild_id).version
        file = discord.File(
            io.BytesIO(text.encode()), filename=f"vigie-{interaction.guild_id}-v{version}.yaml"
        )
        await interaction.response.send_message(
            self.t(interaction, "admin.export_done", version=version), file=file, ephemeral=True
        )

    @config.command(name="import")
    @app_commands.describe(document="The YAML document to apply (as exported by /config export)")
    @checks.manager_only()
    async def config_import(
        self, interaction: discord.Interaction, document: discord.Attachment
    ) -> None:
        """Replace the configuration with a YAML file, after a diff (Manage Server or manager role)."""
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        if self.bot.configs.get(guild_id).file_managed:
            # Refused before the diff: a confirmation that can only fail would mislead.
            raise UserError("config.file_managed", path=f"config/guilds/{guild_id}.yaml")
        if document.size > MAX_IMPORT_BYTES:
            raise UserError("admin.import_too_large", limit=MAX_IMPORT_BYTES // 1024)
        try:
            text = (await document.read()).decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise UserError("admin.import_not_text") from exc
        if render.uses_aliases(text):
            raise UserError("admin.yaml_aliases")
        errors = self.bot.configs.validate_document(text, document.filename)
        if errors:
            await interaction.response.send_message(
                self.t(interaction, "admin.import_invalid", count=len(errors))
                + "\n"
                + self._errors_text(interaction, errors),
                ephemeral=True,
            )
            return
        current = await self.bot.configs.document(guild_id)
        if render.semantic_equal(current, text):
            await interaction.response.send_message(
                self.t(interaction, "admin.import_same"), ephemeral=True
            )
            return
        base_version = self.bot.configs.get(guild_id).version
        diff = render.unified_diff(current, text, old_name="current", new_name=document.filename)
        page = render.paginate(diff)[0]
        shown = page if page == diff else page + "\n…"

        async def apply(click: discord.Interaction) -> None:
            if self.bot.configs.get(guild_id).version != base_version:
                # Someone changed the config after this diff was shown: applying now would
                # silently undo their change.
                await click.response.edit_message(
                    content=self.t(click, "admin.import_stale"), view=None
                )
                return
            try:
                version = await self.bot.configs.set_document(
                    guild_id, text, click.user.id, filename=document.filename
                )
            except ConfigInvalid as exc:
                # Validated a moment ago; another manager may have changed a shared default.
                await click.response.edit_message(
                    content=self.t(click, "admin.import_invalid", count=len(exc.errors))
                    + "\n"
                    + self._errors_text(click, list(exc.errors)),
                    view=None,
                )
                return
            await click.response.edit_message(
                content=self.t(click, "admin.import_applied", version=version.version), view=None
            )
            await self._audit(
                click.guild,
                "admin.modlog_imported",
                user=click.user.mention,
                version=version.version,
            )

        await interaction.response.send_message(
            self.t(interaction, "admin.import_diff") + "\n" + render.code_block(shown, "diff"),
            view=self._confirm_view(interaction, apply),
            ephemeral=True,
        )

    @config.command(name="set")
    @app_commands.describe(
        key="Dotted key path, for example locale or roles.managers",
        value="New value in YAML: fr, true, 10m, [Staff, Admins]",
    )
    @checks.manager_only()
    async def config_set(self, interaction: discord.Interaction, key: str, value: str) -> None:
        """Change one configuration key (Manage Server or a manager role)."""
        assert interaction.guild_id is not None
        if render.uses_aliases(value):
            raise UserError("admin.yaml_aliases")
        try:
            version = await self.bot.configs.set_key(
                interaction.guild_id, key, value, interaction.user.id
            )
        except ConfigInvalid as exc:
            await interaction.response.send_message(
                self.t(interaction, "admin.set_invalid", setting=key)
                + "\n"
                + self._errors_text(interaction, list(exc.errors)),
                ephemeral=True,
            )
            return
        shown = value if len(value) <= MAX_SHOWN_VALUE else value[:MAX_SHOWN_VALUE] + "…"
        await interaction.response.send_message(
            self.t(
                interaction, "admin.set_done", setting=key, value=shown, version=version.version
            ),
            ephemeral=True,
        )
        await self._audit(
            interaction.guild,
            "admin.modlog_set",
            user=interaction.user.mention,
            setting=key,
            value=shown,
            version=version.version,
        )

    @config.command(name="rollback")
    @app_commands.describe(version="Version to restore; the previous one when omitted")
    @checks.manager_only()
    async def config_rollback(
        self, interaction: discord.Interaction, version: app_commands.Range[int, 1] | None = None
    ) -> None:
        """Restore an earlier configuration version as the newest (Manage Server or manager role)."""
        assert interaction.guild_id is not None
        guild_id = interaction.guild_id
        restored = version
        if restored is None:
            # The core restores the version before the newest; name it in the answer.
            history = await self.bot.configs.versions(guild_id)
            restored = history[1].version if len(history) > 1 else None
        new = await self.bot.configs.rollback(guild_id, version, interaction.user.id)
        await interaction.response.send_message(
            self.t(interaction, "admin.rollback_done", version=new.version, restored=restored),
            ephemeral=True,
        )
        await self._audit(
            interaction.guild,
            "admin.modlog_rollback",
            user=interaction.user.mention,
            version=new.version,
        )

    @config.command(name="versions")
    @checks.manager_only()
    async def config_versions(self, interaction: discord.Interaction) -> None:
        """List the stored configuration versions, newest first (Manage Server or manager role)."""
        assert interaction.guild_id is not None
        versions = list(await self.bot.configs.versions(interaction.guild_id))
        if not versions:
            await interaction.response.send_message(
                self.t(interaction, "admin.versions_none"), ephemeral=True
            )
            return
        versions.sort(key=lambda v: v.version, reverse=True)
        lines = [
            self.t(
                interaction,
                "admin.versions_line",
                version=v.version,
                author=f"<@{v.author_id}>" if v.author_id else "-",
                at=_timestamp(v.created_at),
            )
            for v in versions
        ]
        await interaction.response.send_message(
            self.t(interaction, "admin.versions_header") + "\n" + render.bullet_lines(lines),
            ephemeral=True,
        )

    # -- /admin status -------------------------------------------------------------------
    @admin.command(name="status")
    @checks.manager_only()
    async def admin_status(self, interaction: discord.Interaction) -> None:
        """Version, uptime, latency, cogs, database size and timers (Manage Server or manager)."""
        assert interaction.guild_id is not None
        uptime = (datetime.now(UTC) - self.bot.started_at).total_seconds()
        pending = await self.bot.timers.pending(guild_id=interaction.guild_id)
        latency = self.bot.latency
        embed = discord.Embed(title=self.t(interaction, "admin.status_title"))
        embed.add_field(name=self.t(interaction, "admin.status_version"), value=_version())
        embed.add_field(
            name=self.t(interaction, "admin.status_uptime"), value=render.human_uptime(uptime)
        )
        embed.add_field(
            name=self.t(interaction, "admin.status_latency"),
            value=f"{latency * 1000:.0f} ms" if latency == latency and latency < 1e6 else "-",
        )
        embed.add_field(
            name=self.t(interaction, "admin.status_database"),
            value=render.human_bytes(_database_size(str(self.bot.settings.database_path))),
        )
        embed.add_field(name=self.t(interaction, "admin.status_timers"), value=str(len(pending)))
        # Features are the loaded extensions (packages under cogs/), not their Cog classes.
        features = sorted(name.rsplit(".", 1)[-1] for name in self.bot.extensions)
        embed.add_field(
            name=self.t(interaction, "admin.status_cogs"),
            value=_field(", ".join(features)),
            inline=False,
        )
        failed = getattr(self.bot, "failed_cogs", {})
        if failed:
            embed.add_field(
                name=self.t(interaction, "admin.status_failed"),
                value=_field("\n".join(f"{name}: {why}" for name, why in sorted(failed.items()))),
                inline=False,
            )
        await interaction.response.send_message(embed=embed, ephemeral=True)


def _field(text: str) -> str:
    """An embed field value: Discord refuses empty ones and more than 1024 characters."""
    return (text[:1020] + " …") if len(text) > 1024 else (text or "-")


def _timestamp(value: Any) -> str:
    """Discord renders <t:...> in the reader's own time zone."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return f"<t:{int(value.timestamp())}:f>"
    return str(value)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("vigie")
    except PackageNotFoundError:
        # Running from a checkout: the version is the one pyproject.toml declares.
        import tomllib
        from pathlib import Path

        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            return str(tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            return "dev"


def _database_size(path: str) -> int:
    """Main file plus its WAL: the WAL can hold most of the recent writes."""
    total = 0
    for suffix in ("", "-wal"):
        try:
            total += os.path.getsize(path + suffix)
        except OSError:
            pass
    return total
