"""Storage that stops or stalls mid-conversation: bounded failures, nothing lost.

Each test runs its own server, so stopping it disturbs no other test. A
stall is the server process frozen with SIGSTOP (connections open, no
answers); a stop is the process ended, so connections are refused.
"""

import asyncio
import os
import signal

import pytest

from shared.bot_application import BotApplication
from shared.settings import Settings
from shared.storage import create_state_stores
from shared.lifecycle.sweep import sweep
from tests.sweeping import deleting_rules
from shared.turn_errors import APOLOGY
from tests.chat_driver import ChatDriver, ShiftedClock, message
from tests.servers import start_azurite, start_cosmos

EXPIRE = 60
TIMEOUT = 2
BOUND = 30  # far above TIMEOUT: only a turn that hangs would reach it


def settings_for(kind, server) -> Settings:
    common = dict(expire_after_seconds=EXPIRE, state_storage=kind, storage_timeout_seconds=TIMEOUT)
    if kind == "blob":
        return Settings(**common, blob_connection_string=server.connection_string)
    return Settings(
        **common,
        cosmos_db_endpoint=server.url,
        cosmos_db_auth_key=server.key,
        cosmos_db_verify_tls=False,
        cosmos_db_database_id="outage",
        cosmos_db_conversation_state_container_id="conversation-state",
        cosmos_db_user_state_container_id="user-state",
        cosmos_db_time_to_live=3600,
    )


@pytest.fixture(params=["blob", "cosmos"])
def own_server(request, tmp_path):
    kind = request.param
    server = start_azurite(location=tmp_path) if kind == "blob" else start_cosmos()
    yield kind, server
    if server.process.poll() is None:
        os.kill(server.process.pid, signal.SIGCONT)
    server.stop()


def texts(result):
    return [activity["text"] for activity in (result.body or {}).get("activities", [])]


async def test_a_stalled_server_fails_turns_and_sweeps_in_bounded_time_and_nothing_is_lost(own_server):
    kind, server = own_server
    stores = create_state_stores(settings_for(kind, server))
    clock = ShiftedClock()
    chat = ChatDriver(BotApplication(settings_for(kind, server), stores, clock), "outage")
    stale = ChatDriver(chat.app, "stale-before-outage")
    await stale.say("hi")
    clock.advance(EXPIRE)
    await chat.say("hi")
    await chat.say("Car")

    os.kill(server.process.pid, signal.SIGSTOP)
    try:
        during = await asyncio.wait_for(chat.post(message("Ada", "outage")), BOUND)
        swept_during = await asyncio.wait_for(
            sweep(stores.conversation, deleting_rules(EXPIRE), 100, clock, step_timeout_seconds=TIMEOUT), BOUND
        )
    finally:
        os.kill(server.process.pid, signal.SIGCONT)

    assert during.status == 503
    assert texts(during) == [APOLOGY]
    assert (swept_during.errors, swept_during.expired) == (1, 0)
    # The failed turn left the conversation where the last good turn put it.
    assert await chat.say("Ada") == ["Thanks Ada", "Would you like to give your age? (1) Yes or (2) No"]
    swept_after = await sweep(stores.conversation, deleting_rules(EXPIRE), 100, clock)
    assert (swept_after.errors, swept_after.expired) == (0, 1)
    assert list(await stores.conversation.read(["test/conversations/stale-before-outage"])) == []
    await stores.aclose()


async def test_azurite_stopped_and_restarted_mid_conversation(tmp_path):
    server = start_azurite(location=tmp_path)
    settings = settings_for("blob", server)
    stores = create_state_stores(settings)
    chat = ChatDriver(BotApplication(settings, stores, ShiftedClock()), "restart")
    try:
        await chat.say("hi")
        await chat.say("Bus")
        server.stop()
        during = await asyncio.wait_for(chat.post(message("Ada", "restart")), BOUND)
        assert during.status == 503
        assert texts(during) == [APOLOGY]
        server = start_azurite(port=server.port, location=tmp_path)
        assert await chat.say("Ada") == ["Thanks Ada", "Would you like to give your age? (1) Yes or (2) No"]
    finally:
        await stores.aclose()
        server.stop()
