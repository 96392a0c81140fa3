"""The monthly report follows the server's timezone: a manager's change moves the pending timer
once, a restart leaves it where it is, and a timer firing before its month began waits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cogs.analytics.periods import month_period, next_month_start, parse_month
from tests.e2e.test_analytics_e2e import MONTHLY, _wait_for_timer


async def _set_timezone(world, name: str) -> None:
    r = await world.manager.slash("config set", key="timezone", value=name)
    reply = await r.response(timeout=5)
    # A fresh world has no stored config: this is its first version.
    assert reply.content == world.t("admin.set_done", setting="timezone", value=name, version=1)
    assert world.bot.configs.get(world.guild.id).timezone == name


def _start_in(zone: ZoneInfo, key: str) -> datetime:
    return month_period(*parse_month(key), zone).start


async def test_a_timezone_change_moves_the_pending_monthly_timer_once(world):
    now = datetime.now(UTC)
    (armed,) = await _wait_for_timer(world, MONTHLY, lambda t: t.due_at > now)
    assert armed.due_at == next_month_start(now, ZoneInfo("UTC"))
    # Auckland's 1st comes 13 hours before UTC's; in those last hours of a month it has
    # already come, and the report would rightly fire at once: take a zone behind UTC then.
    name = "Pacific/Auckland"
    if _start_in(ZoneInfo(name), armed.key) <= now + timedelta(minutes=5):
        name = "Pacific/Honolulu"
    zone = ZoneInfo(name)
    expected = _start_in(zone, armed.key)

    await _set_timezone(world, name)
    (moved,) = await _wait_for_timer(world, MONTHLY, lambda t: t.due_at == expected, count=1)
    local = moved.due_at.astimezone(zone)
    assert (local.day, local.hour, local.minute) == (1, 0, 0)
    assert moved.key == armed.key and moved.due_at != armed.due_at

    # Asked again (another config change, the next start): nothing moves a second time.
    await world.bot.get_cog("analytics").schedules.ensure(world.guild.id)
    assert await world.bot.timers.pending(world.guild.id, MONTHLY) == [moved]
    await world.restart()
    await world.bot.get_cog("analytics").schedules.ensure(world.guild.id)
    assert await world.bot.timers.pending(world.guild.id, MONTHLY) == [moved]


async def test_a_monthly_timer_firing_before_its_month_began_here_waits_for_it(world):
    zone = ZoneInfo("Pacific/Honolulu")  # behind UTC: its 1st is always still to come
    await _set_timezone(world, "Pacific/Honolulu")
    (armed,) = await _wait_for_timer(
        world, MONTHLY, lambda t: t.due_at == _start_in(zone, t.key), count=1
    )
    # The row still carries the UTC midnight (the zone changed while the bot was down) and
    # fires there, ten hours before the month begins in Honolulu: the scheduler's call.
    utc_midnight = _start_in(ZoneInfo("UTC"), armed.key)
    early_id = await world.bot.timers.schedule(world.guild.id, MONTHLY, utc_midnight, key=armed.key)
    early = await world.bot.timers.get(early_id)
    await world.bot.get_cog("analytics").schedules.monthly_due(early)
    (waiting,) = await world.bot.timers.pending(world.guild.id, MONTHLY)
    assert waiting.due_at == armed.due_at and waiting.key == armed.key
    # No report of a month that has not ended here yet.
    assert [m for m in world.sb.messages("#reports") if m.get("embeds")] == []
