"""A bot on memory stores with a controllable clock."""

import pytest

from shared.bot_application import BotApplication
from shared.settings import Settings
from shared.storage import StateStores
from shared.storage.memory_store import MemoryStore
from tests.chat_driver import ChatDriver, FakeClock

EXPIRE_AFTER_SECONDS = 30


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def stores():
    return StateStores(conversation=MemoryStore(), user=MemoryStore())


@pytest.fixture
def app(stores, clock):
    return BotApplication(Settings(expire_after_seconds=EXPIRE_AFTER_SECONDS), stores, clock)


@pytest.fixture
def chat(app):
    return ChatDriver(app)
