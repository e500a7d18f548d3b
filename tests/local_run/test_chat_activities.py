"""The chat sends Emulator-like expectReplies messages and prints replies readably."""

import base64

from local_run.chat_activities import Conversation, image_attachment, message_activity, render_reply

CONVERSATION = Conversation("ada", "c-1", "http://localhost:7071")


def test_a_message_asks_for_replies_in_the_response():
    activity = message_activity(CONVERSATION, "hi")

    assert activity["type"] == "message"
    assert activity["deliveryMode"] == "expectReplies"
    assert activity["channelId"] == "emulator"
    assert activity["serviceUrl"] == "http://localhost:7071"
    assert activity["from"]["id"] == "ada"
    assert activity["recipient"]["id"] == "bot"
    assert activity["conversation"] == {"id": "c-1"}
    assert activity["text"] == "hi"
    assert activity["timestamp"].endswith("Z")
    assert activity["id"] != message_activity(CONVERSATION, "hi")["id"]


def test_a_message_with_only_an_attachment_has_no_text():
    attachment = {"contentType": "image/png", "contentUrl": "data:image/png;base64,"}

    activity = message_activity(CONVERSATION, None, [attachment])

    assert "text" not in activity
    assert activity["attachments"] == [attachment]


def test_a_picture_becomes_an_inline_attachment_typed_by_extension(tmp_path):
    picture = tmp_path / "me.jpg"
    picture.write_bytes(b"\xff\xd8jpeg")

    attachment = image_attachment(picture)

    assert attachment["contentType"] == "image/jpeg"
    assert attachment["name"] == "me.jpg"
    prefix = "data:image/jpeg;base64,"
    assert attachment["contentUrl"].startswith(prefix)
    assert base64.b64decode(attachment["contentUrl"][len(prefix) :]) == b"\xff\xd8jpeg"


def test_reply_text_and_suggested_actions_are_shown():
    reply = {
        "type": "message",
        "text": "Please enter your mode of transport.",
        "suggestedActions": {"actions": [{"title": "Car"}, {"title": "Bus", "value": "Bus"}]},
    }

    assert render_reply(reply) == ["Please enter your mode of transport.", "[Car]  [Bus]"]


def test_hero_cards_show_their_text_and_buttons():
    card = {
        "contentType": "application/vnd.microsoft.card.hero",
        "content": {"text": "Is this ok?", "buttons": [{"title": "Yes"}, {"value": "No"}]},
    }

    assert render_reply({"type": "message", "attachments": [card]}) == [
        "Is this ok?",
        "[Yes]  [No]",
    ]


def test_other_attachments_are_named():
    picture = {"contentType": "image/png", "contentUrl": "data:...", "name": "me.png"}

    assert render_reply({"type": "message", "attachments": [picture]}) == [
        "[attachment: image/png me.png]"
    ]


def test_traces_show_only_when_asked_and_typing_never():
    trace = {"type": "trace", "label": "TurnError", "value": "boom"}

    assert render_reply(trace) == []
    assert render_reply(trace, show_traces=True) == ["(trace) TurnError: boom"]
    assert render_reply({"type": "typing"}) == []
