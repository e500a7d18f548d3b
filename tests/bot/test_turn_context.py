"""What a turn sends is a copy, as botbuilder's own TurnContext makes it."""

from copy import deepcopy

import pytest
from botbuilder.core import TurnContext
from botbuilder.core.adapters import TestAdapter
from botbuilder.dialogs.choices import Choice, ChoiceFactory
from botbuilder.schema import Activity, ActivityTypes, ChannelAccount, ConversationAccount

from shared.schema_json import copy_model, model_to_json
from shared.turn_context import FunctionsTurnContext


class BotsOwnValue:
    def __init__(self, items):
        self.items = items

    def __eq__(self, other):
        return isinstance(other, BotsOwnValue) and other.items == self.items


def prompt() -> Activity:
    activity = ChoiceFactory.for_channel("emulator", [Choice("Car"), Choice("Bus")], "How?")
    activity.id = "set-by-the-bot"
    activity.value = {"mine": BotsOwnValue([1, 2])}
    return activity


def incoming(delivery_mode=None) -> Activity:
    return Activity(
        type=ActivityTypes.message,
        text="hi",
        channel_id="test",
        service_url="http://127.0.0.1:9/",
        conversation=ConversationAccount(id="c1"),
        from_property=ChannelAccount(id="u1"),
        recipient=ChannelAccount(id="bot"),
        delivery_mode=delivery_mode,
    )


def test_a_copy_is_deepcopys_equal_and_shares_nothing_mutable():
    original = prompt()
    copied = copy_model(original)
    assert model_to_json(copied) == model_to_json(deepcopy(original))
    assert copied.value == original.value
    copied.suggested_actions.actions[0].title = "changed"
    copied.value["mine"].items.append(3)
    assert original.suggested_actions.actions[0].title == "Car"
    assert original.value["mine"].items == [1, 2]


@pytest.mark.parametrize("delivery_mode", [None, "expectReplies"])
async def test_what_is_sent_matches_botbuilders_context_and_leaves_the_bots_activity_alone(
    delivery_mode,
):
    sent = {}
    for context_class in (TurnContext, FunctionsTurnContext):
        adapter = TestAdapter()
        context = context_class(adapter, incoming(delivery_mode))
        original = prompt()
        await context.send_activity(original)
        assert original.id == "set-by-the-bot" and original.conversation is None
        original.suggested_actions.actions[0].title = "changed after sending"
        replies = context.buffered_reply_activities if delivery_mode else list(adapter.activity_buffer)
        assert context.responded
        sent[context_class] = [model_to_json(reply) for reply in replies]
    assert sent[FunctionsTurnContext] == sent[TurnContext]
    assert sent[TurnContext][0]["suggestedActions"]["actions"][0]["title"] == "Car"
