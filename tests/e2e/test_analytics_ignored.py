"""``analytics.ignored_channels`` leaves a channel's messages out of the counts, forums too: a
forum's posts are threads under it, named by the forum's id or its name."""

from __future__ import annotations

from datetime import UTC, datetime

from sandbox.models import ChannelType
from tests.e2e.test_analytics_e2e import _stats_export


async def _forum_with_a_post(world, name: str, author) -> int:
    """A forum channel ``name`` with one post (a thread) the bot has seen; the post's id."""
    # discord.py's wait_for registers at once, before the channel exists: no event is missed.
    seen = world.bot.wait_for(
        "thread_create", check=lambda thread: thread.parent.name == name, timeout=5
    )
    forum = world.sb.world.create_channel(world.guild, name, type_=ChannelType.FORUM)
    post = world.sb.world.create_thread(forum, f"first post in {name}", owner=author.user)
    await seen
    return post.id


async def test_forum_posts_are_left_out_when_the_forum_is_ignored_by_id_or_name(world):
    alice = world.member("alice")
    by_id = await _forum_with_a_post(world, "ideas", alice)
    by_name = await _forum_with_a_post(world, "bugs", alice)
    ideas = world.bot.get_channel(by_id).parent_id
    await world.set_config(f"analytics:\n  ignored_channels: [{ideas}, '#Bugs']\n")

    await alice.say(by_id, "an idea")
    await alice.say(by_name, "a bug")
    await alice.say("#general", "counted")

    _, rows = await _stats_export(world)
    today = datetime.now(UTC).date().isoformat()
    by_day = {row[0]: row for row in rows[1:]}
    assert by_day[today][3] == "1"  # messages: only #general's
