"""Foundation e2e: /config show, export, import, set, rollback, versions and the French locale."""

from __future__ import annotations

import yaml

INVALID_DOC = """\
locale: fr
roles:
  managers: [Manager]
  moderators: 12
unknown_section:
  enabled: true
"""


async def _reply(actor, command: str, **options):
    r = await actor.slash(command, **options)
    return await r.response(timeout=5)


async def _ask(actor, command: str, **options):
    """The interaction record (to click on) and its first response."""
    r = await actor.slash(command, **options)
    return r, await r.response(timeout=5)


async def test_show_and_export(world):
    # One section fits in the message.
    reply = await _reply(world.manager, "config show", section="roles")
    assert reply.ephemeral
    assert reply.content.startswith(world.t("admin.show_header", version=0))
    assert yaml.safe_load(reply.content.split("```yaml\n", 1)[1].rsplit("```", 1)[0]) == {
        "roles": {"managers": ["Manager"], "moderators": ["Moderator"]}
    }
    # The whole effective config (every feature's defaults) comes as a file.
    reply = await _reply(world.manager, "config show")
    [(filename, data)] = reply.attachments
    effective = yaml.safe_load(data)
    assert effective["roles"]["managers"] == ["Manager"] and "admin" in effective
    assert effective == world.bot.configs.get(world.guild.id).raw
    reply = await _reply(world.manager, "config show", section="nope")
    assert reply.content.startswith(
        world.t("admin.show_unknown_section", section="nope", known="")[:30]
    )
    # Export gives the guild's own document (not the defaults) as a YAML file.
    await world.set_config("locale: fr\n")
    reply = await _reply(world.manager, "config export")
    assert reply.ephemeral
    [(filename, data)] = reply.attachments
    assert filename.endswith(".yaml")
    assert yaml.safe_load(data) == {"locale": "fr"}


async def test_import_invalid_is_rejected_with_lines_and_old_config_kept(world):
    await world.set_config("locale: en\n")
    before = world.bot.configs.get(world.guild.id)
    upload = ("bad.yaml", INVALID_DOC.encode())
    reply = await _reply(world.manager, "config import", document=upload)
    assert reply.ephemeral
    assert world.t("admin.import_invalid", count=2).split(":")[0] in reply.content
    # Each error names the file, the line and the key path.
    assert "bad.yaml:4: roles.moderators:" in reply.content
    assert "bad.yaml:5: unknown_section" in reply.content
    assert not reply.components, "no Apply button for an invalid document"
    after = world.bot.configs.get(world.guild.id)
    assert after.version == before.version and after.raw == before.raw
    assert len(await world.bot.configs.versions(world.guild.id)) == 1


async def test_import_valid_shows_a_diff_and_applies_a_new_version_on_confirm(world):
    await world.set_config("locale: en\n")
    # Cancel first: nothing changes.
    r, _ = await _ask(world.manager, "config import", document=("new.yaml", b"locale: fr\n"))
    update = await (await world.manager.click(r, world.t("admin.button_cancel"))).response(
        timeout=5
    )
    assert update.content == world.t("admin.cancelled")
    assert world.bot.configs.get(world.guild.id).version == 1
    # A diff that went stale (someone changed the config meanwhile) is not applied.
    r, _ = await _ask(world.manager, "config import", document=("new.yaml", b"locale: fr\n"))
    await world.set_config("locale: en\ntimezone: UTC\n")
    update = await (await world.manager.click(r, world.t("admin.button_apply"))).response(timeout=5)
    assert update.content == world.t("admin.import_stale")
    assert world.bot.configs.get(world.guild.id).version == 2
    await world.set_config("locale: en\n")
    upload = ("new.yaml", b"locale: fr\ntimezone: Europe/Paris\n")
    r, reply = await _ask(world.manager, "config import", document=upload)
    assert "-locale: en" in reply.content and "+locale: fr" in reply.content
    assert "+timezone: Europe/Paris" in reply.content
    # Nothing is applied before the confirmation.
    assert world.bot.configs.get(world.guild.id).version == 3
    click = await world.manager.click(r, world.t("admin.button_apply"))
    update = await click.response(timeout=5)
    config = world.bot.configs.get(world.guild.id)
    assert config.version == 4 and config.locale == "fr" and config.timezone == "Europe/Paris"
    assert world.t("admin.import_applied", version=4, locale="fr") in update.content
    # The mod log says who imported what version.
    modlog = world.guild.channel("modlog")
    line = await world.sb.wait_for_message(modlog, where=lambda m: "version 4" in m["content"])
    assert world.manager.mention in line["content"]


