"""Surveys end to end: posted from the config, answered through chained modals, once each."""

from __future__ import annotations

from cogs.feedback.surveys import clip

SURVEY = """\
feedback:
  surveys:
    launch:
      title: Launch survey
      description: Seven quick questions.
      questions:
        - {id: q1, type: rating, prompt: "Overall?"}
        - {id: q2, type: nps, prompt: "How likely are you to recommend our community to a friend or a colleague?"}
        - {id: q3, type: choice, prompt: "Favourite part", options: [Events, Help, News]}
        - {id: q4, type: text, prompt: "Why?", max_length: 500}
        - {id: q5, type: rating, prompt: "Moderation?"}
        - {id: q6, type: text, prompt: "Anything else?", required: false}
        - {id: q7, type: nps, prompt: "And our events?"}
"""
PAGE1 = {"q1": "4", "q2": "9", "q3": "2", "q4": "People are kind", "q5": "5"}
PAGE2 = {"q6": "", "q7": "10"}


async def _post_survey(world):
    await world.set_config(SURVEY)
    r = await world.manager.slash("survey send", in_channel="general", name="launch")
    said = await r.answer()
    [message] = [m for m in world.sb.messages(world.guild.channel("general")) if m.get("embeds")]
    assert said.ephemeral
    assert said.content.startswith(world.t("feedback.survey.sent", name="Launch survey", link=""))
    assert said.content.endswith(f"/{message['id']}")
    return message


def _inputs(modal):
    return [c["components"][0] for c in modal["components"]]


async def test_survey_chains_modals_and_stores_one_answer(world):
    message = await _post_survey(world)
    assert message["embeds"][0]["title"] == "Launch survey"
    alice = world.member("alice")
    start = await alice.click(message, world.t("feedback.survey.answer"))
    page1 = (await start.response()).modal
    assert page1["title"] == "Launch survey (1/2)"
    inputs = _inputs(page1)
    assert [i["custom_id"] for i in inputs] == ["q1", "q2", "q3", "q4", "q5"]
    assert all(len(i["label"]) <= 45 for i in inputs)
    # a wrong answer: explained, and the same page comes back
    wrong = await alice.submit_modal(start, {**PAGE1, "q2": "11"})
    reply = await wrong.response()
    prompt = "How likely are you to recommend our community to a friend or a colleague?"
    assert reply.ephemeral
    assert reply.content == world.t(
        "feedback.survey.bad_nps", question=clip(prompt, 60), low=0, high=10
    )
    retry = await alice.click(wrong, world.t("feedback.survey.retry"))
    assert (await retry.response()).modal["title"] == "Launch survey (1/2)"
    saved = await alice.submit_modal(retry, PAGE1)
    assert (await saved.response()).content == world.t(
        "feedback.survey.page_saved", page=1, total=2
    )
    cont = await alice.click(saved, world.t("feedback.survey.continue", page=2, total=2))
    page2 = (await cont.response()).modal
    assert page2["title"] == "Launch survey (2/2)"
    assert [i["custom_id"] for i in _inputs(page2)] == ["q6", "q7"]
    done = await alice.submit_modal(cont, PAGE2)
    assert (await done.response()).content == world.t(
        "feedback.survey.thanks", title="Launch survey"
    )
    store = world.bot.get_cog("feedback").store
    [response] = await store.all_responses(world.guild.id)
    assert response.answers == {
        "q1": 4,
        "q2": 9,
        "q3": "Help",
        "q4": "People are kind",
        "q5": 5,
        "q6": None,
        "q7": 10,
    }
    # each member answers once
    again = await alice.click(message, world.t("feedback.survey.answer"))
    assert (await again.response()).content == world.t("feedback.survey.already")
    # both NPS answers (9 and 10) are promoters: the analytics report shows an NPS of 100
    r = await world.manager.slash("stats summary", period="7d")
    fields = {
        f["name"]: f["value"] for f in (await r.followups(1, timeout=30))[0].embeds[0]["fields"]
    }
    assert "NPS: **100.0**" in fields["Community health"]


async def test_unknown_survey_and_members_cannot_send(world):
    await world.set_config(SURVEY)
    r = await world.manager.slash("survey send", name="nope")
    assert (await r.response()).content == world.t(
        "feedback.survey.unknown", name="nope", known="launch, satisfaction"
    )
    r = await world.member("alice").slash("survey send", name="launch")
    assert (await r.response()).content == world.t("errors.not_manager")
