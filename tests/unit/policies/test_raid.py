"""Raid detection (join rate, new-account burst, quiet period) and spam waves."""

from __future__ import annotations

from cogs.policies.raid import RaidConfig, RaidDetector, SpamWave

CFG = RaidConfig.from_section(
    {"joins": 5, "window": "10s", "new_accounts": 3, "new_account_age": "7d", "quiet_period": "1m"}
)
OLD = 365 * 86400.0


def test_join_rate_crossing() -> None:
    detector = RaidDetector()
    reasons = [detector.join(1, 100.0 + i, OLD, CFG) for i in range(5)]
    assert reasons == [None, None, None, None, "joins"]
    assert detector.join(2, 100.0, OLD, CFG) is None  # per guild


def test_slow_joins_are_not_a_raid() -> None:
    detector = RaidDetector()
    assert all(detector.join(1, i * 11.0, OLD, CFG) is None for i in range(20))


def test_new_account_burst() -> None:
    detector = RaidDetector()
    assert detector.join(1, 0.0, 3600, CFG) is None
    assert detector.join(1, 1.0, OLD, CFG) is None
    assert detector.join(1, 2.0, 60, CFG) is None
    assert detector.join(1, 3.0, 10, CFG) == "new_accounts"
    assert detector.quiet_since(1) == 3.0


def test_config_defaults_and_parsing() -> None:
    assert RaidConfig.from_section(None) == RaidConfig()
    assert CFG.window == 10 and CFG.quiet_period == 60 and CFG.new_account_age == 7 * 86400


def test_spam_wave_collects_copies_then_each_new_one() -> None:
    wave = SpamWave()
    out = []
    for i in range(5):
        out.append(wave.observe(1, 42, float(i), 10 + i % 2, 100 + i, 1000 + i, 4, 30))
    assert out[:3] == [[], [], []]
    assert out[3] == [(10, 100), (11, 101), (10, 102), (11, 103)]
    assert out[4] == [(10, 104)]
    assert wave.active(1, 5.0) == 1
    assert wave.observe(1, 42, 100.0, 10, 999, 5, 4, 30) == []  # the wave ended


def test_one_member_repeating_is_not_a_wave() -> None:
    wave = SpamWave()
    assert all(wave.observe(1, 7, float(i), 10, i, 55, 3, 30) == [] for i in range(10))


def test_spam_wave_memory_is_bounded() -> None:
    wave = SpamWave(max_texts=10)
    for digest in range(1, 100):
        wave.observe(1, digest, 0.0, 1, digest, 1, 5, 30)
    assert len(wave._guilds[1]) == 10


def test_finished_waves_are_forgotten() -> None:
    wave = SpamWave(max_texts=5)
    for digest in range(1, 50):
        for author in range(3):
            wave.observe(1, digest, float(digest * 100 + author), 1, author, author, 3, 30)
    assert len(wave._waves) <= 5
