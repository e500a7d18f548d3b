"""A turn that fails: the user gets an apology, the channel an error status."""

import json

from shared.bot_application import BotApplication
from shared.settings import Settings
from shared.storage import StorageUnavailable
from shared.storage.memory_store import MemoryStore
from shared.turn_errors import APOLOGY
from tests.chat_driver import ChatDriver, message


class DownStore(MemoryStore):
    """A store whose service cannot be reached."""

    def __init__(self):
        super().__init__()
        self.down = False

    async def read(self, keys):
        if self.down:
            raise StorageUnavailable("storage could not be reached")
        return await super().read(keys)

    async def write(self, changes):
        if self.down:
            raise StorageUnavailable("storage could not be reached")
        return await super().write(changes)


async def test_a_storage_outage_gets_503_with_an_apology_and_the_conversation_resumes(app, chat):
    store = DownStore()
    app.conversation_state._storage = store  # pylint: disable=protected-access
    await chat.say("hi")
    store.down = True
    result = await chat.post(message("Car"))
    assert result.status == 503
    assert [a["text"] for a in result.body["activities"]] == [APOLOGY]
    store.down = False
    assert await chat.say("Car") == ["Please enter your name."]


async def test_a_bug_in_a_turn_gets_500_with_an_apology_and_a_trace_for_the_emulator(app, chat):
    async def broken_turn(turn_context):
        raise RuntimeError("a bug")

    app.bot.on_message_activity = broken_turn
    result = await chat.post(message("hi", channelId="emulator"))
    assert result.status == 500
    replies = result.body["activities"]
    assert replies[0]["text"] == APOLOGY
    assert replies[1]["type"] == "trace" and "a bug" in replies[1]["value"]


async def test_in_azure_the_error_trace_is_never_sent(stores, clock):
    # Anyone can claim channelId "emulator"; exception text stays with the logs.
    settings = Settings(
        expire_after_seconds=30, running_in_azure=True, allowed_service_urls=("http://127.0.0.1:9/",)
    )
    app = BotApplication(settings, stores, clock)

    async def broken_turn(turn_context):
        raise RuntimeError("internal detail")

    app.bot.on_message_activity = broken_turn
    result = await ChatDriver(app).post(message("hi", channelId="emulator"))
    assert result.status == 500
    assert [a["type"] for a in result.body["activities"]] == ["message"]
    assert "internal detail" not in json.dumps(result.body)
