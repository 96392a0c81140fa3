"""GamesStore against a real SQLite file with the cog's migration: every query filters by guild."""

from __future__ import annotations

from pathlib import Path

from bot.db import Database
from cogs.games.store import GamesStore

MIGRATIONS = Path(__file__).resolve().parents[3] / "cogs" / "games" / "migrations"


async def store_at(tmp_path) -> GamesStore:
    db = await Database.open(tmp_path / "g.db")
    await db.migrate("games", MIGRATIONS)
    return GamesStore(db)


async def test_xp_upsert_never_goes_negative_and_ranks_per_guild(tmp_path):
    s = await store_at(tmp_path)
    await s.write_xp(
        [(1, "all", 10, 50, 1, 1.0), (1, "all", 11, 80, 2, 2.0), (2, "all", 10, 999, 1, 1.0)]
    )
    await s.write_xp([(1, "all", 10, -70, -1, 3.0)])
    assert (await s.xp_of(1, "all", 10)).xp == 0
    assert [r.user_id for r in await s.leaderboard(1, "all", 0, 10)] == [11]
    assert await s.rank_of(1, "all", 80) == 1 and await s.count_ranked(2, "all") == 1
    assert sorted(await s.season_totals(1, "all")) == [(10, 0), (11, 80)]
    await s.import_xp(1, "all", [(10, 500), (12, 7)])
    assert (await s.xp_of(1, "all", 10)).xp == 500 and (await s.xp_of(2, "all", 10)).xp == 999
    assert await s.reset_xp(1, "all", 12) == 1
    assert await s.reset_xp(1, "all") == 2 and (await s.xp_of(2, "all", 10)).xp == 999
    await s.db.close()


async def test_seasons_roll_once(tmp_path):
    s = await store_at(tmp_path)
    assert await s.roll_season(1, "2026-11", 1.0) is None
    assert await s.roll_season(1, "2026-11", 2.0) is None
    assert await s.roll_season(1, "2026-12", 3.0) == "2026-11"
    assert await s.open_season(1) == "2026-12" and await s.seasons(1) == ["2026-11", "2026-12"]
    assert await s.open_season(2) is None
    await s.db.close()


async def test_trivia_sessions_scores_and_lists(tmp_path):
    s = await store_at(tmp_path)
    sid = await s.start_session(1, 100, "demo", 10)
    await s.end_session(1, sid, "demo", 3, "finished", {10: 2, 11: 1}, 10)
    sid2 = await s.start_session(1, 100, "other", 11)
    await s.end_session(1, sid2, "other", 1, "stopped", {11: 4}, 11)
    per_list = await s.trivia_leaderboard(1, "demo")
    assert [(r.user_id, r.points, r.games, r.wins) for r in per_list] == [
        (10, 2, 1, 1),
        (11, 1, 1, 0),
    ]
    server = await s.trivia_leaderboard(1, None)
    assert [(r.user_id, r.points, r.games) for r in server] == [(11, 5, 2), (10, 2, 1)]
    assert await s.trivia_leaderboard(2, None) == []
    crashed = await s.start_session(1, 100, "demo", 10)
    running = await s.start_session(1, 101, "demo", 10)
    other_guild = await s.start_session(2, 100, "demo", 10)
    assert await s.close_abandoned_sessions(1, {running}) == 1
    ended = dict(
        await s.db.fetchall(
            "SELECT id, end_reason FROM games_trivia_sessions WHERE ended_at IS NOT NULL"
        )
    )
    assert ended[crashed] == "interrupted" and running not in ended and other_guild not in ended
    await s.save_list(1, "quiz", "Q?:\n- a\n", 1, 10)
    await s.save_list(1, "quiz", "Q?:\n- b\n", 1, 11)
    assert [(x.name, x.uploaded_by) for x in await s.uploaded_lists(1)] == [("quiz", 11)]
    assert await s.uploaded_list(2, "quiz") is None
    await s.db.close()


async def test_challenges_complete_once_and_privacy(tmp_path):
    s = await store_at(tmp_path)
    await s.write_progress([(1, "2026-W48", "talk", 10, 3), (1, "2026-W48", "talk", 11, 1)])
    assert await s.newly_completed(1, "2026-W48", "talk", 3) == [10]
    assert await s.newly_completed(1, "2026-W48", "talk", 3) == []
    await s.set_streak(1, 10, "2026-W48", 2)
    await s.write_xp([(1, "all", 10, 50, 1, 1.0), (2, "all", 10, 5, 1, 1.0)])
    sid = await s.start_session(1, 100, "demo", 10)
    await s.end_session(1, sid, "demo", 1, "finished", {10: 1}, 10)
    exported = await s.export_user(1, 10)
    assert exported["xp"][0]["xp"] == 50 and exported["streak"] == {
        "last_week": "2026-W48",
        "weeks": 2,
    }
    assert (
        exported["trivia_scores"][0]["points"] == 1 and exported["challenges"][0]["progress"] == 3
    )
    assert await s.forget_user(1, 10) == 5  # xp, scores, session score, progress, streak
    assert await s.export_user(1, 10) == {
        "xp": [],
        "trivia_scores": [],
        "challenges": [],
        "streak": None,
    }
    assert (await s.xp_of(2, "all", 10)).xp == 5  # another server's data stays
    await s.db.close()
