"""Long text: refused before any recognizer runs, and recognizers never stall the worker."""

import asyncio
import time

from shared.bot_application import BotApplication
from shared.settings import Settings
from tests.chat_driver import ChatDriver

KEY = "test/conversations/conversation-1"
TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
NUMBER_WORDS = "one hundred and "  # what makes the number and choice recognizers slow


def number_words(length: int) -> str:
    return (NUMBER_WORDS * (length // len(NUMBER_WORDS) + 1))[:length]


async def test_text_over_the_limit_gets_a_short_reply_and_changes_nothing(app, chat, stores):
    await chat.say("hi")
    before = (await stores.conversation.read([KEY]))[KEY]["e_tag"]
    other = ChatDriver(app, "other")
    started = time.perf_counter()
    refusals = [chat.say(number_words(size)) for size in (16 * 1024, 64 * 1024)]
    *answers, other_answer = await asyncio.gather(*refusals, other.say("hi"))
    assert time.perf_counter() - started < 1.0
    assert answers == [
        [f"That message is too long for me ({size} characters). "
         "Please keep it to 500 characters or fewer."]
        for size in (16 * 1024, 64 * 1024)
    ]
    assert other_answer == [TRANSPORT_PROMPT]
    assert (await stores.conversation.read([KEY]))[KEY]["e_tag"] == before  # nothing written
    assert await chat.say("Car") == ["Please enter your name."]


async def test_a_long_answer_being_recognized_does_not_hold_up_another_user(stores, clock):
    # A limit far above the default, so the recognizer gets text that costs it seconds.
    app = BotApplication(Settings(expire_after_seconds=30, max_text_length=2000), stores, clock)
    slow, other = ChatDriver(app, "slow"), ChatDriver(app, "other")
    await slow.say("hi")
    await other.say("hi")

    started = time.perf_counter()
    long_answer = asyncio.create_task(slow.say(number_words(2000)))
    assert await other.say("Car") == ["Please enter your name."]
    other_took = time.perf_counter() - started

    assert other_took < 1.0
    assert await long_answer  # answered too, whatever the recognizer made of it
