"""The local host answers the Bot Connector calls a bot makes, and keeps them for the chat."""

import asyncio
import logging

import aiohttp
import pytest
from botbuilder.schema import Activity, ChannelAccount, ConversationAccount
from botframework.connector.aio import ConnectorClient
from botframework.connector.auth import MicrosoftAppCredentials

from local_run import connector as connector_module
from local_run.host import start_host
from tests.local_run.function_folders import HTTP_BINDINGS, write_function

ECHO = """
    import azure.functions as func

    async def main(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.get_body())
"""

CONVERSATION = "local-abc:def/ghi"  # needs escaping in a URL path, as channel ids often do


@pytest.fixture
async def host(app_root):
    write_function(app_root, "echo_function", HTTP_BINDINGS, ECHO)
    running = await start_host(app_root)
    yield running
    await running.stop()


def bot_message(text: str, conversation_id: str = CONVERSATION) -> Activity:
    return Activity(
        type="message",
        text=text,
        conversation=ConversationAccount(id=conversation_id),
        from_property=ChannelAccount(id="bot", name="Bot"),
        recipient=ChannelAccount(id="user", name="user"),
    )


class connector_client:
    """botframework-connector's own client, anonymous as the local bot is."""

    def __init__(self, service_url: str):
        self.client = ConnectorClient(MicrosoftAppCredentials(None, None), base_url=service_url)

    async def __aenter__(self) -> ConnectorClient:
        return self.client

    async def __aexit__(self, *exc_info) -> None:
        await self.client.__aexit__(*exc_info)


async def poll(host, conversation_id: str, after: int = 0, wait: float = 0) -> dict:
    url = f"{host.url}/v3/conversations/{conversation_id.replace('/', '%2F')}/activities"
    async with aiohttp.ClientSession() as session:
        async with session.get(url, params={"after": after, "wait": wait}) as response:
            assert response.status == 200
            return await response.json()


@pytest.mark.asyncio
async def test_a_bot_can_send_and_reply_to_a_local_conversation(host, caplog):
    caplog.set_level(logging.INFO, logger="local_run.connector")
    async with connector_client(host.url) as client:
        sent = await client.conversations.send_to_conversation(
            CONVERSATION, bot_message("Your conversation timed out.")
        )
        replied = await client.conversations.reply_to_activity(
            CONVERSATION,
            "activity-7",
            bot_message("still there?"),
            custom_headers={"Authorization": "Bearer not-checked-locally"},
        )

    assert sent.id and replied.id and sent.id != replied.id
    received = (await poll(host, CONVERSATION))["activities"]
    assert [(a["text"], a["id"], a.get("replyToId")) for a in received] == [
        ("Your conversation timed out.", sent.id, None),
        ("still there?", replied.id, "activity-7"),
    ]
    lines = [r.getMessage() for r in caplog.records if r.name == "local_run.connector"]
    assert len(lines) == 2 and all("a message activity for conversation" in x for x in lines)
    assert not any("timed out" in line or "still there" in line or CONVERSATION in line for line in lines)


@pytest.mark.asyncio
async def test_the_routes_are_listed_at_start_up(host):
    lines = host.describe()

    assert f"    POST {host.url}/v3/conversations/{{conversationId}}/activities" in lines
    assert f"    POST {host.url}/v3/conversations/{{conversationId}}/activities/{{activityId}}" in lines


@pytest.mark.asyncio
async def test_a_poll_waits_for_the_next_activity_and_then_moves_on(host):
    first = await poll(host, CONVERSATION)
    assert first == {"activities": [], "next": 0}

    waiting = asyncio.create_task(poll(host, CONVERSATION, after=first["next"], wait=10))
    await asyncio.sleep(0.2)
    assert not waiting.done()
    async with connector_client(host.url) as client:
        await client.conversations.send_to_conversation("someone-else", bot_message("not yours"))
        await asyncio.sleep(0.2)
        assert not waiting.done()
        await client.conversations.send_to_conversation(CONVERSATION, bot_message("warning"))
    arrived = await asyncio.wait_for(waiting, 5)

    assert [a["text"] for a in arrived["activities"]] == ["warning"]
    assert await poll(host, CONVERSATION, after=arrived["next"]) == {
        "activities": [],
        "next": arrived["next"],
    }


@pytest.mark.asyncio
async def test_a_poll_numbered_by_an_earlier_host_gets_what_arrives_now(host):
    """The chat outlives a restarted host; it must not wait for numbers that will never come."""
    async with connector_client(host.url) as client:
        await client.conversations.send_to_conversation(CONVERSATION, bot_message("after restart"))

    received = await poll(host, CONVERSATION, after=41)

    assert [a["text"] for a in received["activities"]] == ["after restart"]


@pytest.mark.asyncio
async def test_a_waiting_poll_does_not_hold_up_stopping_the_host(host):
    waiting = asyncio.create_task(poll(host, CONVERSATION, wait=30))
    await asyncio.sleep(0.2)

    loop = asyncio.get_running_loop()
    started = loop.time()
    await host.stop()

    assert loop.time() - started < 5
    assert (await asyncio.wait_for(waiting, 5))["activities"] == []


@pytest.mark.asyncio
async def test_memory_stays_bounded(host, monkeypatch):
    monkeypatch.setattr(connector_module, "MAX_CONVERSATIONS", 2)
    for number in range(connector_module.MAX_ACTIVITIES_PER_CONVERSATION + 5):
        host.connector.add("busy", {"type": "message", "text": f"n{number}"})
    host.connector.add("second", {"type": "message", "text": "kept"})
    host.connector.add("third", {"type": "message", "text": "kept too"})

    busy = host.connector.received("busy")
    assert busy == []  # the least recently used conversation was forgotten
    assert [a["text"] for a in host.connector.received("third")] == ["kept too"]
    for number in range(connector_module.MAX_ACTIVITIES_PER_CONVERSATION + 5):
        host.connector.add("third", {"type": "message", "text": f"n{number}"})
    kept = host.connector.received("third")
    assert len(kept) == connector_module.MAX_ACTIVITIES_PER_CONVERSATION
    assert kept[0]["text"] == "n5" and kept[-1]["text"] == "n104"


@pytest.mark.asyncio
@pytest.mark.parametrize("body", [b"not json", b"[1, 2]"])
async def test_a_body_that_is_not_an_activity_is_refused(host, body):
    url = f"{host.url}/v3/conversations/{CONVERSATION.replace('/', '%2F')}/activities"
    async with aiohttp.ClientSession() as session:
        async with session.post(url, data=body, headers={"Content-Type": "application/json"}) as r:
            assert r.status == 400

    assert host.connector.received(CONVERSATION) == []
