"""Discord's 3-second answer window: staff commands that DM a member or post a message answer
Discord first (a deferred, ephemeral "thinking") and report how the slow part went after.

The window is shortened to 0.5 s and the slow part (opening the DM channel, posting) is made to
take 1 s, slowed or rate limited by the sandbox: an answer that waited for it would expire
(Discord's 10062 "Unknown interaction").
"""

from __future__ import annotations

SUGGESTIONS = "feedback:\n  channels:\n    suggestions: feedback\n"
OPEN_DM = "POST /users/@me/channels"
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
DEADLINE = 0.5


def _shorten_window(world, monkeypatch) -> None:
    monkeypatch.setattr(world.sb, "interaction_deadline", DEADLINE)


async def _deferred_then_said(world, record):
    """The first answer is an ephemeral defer that Discord accepted; then what staff read."""
    first = await record.response()
    assert (first.type, first.ephemeral) == (5, True)
    [callback] = [q for q in record.requests if q.route == CALLBACK]
    assert callback.status == 200, record.describe()  # in time: not 404 10062
    [said] = await record.followups(1)
    assert said.ephemeral
    return callback, said


def _completed_after(world, first, route: str, user_id: int):
    """Requests to ``route`` for ``user_id``'s DM completed after ``first`` (recording order)."""
    method, template = route.split(" ", 1)
    later = world.sb.requests[world.sb.requests.index(first) + 1 :]
    return [
        q
        for q in later
        if q.method == method
        and q.route == template
        and str((q.json or {}).get("recipient_id")) == str(user_id)
    ]


async def _suggestion(world, author) -> None:
    await world.set_config(SUGGESTIONS)
    await (await author.slash("suggest", idea="Board game evenings")).answer()


async def test_status_answers_before_a_slow_dm_to_the_author(world, monkeypatch):
    alice = world.member("alice")
    await _suggestion(world, alice)
    _shorten_window(world, monkeypatch)
    world.sb.faults.slow(OPEN_DM, seconds=1.0, times=1)
    r = await world.moderator.slash(
        "suggestions status", suggestion=1, status="approved", reason="Fridays"
    )
    callback, said = await _deferred_then_said(world, r)
    assert said.content == world.t(
        "feedback.suggest.status_set", id=1, status=world.t("feedback.status.approved")
    )
    # the DM channel was opened (slowly) only after Discord had its answer, and the DM arrived
    assert _completed_after(world, callback, OPEN_DM, alice.id)
    [dm] = world.sb.dms(alice.user)
    assert "Fridays" in dm["content"]


async def test_reply_answers_before_a_rate_limited_dm(world, monkeypatch):
    alice = world.member("alice")
    r = await alice.slash("feedback")
    await r.response()
    await (await alice.submit_modal(r, {"category": "1", "rating": "4", "text": "Nice"})).answer()
    _shorten_window(world, monkeypatch)
    # Discord answers 429: discord.py waits a second and tries again
    world.sb.faults.rate_limit(OPEN_DM, times=1, retry_after=1.0)
    r = await world.moderator.slash("feedback-admin reply", entry=1, text="Thank you!")
    callback, said = await _deferred_then_said(world, r)
    assert said.content == world.t("feedback.reply.sent", id=1)
    opened = _completed_after(world, callback, OPEN_DM, alice.id)
    assert [q.status for q in opened] == [429, 200]
    assert "Thank you!" in world.sb.dms(alice.user)[0]["content"]
    replies = await world.bot.get_cog("feedback").store.replies_to(world.guild.id, [1])
    assert [(x.text, x.delivered) for x in replies[1]] == [("Thank you!", True)]


async def test_closed_dms_give_staff_one_clear_note_and_lose_nothing(world, monkeypatch):
    alice = world.member("alice")
    await _suggestion(world, alice)
    alice.close_dms()
    _shorten_window(world, monkeypatch)
    world.sb.faults.slow(OPEN_DM, seconds=1.0, times=1)
    r = await world.moderator.slash(
        "suggestions status", suggestion=1, status="denied", reason="Not this year"
    )
    _, said = await _deferred_then_said(world, r)
    assert said.content.splitlines() == [
        world.t("feedback.suggest.status_set", id=1, status=world.t("feedback.status.denied")),
        world.t("feedback.suggest.author_not_told"),
    ]
    assert len(r.requests) == 2  # the defer and that one follow-up, nothing else to staff
    s = await world.bot.get_cog("feedback").store.get_suggestion(world.guild.id, 1)
    assert (s.status, s.reason) == ("denied", "Not this year")
    assert world.sb.dms(alice.user) == []


async def test_reply_to_closed_dms_is_kept_in_french(world, monkeypatch):
    await world.set_config("locale: fr\n")
    alice = world.member("alice")
    r = await alice.slash("feedback")
    await r.response()
    await (await alice.submit_modal(r, {"category": "1", "rating": "2", "text": "Bof"})).answer()
    alice.close_dms()
    _shorten_window(world, monkeypatch)
    world.sb.faults.slow(OPEN_DM, seconds=1.0, times=1)
    r = await world.moderator.slash("feedback-admin reply", entry=1, text="On s'en occupe.")
    _, said = await _deferred_then_said(world, r)
    assert said.content == world.t("feedback.reply.kept", locale="fr", id=1)
    replies = await world.bot.get_cog("feedback").store.replies_to(world.guild.id, [1])
    assert [(x.text, x.delivered) for x in replies[1]] == [("On s'en occupe.", False)]
    mine = await (await alice.slash("my-feedback")).answer()
    assert "On s'en occupe." in mine.content


async def test_survey_send_answers_before_a_slow_post(world, monkeypatch):
    await world.set_config(
        "feedback:\n  surveys:\n    pulse:\n      title: Pulse\n      questions:\n"
        "        - {id: q1, type: rating, prompt: How are we doing?}\n"
    )
    _shorten_window(world, monkeypatch)
    world.sb.faults.slow("POST /channels/{channel_id}/messages", seconds=1.0, times=1)
    r = await world.manager.slash("survey send", in_channel="general", name="pulse")
    _, said = await _deferred_then_said(world, r)
    [posted] = [m for m in world.sb.messages(world.guild.channel("general")) if m.get("embeds")]
    assert said.content == world.t(
        "feedback.survey.sent",
        name="Pulse",
        link=f"https://discord.com/channels/{world.guild.id}/{posted['channel_id']}/{posted['id']}",
    )
