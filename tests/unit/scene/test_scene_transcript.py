"""The scene's transcript: what members did (events) and what Vigie did (requests), in order."""

from __future__ import annotations

from bot.transcript import Transcript, describe_message

BOT = 1
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"


def make() -> Transcript:
    t = Transcript(bot_id=BOT, resolve_channel=lambda ident: "DM to alice" if ident == 99 else None)
    t.names[10] = "#general"
    t.users.update({2: "alice", 3: "maya"})
    t.roles[7] = "Blue"
    return t


def test_member_message_then_bot_reply_in_time_order():
    t = make()
    t.on_request(
        "POST",
        "/channels/{channel_id}/messages",
        {"content": "Welcome <@2>!"},
        200,
        {"channel_id": "10"},
        at=2.0,
    )
    t.on_event(
        "MESSAGE_CREATE",
        {
            "id": "50",
            "channel_id": "10",
            "content": "hi",
            "author": {"id": "2", "username": "alice"},
        },
        at=1.0,
    )
    assert t.render() == ["  alice in #general: hi", "  Vigie in #general: Welcome @alice!"]


def test_the_bots_own_messages_come_from_its_requests_only():
    t = make()
    t.on_event(
        "MESSAGE_CREATE",
        {
            "id": "51",
            "channel_id": "10",
            "content": "x",
            "author": {"id": str(BOT), "username": "Vigie", "bot": True},
        },
    )
    assert t.render() == []


def test_slash_with_user_option_and_ephemeral_reply_with_file_and_buttons():
    t = make()
    t.on_event(
        "INTERACTION_CREATE",
        {
            "type": 2,
            "member": {"user": {"id": "3", "username": "maya"}},
            "data": {
                "name": "privacy",
                "options": [
                    {
                        "type": 1,
                        "name": "forget",
                        "options": [{"type": 6, "name": "member", "value": "2"}],
                    }
                ],
                "resolved": {"users": {"2": {"id": "2", "username": "alice"}}},
            },
        },
        at=1.0,
    )
    t.on_request(
        "POST",
        CALLBACK,
        {
            "type": 4,
            "data": {
                "content": "Erase?",
                "flags": 64,
                "components": [
                    {
                        "type": 1,
                        "components": [
                            {"type": 2, "label": "Erase", "custom_id": "a"},
                            {"type": 2, "label": "Cancel", "custom_id": "b"},
                        ],
                    }
                ],
            },
        },
        200,
        {},
        files=[("vigie-2.json", b"{}")],
        at=2.0,
    )
    assert t.render() == [
        "  maya used /privacy forget member:@alice",
        "  Vigie replied (only they see it): Erase? [file: vigie-2.json] [Erase] [Cancel]",
    ]


def test_button_press_shows_its_label_and_modal_values_are_listed():
    t = make()
    message = {
        "components": [
            {"type": 1, "components": [{"type": 2, "label": "Apply", "custom_id": "vigie:x"}]}
        ]
    }
    t.on_event(
        "INTERACTION_CREATE",
        {
            "type": 3,
            "user": {"id": "3", "username": "maya"},
            "data": {"custom_id": "vigie:x"},
            "message": message,
        },
        at=1,
    )
    t.on_event(
        "INTERACTION_CREATE",
        {
            "type": 5,
            "user": {"id": "3", "username": "maya"},
            "data": {
                "custom_id": "m",
                "components": [{"type": 18, "component": {"custom_id": "text", "value": "hello"}}],
            },
        },
        at=2,
    )
    assert t.render() == ["  maya pressed [Apply]", "  maya submitted the form text='hello'"]


def test_moderation_actions_and_dm_channels_are_named():
    t = make()
    t.on_event(
        "MESSAGE_CREATE",
        {
            "id": "60",
            "channel_id": "10",
            "content": "spam",
            "author": {"id": "2", "username": "alice"},
        },
        at=1,
    )
    t.on_request(
        "DELETE",
        "/channels/{channel_id}/messages/{message_id}",
        None,
        204,
        {"channel_id": "10", "message_id": "60"},
        at=2,
        reason="spam",
    )
    t.on_request(
        "PATCH",
        "/guilds/{guild_id}/members/{user_id}",
        {"communication_disabled_until": "2026-01-01T00:10:00+00:00"},
        200,
        {"user_id": "2"},
        at=3,
    )
    t.on_request("PUT", "/guilds/{guild_id}/bans/{user_id}", None, 403, {"user_id": "2"}, at=4)
    t.on_request(
        "POST",
        "/channels/{channel_id}/messages",
        {"content": "You were warned"},
        200,
        {"channel_id": "99"},
        at=5,
    )
    t.on_request(
        "PATCH",
        "/guilds/{guild_id}/members/{user_id}",
        {"roles": ["7"]},
        200,
        {"user_id": "2"},
        at=6,
    )
    assert t.render() == [
        "  alice in #general: spam",
        "  Vigie deleted a message by alice in #general (reason: spam)",
        "  Vigie timed out alice until 2026-01-01T00:10:00+00:00",
        "  Vigie banned alice  -> refused by Discord (403)",
        "  Vigie in DM to alice: You were warned",
        "  Vigie set the roles of alice: Blue",
    ]


def test_narration_and_embeds():
    t = make()
    t.narrate("Act one")
    assert t.render()[0] == "\n== Act one"
    text = describe_message(
        {"embeds": [{"title": "Status", "fields": [{"name": "Uptime", "value": "1s"}]}]}
    )
    assert text == "[embed: Status] Uptime: 1s"
    assert describe_message({}) == "(empty)"


def test_a_follow_up_after_thinking_and_edits_that_only_remove_buttons():
    t = make()
    t.on_request("POST", CALLBACK, {"type": 5}, 200, {}, at=1.0)
    t.on_request(
        "POST",
        "/webhooks/{webhook_id}/{webhook_token}",
        {"content": "Level 3"},
        200,
        {},
        files=[("rank.png", b"")],
        at=2.0,
    )
    t.on_request(
        "GET", "/webhooks/{webhook_id}/{webhook_token}/messages/@original", None, 200, {}, at=2.5
    )
    t.on_request(
        "PATCH",
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original",
        {"components": []},
        200,
        {},
        at=3.0,
    )
    t.on_request(
        "PATCH",
        "/channels/{channel_id}/messages/{message_id}",
        {"components": []},
        200,
        {"channel_id": "10", "message_id": "5"},
        at=4.0,
    )
    assert t.render() == [
        "  Vigie answered (thinking…)",
        "  Vigie followed up: Level 3 [file: rank.png]",
        "  Vigie removed the buttons of its reply",
        "  Vigie removed the buttons of a message in #general",
    ]