async def test_rollback_restores_the_previous_version(world):
    await world.set_config("locale: en\n")
    await world.set_config("locale: fr\n")
    reply = await _reply(world.manager, "config rollback")
    assert world.bot.configs.get(world.guild.id).locale == "en"
    assert world.bot.configs.get(world.guild.id).version == 3
    # The answer follows the restored config: English again.
    assert reply.content == world.t("admin.rollback_done", version=3, restored=1)
    reply = await _reply(world.manager, "config rollback", version=2)
    assert world.bot.configs.get(world.guild.id).locale == "fr"
    # An unknown version is refused and changes nothing.
    reply = await _reply(world.manager, "config rollback", version=9)
    assert reply.ephemeral
    assert reply.content == world.t("config.no_such_version", locale="fr", version=9)
    assert world.bot.configs.get(world.guild.id).version == 4


async def test_set_changes_one_key_as_a_new_version(world):
    reply = await _reply(world.manager, "config set", key="timezone", value="Europe/Paris")
    assert reply.content == world.t(
        "admin.set_done", setting="timezone", value="Europe/Paris", version=1
    )
    assert world.bot.configs.get(world.guild.id).timezone == "Europe/Paris"
    # The change is written to the mod log.
    modlog = world.guild.channel("modlog")
    await world.sb.wait_for_request(
        "POST",
        "/channels/{channel_id}/messages",
        where=lambda r: r.params.get("channel_id") == str(modlog.id),
    )
    await _reply(world.manager, "config set", key="locale", value="en")
    reply = await _reply(world.manager, "config versions")
    lines = reply.content.splitlines()
    assert lines[0] == world.t("admin.versions_header")
    assert lines[1].startswith("- v2") and lines[2].startswith("- v1")
    assert f"<@{world.manager.id}>" in lines[1]


async def test_set_bad_key_or_bad_value_is_explained_and_changes_nothing(world):
    await world.set_config("locale: en\n")
    before = world.bot.configs.get(world.guild.id)
    reply = await _reply(world.manager, "config set", key="roles.nope", value="1")
    assert reply.ephemeral
    assert world.t("admin.set_invalid", setting="roles.nope") in reply.content
    assert "roles.nope" in reply.content.split("\n", 1)[1]
    reply = await _reply(world.manager, "config set", key="roles.managers", value="12")
    assert world.t("admin.set_invalid", setting="roles.managers") in reply.content
    # The admin commands cannot switch themselves off.
    reply = await _reply(world.manager, "config set", key="admin.enabled", value="false")
    assert world.t("admin.set_invalid", setting="admin.enabled") in reply.content
    assert "admin.enabled: the admin commands cannot be disabled" in reply.content
    after = world.bot.configs.get(world.guild.id)
    assert after.version == before.version and after.raw == before.raw


async def test_french_locale_answers_in_french(world):
    await world.set_config("locale: fr\n")
    reply = await _reply(world.manager, "config show")
    assert reply.content.startswith("**Configuration effective**")
    refused = await _reply(world.member("zoe"), "config show")
    assert refused.content == world.t("errors.not_manager", locale="fr")
    assert refused.content != world.t("errors.not_manager", locale="en")


async def test_a_file_managed_guild_is_read_only_from_discord(world):
    path = world.config_dir / "guilds" / f"{world.guild.id}.yaml"
    path.parent.mkdir()
    path.write_text("locale: fr\n", encoding="utf-8")
    await world.bot.configs.load(world.guild.id)
    managed = world.t("config.file_managed", locale="fr", path=f"config/guilds/{path.name}")
    reply = await _reply(world.manager, "config show", section="locale")
    assert (
        world.t("admin.show_file_managed", locale="fr", path=f"config/guilds/{path.name}")
        in reply.content
    )
    reply = await _reply(world.manager, "config set", key="locale", value="en")
    assert reply.content == managed
    reply = await _reply(world.manager, "config import", document=("x.yaml", b"locale: en\n"))
    assert reply.content == managed and not reply.components
    assert world.bot.configs.get(world.guild.id).locale == "fr"
    assert await world.bot.configs.versions(world.guild.id) == []
