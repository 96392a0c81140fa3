"""Replay of DiscordChatExporter exports: streaming, order of time, report and CSV."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from cogs.policies import cli
from cogs.policies.replay import ReplayReport, iter_export, replay

SECTION = {
    "rules": [
        {"name": "insults", "triggers": {"words": ["connard"]}, "actions": ["delete", "warn"]},
        {
            "name": "flood",
            "triggers": {"rate": {"amount": 4, "window": "10s"}},
            "actions": ["delete"],
        },
        {
            "name": "trial",
            "mode": "log-only",
            "triggers": {"words": ["spoiler"]},
            "actions": ["delete"],
        },
    ]
}
START = datetime(2026, 1, 1, tzinfo=UTC)


def _message(i: int, seconds: float, content: str, author: int = 42, bot: bool = False) -> dict:
    return {
        "id": str(1_000_000 + i),
        "type": "Default",
        "timestamp": (START + timedelta(seconds=seconds)).isoformat(),
        "content": content,
        "author": {
            "id": str(author),
            "name": f"user{author}",
            "nickname": None,
            "isBot": bot,
            "roles": [],
        },
        "attachments": [],
        "embeds": [],
        "mentions": [],
    }


def _export(path: Path, channel: int, messages: list[dict]) -> Path:
    doc = {
        "guild": {"id": "1", "name": "Demo", "iconUrl": ""},
        "channel": {
            "id": str(channel),
            "type": "GuildTextChat",
            "category": "Chat",
            "name": f"c{channel}",
        },
        "dateRange": {"after": None, "before": None},
        "messages": messages,
        "messageCount": len(messages),
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_streams_messages_and_counts_hits(tmp_path: Path) -> None:
    messages = [_message(i, i * 60, f"hello {i}") for i in range(200)]
    messages[10]["content"] = "quel c0nnard"
    messages[20]["content"] = "spoiler: he dies"
    messages[30]["author"]["isBot"] = True
    messages[30]["content"] = "connard"  # bots are out of scope by default
    path = _export(tmp_path / "a.json", 10, messages)
    out = io.StringIO()
    report = replay(SECTION, [path], csv_out=out)
    assert report.messages == 200
    assert report.hits == {"insults": 1, "trial": 1}
    assert report.rate > 0
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert [r["rule"] for r in rows] == ["insults", "trial"]
    assert rows[0]["matched"] == "connard" and rows[0]["enforced"] == "yes"
    assert rows[1]["enforced"] == "log-only"
    assert "insults" in report.render({"insults": "enforce", "trial": "log-only"})


def test_csv_of_hits_keeps_formulas_as_text(tmp_path: Path) -> None:
    messages = [_message(1, 60, '=HYPERLINK("http://evil","connard")')]
    out = io.StringIO()
    replay(SECTION, [_export(tmp_path / "a.json", 10, messages)], csv_out=out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["content"] == "'" + messages[0]["content"]


def test_several_exports_merge_in_time_order(tmp_path: Path) -> None:
    # One member posts in two channels, alternating: only the merged timeline is a flood.
    a = _export(tmp_path / "a.json", 10, [_message(i, i * 2.0, f"a{i}") for i in range(3)])
    b = _export(
        tmp_path / "b.json", 11, [_message(100 + i, i * 2.0 + 1, f"b{i}") for i in range(3)]
    )
    assert replay(SECTION, [a]).hits == {}
    report = replay(SECTION, [a, b])
    assert report.messages == 6
    assert report.hits["flood"] >= 1


def test_iter_export_is_lazy(tmp_path: Path) -> None:
    path = _export(tmp_path / "a.json", 10, [_message(i, i, "x") for i in range(5)])
    stream = iter_export(path)
    first = next(stream)
    assert first.channel_id == 10 and first.guild_id == 1 and first.category_name == "Chat"


def test_cli_replay_prints_report_and_writes_csv(tmp_path: Path, capsys) -> None:
    import argparse

    config = tmp_path / "guild.yaml"
    config.write_text(json.dumps({"policies": SECTION}), encoding="utf-8")
    export = _export(tmp_path / "e.json", 10, [_message(1, 0, "connard"), _message(2, 5, "salut")])
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    csv_path = tmp_path / "hits.csv"
    args = parser.parse_args(
        ["replay", "--config", str(config), str(export), "--csv", str(csv_path)]
    )
    assert args.func(args) == 0
    printed = capsys.readouterr().out
    assert "2 messages" in printed and "insults" in printed
    assert csv_path.read_text(encoding="utf-8").count("\n") == 2


def test_cli_replay_bad_regex_is_one_clear_line(tmp_path: Path, capsys) -> None:
    import argparse

    config = tmp_path / "guild.yaml"
    config.write_text(
        "policies:\n  rules:\n    - {name: r, triggers: {regex: ['(x']}}\n", encoding="utf-8"
    )
    export = _export(tmp_path / "e.json", 10, [])
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["replay", "--config", str(config), str(export)])
    assert args.func(args) == 2
    err = capsys.readouterr().err
    assert "policies.rules.0.triggers.regex.0: invalid regex: missing )" in err


@pytest.mark.parametrize("missing", ["config", "export"])
def test_cli_replay_missing_file(tmp_path: Path, capsys, missing: str) -> None:
    import argparse

    config = tmp_path / "guild.yaml"
    export = tmp_path / "e.json"
    if missing != "config":
        config.write_text("policies: {}\n", encoding="utf-8")
    else:
        _export(export, 10, [])
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(["replay", "--config", str(config), str(export)])
    assert args.func(args) == 2
    assert "no such file" in capsys.readouterr().err


def test_report_rate_without_time() -> None:
    assert ReplayReport().rate == 0.0
