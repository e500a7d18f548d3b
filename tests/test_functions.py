"""Both functions called the way the Functions host calls them."""

import json

import azure.functions as func
from azure.functions.timer import TimerRequest
import pytest
from aiohttp import web

import messages_function
import sweeper_function
from shared import worker
from tests.chat_driver import message
from tests.sweeping import aged

pytestmark = pytest.mark.usefixtures("fresh_worker")


def http_request(body, content_type="application/json", method="POST", headers=None):
    if isinstance(body, dict):
        body = json.dumps(body).encode("utf-8")
    return func.HttpRequest(
        method,
        "http://localhost:7071/api/messages",
        headers={"Content-Type": content_type, **(headers or {})},
        params={},
        route_params={},
        body=body,
    )


async def stored_conversation_keys():
    store = worker.get_state_stores().conversation
    return [record.key async for record in store.find_due(float("inf"), float("inf"))]


async def test_expect_replies_answers_200_with_the_replies():
    response = await messages_function.main(http_request(message("hi")))
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    texts = [a["text"] for a in json.loads(response.get_body())["activities"]]
    assert texts == ["Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"]


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "", "application/json; charset=latin-1"]
)
async def test_a_body_that_is_not_json_gets_415_and_stores_nothing(content_type):
    response = await messages_function.main(http_request(message("hi"), content_type))
    assert response.status_code == 415
    assert "application/json" in json.loads(response.get_body())["error"]["message"]
    assert await stored_conversation_keys() == []


def nested(levels: int) -> list:
    """JSON ``levels`` lists deep."""
    value: list = []
    for _ in range(levels - 1):
        value = [value]
    return value


@pytest.mark.parametrize(
    "body, problem",
    [
        (b"{not json", "not valid JSON"),
        (b"", "empty"),
        (b"[1, 2]", "JSON object"),
        (json.dumps({**message("hi"), "type": None}).encode(), "no type"),
        (json.dumps({k: v for k, v in message("hi").items() if k != "conversation"}).encode(), "no conversation"),
        (json.dumps({**message("hi"), "text": 5}).encode(), "text must be a string"),
        (b"\xff\xfe{}", "UTF-8"),
        (json.dumps(message("hi", **{"from": {"id": "\ud800"}})).encode(), "not valid Unicode"),
        (json.dumps(message("hi", conversation_id="x\udc00")).encode(), "not valid Unicode"),
        (json.dumps(message("\ud83d")).encode(), "not valid Unicode"),
        (json.dumps({**message("hi"), "value": {"\udfff": 1}}).encode(), "not valid Unicode"),
        (json.dumps({**message("hi"), "value": nested(64)}).encode(), "nested more than 64 levels"),
        (json.dumps(message("hi", channelId="test/conversations/other")).encode(), "channelId"),
        (json.dumps(message("hi", channelId="web chat")).encode(), "channelId"),
    ],
)
async def test_a_malformed_request_gets_400_naming_the_problem(body, problem):
    response = await messages_function.main(http_request(body))
    assert response.status_code == 400
    assert problem in json.loads(response.get_body())["error"]["message"]
    assert await stored_conversation_keys() == []


async def test_an_activity_nested_64_levels_deep_is_answered():
    response = await messages_function.main(http_request({**message("hi"), "value": nested(63)}))
    assert response.status_code == 200


async def test_a_body_over_the_limit_gets_413():
    huge = message("x" * (300 * 1024))
    response = await messages_function.main(http_request(huge))
    assert response.status_code == 413
    assert await stored_conversation_keys() == []


async def test_with_credentials_an_unsigned_request_gets_401_and_stores_nothing(monkeypatch):
    monkeypatch.setenv("MicrosoftAppId", "00000000-0000-0000-0000-000000000001")
    monkeypatch.setenv("MicrosoftAppPassword", "not-a-real-secret")
    await worker.reset_worker()
    for headers in ({}, {"Authorization": "Bearer not.a.token"}):
        response = await messages_function.main(http_request(message("hi"), headers=headers))
        assert response.status_code == 401
    assert await stored_conversation_keys() == []


async def test_an_invoke_response_passes_through():
    invoke = message(None, type="invoke", name="unknown/invoke")
    invoke.pop("deliveryMode")
    response = await messages_function.main(http_request(invoke))
    assert response.status_code == 501


async def test_without_expect_replies_the_replies_go_to_the_service_url(unused_tcp_port):
    received = []

    async def conversation_reply(request):
        received.append((request.match_info["conversation_id"], await request.json()))
        return web.json_response({"id": "reply-1"})

    channel = web.Application()
    channel.router.add_post(
        "/v3/conversations/{conversation_id}/activities/{activity_id}", conversation_reply
    )
    runner = web.AppRunner(channel)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()
    try:
        activity = message("hi", serviceUrl=f"http://127.0.0.1:{unused_tcp_port}/")
        activity.pop("deliveryMode")
        response = await messages_function.main(http_request(activity))
    finally:
        await runner.cleanup()
    assert response.status_code == 200
    assert [(cid, reply["text"]) for cid, reply in received] == [
        ("conversation-1", "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle")
    ]


async def test_the_sweeper_function_expires_stale_conversations_only():
    await messages_function.main(http_request(message("hi", conversation_id="stale")))
    await messages_function.main(http_request(message("hi", conversation_id="fresh")))
    store = worker.get_state_stores().conversation
    stale_key, fresh_key = "test/conversations/stale", "test/conversations/fresh"
    record = (await store.read([stale_key]))[stale_key]
    await store.write({stale_key: aged(record, 31)})

    await sweeper_function.main(TimerRequest(past_due=False))

    stored = await store.read([stale_key, fresh_key])
    assert "Expired" in stored[stale_key] and "DialogState" not in stored[stale_key]  # a tombstone
    assert "Expired" not in stored[fresh_key] and "DialogState" in stored[fresh_key]
