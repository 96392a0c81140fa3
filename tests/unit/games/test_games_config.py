"""The games section: schema checks, defaults parsing, challenges logic, CSV import parsing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import jsonschema
import pytest
import yaml

from bot.user_error import UserError
from cogs.games.challenges import ProgressCounter, next_streak, previous_week, streak_bonus, week_id
from cogs.games.commands import parse_xp_csv
from cogs.games.config import parse_settings
from cogs.games.schema import SCHEMA, check

DEFAULTS = yaml.safe_load(
    (Path(__file__).resolve().parents[3] / "config" / "default.yaml").read_text()
)["games"]


def test_defaults_are_valid_and_parse():
    jsonschema.validate(DEFAULTS, SCHEMA)
    assert check(DEFAULTS) == []
    settings = parse_settings(DEFAULTS, channel=lambda ref: None, role=lambda ref: None)
    assert settings.enabled and settings.trivia.rounds == 10 and settings.trivia.question_time == 30
    assert settings.xp.rules.cooldown_seconds == 60 and (
        settings.xp.rules.min_xp,
        settings.xp.rules.max_xp,
    ) == (15, 25)
    assert settings.xp.seasons.mode == "none" and settings.xp.seasons.length_days == 30
    assert settings.levels.announce == "channel" and settings.levels.rewards == {}


def test_references_are_resolved_and_unknown_ones_dropped():
    section = dict(DEFAULTS)
    section["xp"] = dict(
        DEFAULTS["xp"],
        ignored_channels=["spam", 42],
        rewards={5: "Regular", 10: "Gone"},
        channel_multipliers={"events": 2},
    )
    section["challenges"] = {
        "enabled": True,
        "list": [{"id": "talk", "kind": "messages", "target": 5, "xp": 50, "channel": "general"}],
    }
    channels = {"spam": 1, 42: 42, "events": 3, "general": 4}
    roles = {"Regular": 7}
    s = parse_settings(section, channel=channels.get, role=roles.get)
    assert s.xp.rules.ignored_channels == {1, 42}
    assert s.xp.rules.channel_multipliers == {3: 2.0}
    assert s.levels.rewards == {5: 7}
    assert s.challenges.challenges[0].channel == 4
    assert s.challenges.kinds == {"messages"}
    section["challenges"] = dict(section["challenges"], enabled=False)
    off = parse_settings(section, channel=channels.get, role=roles.get)
    assert off.challenges.kinds == frozenset()  # the message hook counts nothing


@pytest.mark.parametrize(
    "change,path",
    [
        ({"xp": {"min": 30, "max": 20}}, ("xp", "min")),
        ({"xp": {"rewards": {0: "x"}}}, ("xp", "rewards", 0)),
        ({"xp": {"rewards": {"abc": "x"}}}, ("xp", "rewards", "abc")),
        ({"seasons": {"start": "tomorrow"}}, ("seasons", "start")),
        ({"seasons": {"length": "12h"}}, ("seasons", "length")),
        ({"trivia": {"question_time": "1s"}}, ("trivia", "question_time")),
        ({"trivia": {"question_time": "10s", "hint_after": "10s"}}, ("trivia", "hint_after")),
        (
            {
                "challenges": {
                    "list": [
                        {"id": "a", "kind": "messages", "target": 1},
                        {"id": "a", "kind": "trivia_answers", "target": 1},
                    ]
                }
            },
            ("challenges", "list", 1, "id"),
        ),
    ],
)
def test_semantic_checks(change, path):
    assert path in [p for p, _ in check(change)]


@pytest.mark.parametrize(
    "bad",
    [
        {"xp": {"announce": "loud"}},
        {"xp": {"colour": 1}},
        {"challenges": {"list": [{"id": "x", "kind": "dance", "target": 1}]}},
        {"trivia": {"rounds": 0}},
        {"trivia": {"default_list": "../../etc/passwd"}},
        {"xp": {"channel_multipliers": {"a": -1}}},
    ],
)
def test_schema_rejects(bad):
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, SCHEMA)


def test_weeks_and_streaks():
    assert week_id(datetime(2026, 11, 24, tzinfo=UTC)) == "2026-W48"
    assert week_id(datetime(2027, 1, 1, tzinfo=UTC)) == "2026-W53"
    assert previous_week("2027-W01") == "2026-W53"
    assert next_streak(None, "2026-W48") == 1
    assert next_streak(("2026-W47", 3), "2026-W48") == 4
    assert next_streak(("2026-W48", 3), "2026-W48") == 3
    assert next_streak(("2026-W40", 3), "2026-W48") == 1
    assert [streak_bonus(n, 50) for n in (1, 2, 3)] == [0, 50, 100]


def test_progress_counter_batches_and_restores():
    counter = ProgressCounter()
    counter.bump(1, "w", "talk", 10)
    counter.bump(1, "w", "talk", 10, 2)
    counter.bump(1, "w", "quiz", 11)
    rows = counter.take()
    assert sorted(rows) == [(1, "w", "quiz", 11, 1), (1, "w", "talk", 10, 3)]
    assert counter.touched(rows) == {(1, "w", "quiz"), (1, "w", "talk")}
    counter.restore(rows)
    counter.bump(1, "w", "talk", 10)
    assert sorted(counter.take()) == [(1, "w", "quiz", 11, 1), (1, "w", "talk", 10, 4)]
    counter.bump(1, "w", "talk", 10)
    counter.bump(2, "w", "talk", 10)
    counter.discard(1, 10)  # forgotten in guild 1 only
    assert counter.take() == [(2, "w", "talk", 10, 1)]


def test_csv_import_parsing():
    assert parse_xp_csv("user_id,xp\n10,500\n\n11,0\n") == [(10, 500), (11, 0)]
    assert parse_xp_csv("10,5") == [(10, 5)]
    for text, key, line in [
        ("user_id,xp\n10,abc\n", "games.xp.import_bad_line", 2),
        ("10,5\n11\n", "games.xp.import_bad_line", 2),
        ("10,5\n11,-3\n", "games.xp.import_bad_xp", 2),
        ("10,5\n10,6\n", "games.xp.import_duplicate", 2),
    ]:
        with pytest.raises(UserError) as caught:
            parse_xp_csv(text)
        assert caught.value.message_key == key and caught.value.fields["line"] == line
    with pytest.raises(UserError) as caught:
        parse_xp_csv("user_id,xp\n")
    assert caught.value.message_key == "games.xp.import_empty"
