"""INFO logs: one structured line per expiry, and no secrets or message text."""

import logging

from shared import worker
from shared.bot_application import BotApplication
from shared.settings import Settings
from shared.storage import StateStores, create_state_stores
from shared.storage.memory_store import MemoryStore
from shared.lifecycle.sweep import sweep
from tests.sweeping import deleting_rules
from tests.chat_driver import ChatDriver, FakeClock

SECRET_TEXT = "Zephyrine-Quillfeather"
CONVERSATION_ID = "conversation-8f3a77d1-secret"


async def test_a_conversation_expiring_both_ways_logs_no_text_and_one_line_each(caplog):
    clock = FakeClock()
    stores = StateStores(conversation=MemoryStore(), user=MemoryStore())
    chat = ChatDriver(BotApplication(Settings(expire_after_seconds=30), stores, clock), CONVERSATION_ID)
    with caplog.at_level(logging.INFO):
        for text in ["hi", "Car", SECRET_TEXT]:
            await chat.say(text)
        clock.advance(45)
        await chat.say(SECRET_TEXT)
        clock.advance(45)
        await sweep(stores.conversation, deleting_rules(30), 100, clock)

    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert SECRET_TEXT not in logged
    assert CONVERSATION_ID not in logged
    expiries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("conversation expired")]
    assert len(expiries) == 2
    assert "channel=test" in expiries[0] and "idle_seconds=45 mechanism=message" in expiries[0]
    assert "idle_seconds=45 mechanism=sweep" in expiries[1]
    assert expiries[0].split("conversation=")[1][:12] == expiries[1].split("conversation=")[1][:12]


async def test_settings_are_logged_without_credentials(caplog, monkeypatch):
    monkeypatch.setenv("MicrosoftAppId", "app-id-1")
    monkeypatch.setenv("MicrosoftAppPassword", "p@ssw0rd-never-logged")
    await worker.reset_worker()
    with caplog.at_level(logging.DEBUG):
        worker.get_settings()
    await worker.reset_worker()
    assert "authentication=on" in caplog.text
    assert "p@ssw0rd-never-logged" not in caplog.text


async def test_storage_requests_leave_no_ids_in_info_logs(settings_for_backend, caplog):
    # Azure SDKs log each request's URL at INFO, and state keys hold the ids.
    logging.getLogger("azure").setLevel(logging.NOTSET)
    stores = create_state_stores(settings_for_backend)
    try:
        chat = ChatDriver(BotApplication(settings_for_backend, stores, FakeClock()), CONVERSATION_ID)
        with caplog.at_level(logging.INFO):
            for text in ["hi", "Car", SECRET_TEXT, "no", "skip", "yes"]:
                await chat.say(text)
    finally:
        await stores.aclose()
    assert CONVERSATION_ID not in caplog.text
    assert "user-1" not in caplog.text
    assert SECRET_TEXT not in caplog.text
