"""Games e2e in French: DM level-up, a game stopped by silence, errors, XP reset."""

from __future__ import annotations

import sqlite3
from typing import Any

from tests.e2e.test_games_trivia import time_up_now
from tests.e2e.test_games_xp import settled_xp

CONFIG = """\
locale: fr
games:
  enabled: true
  trivia:
    question_time: 2s
    hint_after: 1s
    pause: 1s
    max_unanswered: 1
  xp:
    min: 100
    max: 100
    announce: dm
"""

QUIZ = "Quelle est la capitale du Pérou ?:\n- Lima\n"


async def test_french_level_up_by_dm_and_xp_reset(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    hugo = w.member("hugo")
    await hugo.say("#general", "Bonjour à tous !")
    dm = await w.sb.wait_for_message(w.sb.world.dm_channel(hugo.user).id, timeout=10)
    assert dm["content"] == w.t("games.level.up_dm", locale="fr", level=1, server=w.guild.name)
    assert dm["content"].startswith("🎉 Vous passez au niveau **1**")
    assert await settled_xp(w, hugo.id, 100) == 100
    r = await w.manager.slash("xp reset", member=hugo)
    assert (await r.response(timeout=10)).content == w.t("games.xp.reset", locale="fr", count=1)
    with sqlite3.connect(w.db_path) as db:
        assert (
            db.execute("SELECT count(*) FROM games_xp WHERE user_id = ?", (hugo.id,)).fetchone()[0]
            == 0
        )
    # Everyone's XP: the mod log names them in French words, never as a literal @everyone.
    r = await w.manager.slash("xp reset")
    await r.response(timeout=10)
    line = await w.sb.wait_for_message(
        "modlog", timeout=10, where=lambda m: "tous les membres" in m["content"]
    )
    assert line["content"] == w.t(
        "games.modlog.xp_reset",
        locale="fr",
        actor=w.manager.mention,
        who=w.t("games.modlog.everyone", locale="fr"),
        count=0,
    )
    assert not any("@everyone" in m["content"] for m in w.sb.messages("modlog"))


async def test_a_french_game_stops_when_nobody_answers(world: Any) -> None:
    w = world
    await w.set_config(CONFIG)
    ines = w.member("ines")
    r = await ines.slash("trivia start", in_channel="games", list="inconnue")
    assert (await r.response(timeout=10)).content == w.t(
        "games.trivia.unknown_list", locale="fr", name="inconnue"
    )
    r = await w.manager.slash("trivia upload", file=("perou.yaml", QUIZ.encode()))
    await r.response(timeout=10)
    r = await ines.slash("trivia start", in_channel="games", list="perou")
    await r.response(timeout=10)
    question = await w.sb.wait_for_message(
        "games", timeout=10, where=lambda m: "Pérou" in m["content"]
    )
    assert question["content"] == w.t(
        "games.trivia.question",
        locale="fr",
        number=1,
        total=1,
        question="Quelle est la capitale du Pérou ?",
    )
    hint = await w.sb.wait_for_message(
        "games", timeout=10, where=lambda m: m["content"].startswith("💡")
    )
    assert hint["content"] == "💡 Indice : L \\_ \\_ \\_"
    time_up_now(w, "games")
    late = await w.sb.wait_for_message(
        "games", timeout=10, where=lambda m: m["content"].startswith("⏰")
    )
    assert late["content"] == w.t("games.trivia.timeout_reveal", locale="fr", answer="Lima")
    over = await w.sb.wait_for_message(
        "games", timeout=10, where=lambda m: m["content"].startswith("🏁")
    )
    assert over["content"].splitlines() == [
        w.t("games.trivia.over_unanswered", locale="fr"),
        w.t("games.trivia.no_scores", locale="fr"),
    ]
