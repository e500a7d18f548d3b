"""A user who joins is greeted and asked the first question, once."""

from shared.expiring_bot import GREETING
from tests.chat_driver import message

TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"


def joined(*member_ids: str) -> dict:
    """A conversationUpdate as channels send it when members join."""
    return message(
        None, type="conversationUpdate", membersAdded=[{"id": member} for member in member_ids]
    )


async def texts(chat, activity):
    result = await chat.post(activity)
    assert result.status == 200, result
    return [reply.get("text") for reply in result.body["activities"]]


async def test_a_user_who_joins_is_greeted_and_asked_the_first_question(chat):
    assert await texts(chat, joined("bot", "user-1")) == [GREETING, TRANSPORT_PROMPT]


async def test_only_the_bot_joining_gets_nothing(chat, stores):
    assert await texts(chat, joined("bot")) == []
    assert await stores.conversation.read(["test/conversations/conversation-1"]) == {}


async def test_a_user_who_then_types_is_not_asked_twice(chat):
    await texts(chat, joined("user-1"))
    assert await chat.say("Car") == ["Please enter your name."]


async def test_joining_again_mid_dialog_does_not_restart_it(chat):
    await chat.say("hi")
    await chat.say("Car")
    assert await texts(chat, joined("user-1")) == []
    assert await chat.say("Ada") == ["Thanks Ada", "Would you like to give your age? (1) Yes or (2) No"]
