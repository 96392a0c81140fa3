"""Guild config: validation with file:line errors, deep merge, versions, rollback, file-managed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config_schema import ConfigError, deep_merge
from bot.guild_config import ConfigInvalid, GuildConfigs
from bot.user_error import UserError

GUILD = 111


def errors_of(configs: GuildConfigs, text: str) -> list[str]:
    return [str(e) for e in configs.validate_document(text, "g.yaml")]


def test_valid_document_has_no_errors(configs: GuildConfigs) -> None:
    assert errors_of(configs, "locale: fr\ndemo:\n  delay: 1h30m\n") == []
    assert errors_of(configs, "") == []


def test_unknown_key_names_file_line_and_path(configs: GuildConfigs) -> None:
    text = "locale: fr\ndemo:\n  enabled: true\n  dealy: 5m\n"
    assert errors_of(configs, text) == ["g.yaml:4: demo.dealy: unknown key"]


def test_unknown_top_level_section(configs: GuildConfigs) -> None:
    assert errors_of(configs, "\n\nwelcom:\n  enabled: true\n") == ["g.yaml:3: welcom: unknown key"]


def test_wrong_type(configs: GuildConfigs) -> None:
    [error] = configs.validate_document("demo:\n  limit: many\n", "g.yaml")
    assert (error.file, error.line, error.path) == ("g.yaml", 2, "demo.limit")
    assert "integer" in error.message and "many" in error.message


def test_bad_duration(configs: GuildConfigs) -> None:
    [error] = errors_of(configs, "demo:\n  enabled: false\n  delay: 10 minutes\n")
    assert error.startswith("g.yaml:3: demo.delay: bad duration '10 minutes'")


def test_bad_enum_and_list_item(configs: GuildConfigs) -> None:
    text = "locale: de\nroles:\n  managers:\n    - Mods\n    - [nested]\n"
    found = errors_of(configs, text)
    assert found[0].startswith("g.yaml:1: locale: must be one of: en, fr, null")
    assert found[1].startswith("g.yaml:5: roles.managers.1: expected")


def test_invalid_yaml_syntax_reports_its_line(configs: GuildConfigs) -> None:
    [error] = configs.validate_document("locale: fr\ndemo:\n  delay: [10m\n  limit: 3\n", "g.yaml")
    assert error.file == "g.yaml" and error.line in (3, 4, 5)
    assert "invalid YAML" in error.message


def test_not_a_mapping_and_duplicate_keys(configs: GuildConfigs) -> None:
    assert errors_of(configs, "- a\n- b\n") == ["g.yaml:1: the document must be a mapping of keys"]
    assert errors_of(configs, "locale: fr\nlocale: en\n") == ["g.yaml:2: locale: key given twice"]


def test_alias_bombs_and_deep_nesting_are_refused_at_once(configs: GuildConfigs) -> None:
    # Twelve levels of ten aliases each: 10**12 values once expanded, in 700 bytes.
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 13)]
    [bomb] = errors_of(configs, "\n".join(lines) + "\n")
    assert "100,000 values once aliases (*name) are expanded" in bomb
    assert errors_of(configs, "demo:\n  limit: &n 3\nlocale: fr\n") == []  # a plain anchor is fine
    [deep] = errors_of(configs, "demo: " + "[" * 65 + "]" * 65 + "\n")
    assert deep == "g.yaml:1: invalid YAML: nested deeper than 64 levels"
    # Far deeper: the parser's own limit (libyaml) or Python's recursion limit, never a crash.
    [deeper] = errors_of(configs, "demo: " + "[" * 5000 + "]" * 5000 + "\n")
    assert deeper.startswith("g.yaml:1: invalid YAML:") and "nest" in deeper


async def test_set_key_with_a_value_nested_too_deeply_changes_nothing(
    configs: GuildConfigs,
) -> None:
    with pytest.raises(ConfigInvalid) as caught:
        await configs.set_key(GUILD, "demo.limit", "[" * 5000 + "]" * 5000, author_id=7)
    assert "nested" in str(caught.value.errors[0])
    assert configs.get(GUILD).version == 0


def test_semantic_checks_run_after_schema(configs: GuildConfigs) -> None:
    assert errors_of(configs, "demo:\n  limit: 500\n") == ["g.yaml:2: demo.limit: at most 100"]
    assert errors_of(configs, "timezone: Mars/Olympus\n")[0].startswith(
        "g.yaml:1: timezone: unknown time zone"
    )
    assert errors_of(configs, "timezone: Europe/Paris\n") == []


async def test_error_in_defaults_points_at_default_yaml(
    configs: GuildConfigs, config_dir: Path
) -> None:
    (config_dir / "default.yaml").write_text(
        "locale: null\ndemo:\n  limit: zero\n", encoding="utf-8"
    )
    with pytest.raises(ConfigInvalid) as caught:
        await configs.reload_defaults()
    assert [str(e) for e in caught.value.errors] == [
        f"{config_dir / 'default.yaml'}:3: demo.limit: expected an integer, got 'zero'"
    ]


def test_config_error_str() -> None:
    assert str(ConfigError("f.yaml", 7, "a.b", "bad")) == "f.yaml:7: a.b: bad"


def test_deep_merge() -> None:
    base = {"a": {"b": 1, "c": [1, 2]}, "d": 1, "e": {"f": 1}}
    override = {"a": {"c": [3]}, "e": None, "g": {"h": 2}}
    merged = deep_merge(base, override)
    assert merged == {"a": {"b": 1, "c": [3]}, "d": 1, "e": None, "g": {"h": 2}}
    merged["a"]["b"] = 99
    assert base["a"]["b"] == 1, "the defaults are never mutated"


async def test_get_before_any_document_is_defaults(configs: GuildConfigs) -> None:
    config = configs.get(GUILD)
    assert config.version == 0 and config.source == "default"
    assert config.section("demo")["delay"] == "10m"
    assert config.section("nothing") == {}
    assert config.timezone == "UTC" and config.locale is None


async def test_reloaded_defaults_keep_each_guild_document_and_notify(
    configs: GuildConfigs, config_dir: Path, changes: list[int]
) -> None:
    await configs.set_document(GUILD, "demo:\n  limit: 9\n", author_id=7)
    default = config_dir / "default.yaml"
    default.write_text(default.read_text(encoding="utf-8").replace("10m", "20m"), encoding="utf-8")
    changes.clear()
    await configs.reload_defaults()
    config = configs.get(GUILD)
    assert config.get("demo.limit") == 9 and config.get("demo.delay") == "20m"
    assert config.version == 1 and changes == [GUILD]


async def test_set_document_versions_cache_and_event(
    configs: GuildConfigs, changes: list[int]
) -> None:
    first = await configs.set_document(GUILD, "locale: fr\n", author_id=7)
    assert first.version == 1 and changes == [GUILD]
    assert configs.get(GUILD).locale == "fr" and configs.get(GUILD).version == 1
    second = await configs.set_document(GUILD, "demo:\n  limit: 9\n", author_id=8)
    assert second.version == 2
    config = configs.get(GUILD)
    assert (
        config.locale is None
        and config.get("demo.limit") == 9
        and config.get("demo.delay") == "10m"
    )
    assert [v.version for v in await configs.versions(GUILD)] == [2, 1]
    assert await configs.document(GUILD) == "demo:\n  limit: 9\n"


async def test_invalid_document_is_never_applied(configs: GuildConfigs, changes: list[int]) -> None:
    await configs.set_document(GUILD, "locale: fr\n", author_id=7)
    with pytest.raises(ConfigInvalid) as caught:
        await configs.set_document(GUILD, "locale: en\ndemo:\n  delay: soon\n", author_id=7)
    assert caught.value.message_key == "config.invalid"
    assert "document.yaml:3: demo.delay: bad duration" in caught.value.fields["errors"]
    assert [v.version for v in await configs.versions(GUILD)] == [1]
    assert configs.get(GUILD).locale == "fr" and changes == [GUILD]


async def test_set_key_validates_the_whole_result(configs: GuildConfigs) -> None:
    await configs.set_document(GUILD, "# mine\nlocale: fr\n", author_id=1)
    version = await configs.set_key(GUILD, "demo.delay", "2h", author_id=1)
    assert version.version == 2
    assert configs.get(GUILD).get("demo.delay") == "2h" and configs.get(GUILD).locale == "fr"
    await configs.set_key(GUILD, "roles.managers", "[Mods, 123]", author_id=1)
    assert configs.get(GUILD).get("roles.managers") == ["Mods", 123]
    with pytest.raises(ConfigInvalid) as caught:
        await configs.set_key(GUILD, "demo.limit", "lots", author_id=1)
    assert "demo.limit" in str(caught.value)
    with pytest.raises(ConfigInvalid):
        await configs.set_key(GUILD, "demo.colour", "red", author_id=1)
    assert len(await configs.versions(GUILD)) == 3


async def test_rollback(configs: GuildConfigs) -> None:
    with pytest.raises(UserError) as nothing:
        await configs.rollback(GUILD, author_id=1)
    assert nothing.value.message_key == "config.nothing_to_rollback"
    await configs.set_document(GUILD, "locale: fr\n", author_id=1)
    await configs.set_document(GUILD, "locale: en\n", author_id=1)
    back = await configs.rollback(GUILD, author_id=2)
    assert back.version == 3 and back.document == "locale: fr\n" and back.author_id == 2
    assert configs.get(GUILD).locale == "fr"
    again = await configs.rollback(GUILD, version=2, author_id=2)
    assert again.version == 4 and configs.get(GUILD).locale == "en"
    with pytest.raises(UserError) as missing:
        await configs.rollback(GUILD, version=42, author_id=2)
    assert missing.value.message_key == "config.no_such_version" and missing.value.fields == {
        "version": 42
    }


async def test_versions_survive_a_new_instance(
    configs: GuildConfigs, db, config_dir, registry
) -> None:
    await configs.set_document(GUILD, "locale: fr\n", author_id=1)
    fresh = GuildConfigs(db, config_dir, registry)
    assert fresh.get(GUILD).locale is None, "not loaded yet: defaults"
    await fresh.load_all()
    assert fresh.get(GUILD).locale == "fr" and fresh.get(GUILD).version == 1


async def test_file_managed_guild_is_read_only(configs: GuildConfigs, config_dir: Path) -> None:
    await configs.set_document(GUILD, "locale: en\n", author_id=1)
    (config_dir / "guilds").mkdir()
    (config_dir / "guilds" / f"{GUILD}.yaml").write_text(
        "locale: fr\ndemo:\n  limit: 3\n", encoding="utf-8"
    )
    await configs.load_all()
    config = configs.get(GUILD)
    assert config.file_managed and config.locale == "fr" and config.get("demo.limit") == 3
    for attempt in (
        configs.set_document(GUILD, "locale: en\n", author_id=1),
        configs.set_key(GUILD, "locale", "en", author_id=1),
        configs.rollback(GUILD, author_id=1),
    ):
        with pytest.raises(UserError) as caught:
            await attempt
        assert caught.value.message_key == "config.file_managed"
        assert caught.value.fields == {"path": f"config/guilds/{GUILD}.yaml"}
    assert await configs.document(GUILD) == "locale: fr\ndemo:\n  limit: 3\n"


async def test_reloading_a_guild_tells_the_cogs_but_start_up_does_not(
    configs: GuildConfigs, config_dir: Path, changes: list[int]
) -> None:
    guild_file = config_dir / "guilds" / f"{GUILD}.yaml"
    guild_file.parent.mkdir()
    guild_file.write_text("demo:\n  limit: 3\n", encoding="utf-8")
    await configs.load_all()
    assert changes == [] and configs.get(GUILD).get("demo.limit") == 3
    # Edited by hand then reloaded: same version (0) as before, so only the event tells.
    guild_file.write_text("demo:\n  limit: 4\n", encoding="utf-8")
    await configs.load(GUILD)
    assert changes == [GUILD] and configs.get(GUILD).get("demo.limit") == 4
    guild_file.write_text("demo:\n  limit: -1\n", encoding="utf-8")
    await configs.load(GUILD)  # refused: nothing changed, nobody is told
    assert changes == [GUILD]


async def test_broken_file_keeps_the_last_good_config(
    configs: GuildConfigs, config_dir: Path, caplog
) -> None:
    guild_file = config_dir / "guilds" / f"{GUILD}.yaml"
    guild_file.parent.mkdir()
    guild_file.write_text("locale: fr\n", encoding="utf-8")
    await configs.load(GUILD)
    guild_file.write_text("locale: fr\ndemo:\n  limit: -1\n", encoding="utf-8")
    await configs.load(GUILD)
    assert configs.get(GUILD).locale == "fr" and configs.get(GUILD).get("demo.limit") == 5
    assert f"{guild_file}:3: demo.limit" in caplog.text
