"""Generated requests: every one gets a 4xx or an ordinary turn, never a 5xx.

A rejected request must leave storage exactly as it was.
"""

import json

import pytest
from aiohttp import web
from jsonpickle.pickler import Pickler
from hypothesis import HealthCheck, given, settings, strategies as st

from shared.bot_application import BotApplication
from shared.settings import Settings
from shared.storage import StateStores
from shared.storage.memory_store import MemoryStore
from tests.chat_driver import FakeClock, message

MAX_BYTES = 4096
PLACEHOLDER_SERVICE_URL = b"http://127.0.0.1:9/"

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12,
)
odd_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200
) | st.sampled_from(["😀" * 50, "مرحبا بالعالم", "\x00\x07\x1b[31m", "\u202eabc", "a" * 3000])
fields = ["type", "channelId", "serviceUrl", "conversation", "from", "text", "attachments", "deliveryMode", "value", "name"]


@st.composite
def mutated_activities(draw):
    activity = message("hi", conversation_id=draw(st.sampled_from(["c1", "c2"])))
    for _ in range(draw(st.integers(0, 3))):
        field = draw(st.sampled_from(fields))
        action = draw(st.sampled_from(["drop", "replace", "text"]))
        if action == "drop":
            activity.pop(field, None)
        elif action == "replace":
            activity[field] = draw(json_values)
        else:
            activity[field] = draw(odd_text)
    if draw(st.booleans()):
        activity["attachments"] = [
            {"contentType": draw(st.text(max_size=30)), "contentUrl": draw(st.text(max_size=30))}
        ]
    if draw(st.booleans()):
        activity["type"] = draw(st.sampled_from(["message", "typing", "event", "invoke", "endOfConversation", "xyz", ""]))
    return json.dumps(activity).encode("utf-8")


bodies = (
    mutated_activities()
    | st.binary(max_size=300)
    | json_values.map(lambda value: json.dumps(value).encode("utf-8"))
    | st.integers(1, 200).map(lambda depth: ("[" * depth + "]" * depth).encode())
    | st.just(b"x" * (MAX_BYTES + 1))
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "text/plain", "", "application/vnd.api+json", "application/json; charset=utf-16", "multipart/form-data"]
)
methods = st.sampled_from(["POST", "POST", "POST", "GET", "PUT", "DELETE"])


async def snapshot(stores: StateStores) -> str:
    """Everything stored, e_tags included, as comparable text."""
    keys = ["test/conversations/c1", "test/conversations/c2", "test/users/user-1"]
    stored = {
        "conversation": await stores.conversation.read(keys),
        "user": await stores.user.read(keys),
    }
    return json.dumps(Pickler().flatten(stored), sort_keys=True)


@pytest.fixture
async def channel_url():
    """A channel endpoint on 127.0.0.1 that accepts every reply the bot posts."""

    async def accept(request):
        await request.read()
        return web.json_response({"id": "reply"})

    app = web.Application()
    app.router.add_route("*", "/{tail:.*}", accept)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}/".encode()
    await runner.cleanup()


@settings(
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(method=methods, content_type=content_types, body=bodies)
async def test_no_request_gets_a_server_error_and_rejected_ones_store_nothing(
    channel_url, method, content_type, body
):
    # Activities that do not ask for expectReplies send their replies here.
    body = body.replace(PLACEHOLDER_SERVICE_URL, channel_url)
    stores = StateStores(conversation=MemoryStore(), user=MemoryStore())
    app = BotApplication(Settings(max_request_bytes=MAX_BYTES), stores, FakeClock())
    # One good turn first, so a rejected request has state it could damage.
    good = await app.handle("POST", {"content-type": "application/json"}, json.dumps(message("hi", "c1")).encode())
    assert good.status == 200
    before = await snapshot(stores)

    result = await app.handle(method, {"content-type": content_type}, body)

    # 501 is botbuilder's answer to an invoke the bot does not implement, which
    # channels expect; no other 5xx may come back.
    is_unimplemented_invoke = result.status == 501 and b'"invoke"' in body
    assert result.status < 500 or is_unimplemented_invoke, (result, body[:200])
    if 400 <= result.status < 500:
        assert await snapshot(stores) == before
        assert result.body["error"]["message"]


# Answers that take conversation c1 from one prompt to the next, from the start.
WALK = ["hi", "Car", "Ada", "yes", "42", "skip"]
hostile_ids = st.sampled_from(
    ["\ud800", "x\udfff", "a/conversations/c1", "test/users/user-1", "../../c1", "\x00", "c1 ", "c" * 3000, "😀", "%2Fc1"]
)
link_schemes = st.sampled_from(
    ["javascript:alert(1)", "file:///etc/passwd", "http://169.254.169.254/x.png", "data:image/png;base64,AAAA", "ftp://h/x.png", "https://example.test/me.png"]
)


@st.composite
def hostile_requests(draw):
    """(what it is, the activity): each aimed at conversation c1 or its neighbours."""
    kind = draw(st.sampled_from(["id", "channel", "too long", "long answer", "replay", "picture link"]))
    activity = message("Car", "c1")
    if kind == "id":
        account = draw(st.sampled_from(["from", "conversation", "recipient"]))
        if account != "conversation":
            activity["conversation"] = {"id": "elsewhere"}  # any sender may move c1 on
        activity[account] = {"id": draw(hostile_ids)}
    elif kind == "channel":
        activity["channelId"] = draw(st.sampled_from(["test/conversations/c1", "test\ud800", "te st", "-", "x" * 65]))
    elif kind in ("too long", "long answer"):
        length = draw(st.integers(501, 70_000) if kind == "too long" else st.integers(100, 500))
        pattern = draw(st.sampled_from(["one hundred and ", "9", "yes ", "Car ", "😀"]))
        activity["text"] = (pattern * length)[:length]
    elif kind == "picture link":
        activity["attachments"] = [{"contentType": "image/png", "contentUrl": draw(link_schemes), "name": "me.png"}]
    return kind, activity


@settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(prompt=st.integers(0, len(WALK) - 1), request=hostile_requests())
async def test_hostile_requests_at_any_prompt_change_nothing_they_should_not(channel_url, prompt, request):
    kind, activity = request
    stores = StateStores(conversation=MemoryStore(), user=MemoryStore())
    app = BotApplication(Settings(max_request_bytes=256 * 1024), stores, FakeClock())
    for answer in WALK[: prompt + 1]:
        last = message(answer, "c1")
        walked = await app.handle("POST", {"content-type": "application/json"}, json.dumps(last).encode())
        assert walked.status == 200
    if kind == "replay":
        activity = last
    before = await snapshot(stores)

    result = await app.handle("POST", {"content-type": "application/json"}, json.dumps(activity).encode())

    assert result.status < 500, (kind, result)
    if kind == "picture link":
        # The dialog may move on; a link is shown back only if it is https.
        link = activity["attachments"][0]["contentUrl"]
        assert link.startswith("https://") or link not in json.dumps(result.body)
    elif kind != "long answer":  # an answer, however long, may move the dialog on
        # Refused, a replay, or another conversation's business: c1 and its user stay as they were.
        assert await snapshot(stores) == before, kind
