"""The real function app served by the local host, over real HTTP on 127.0.0.1."""

import asyncio
import contextlib
import json
import os
import re
import signal
import sys
from pathlib import Path
from typing import NamedTuple

import aiohttp
import pytest
from aiohttp import web

from local_run.host import start_host
from shared import worker
from shared.expiring_bot import WELCOME_BACK
from shared.settings import DEFAULT_EXPIRY_NOTICE as EXPIRY_NOTICE
from tests.chat_driver import message
from tests.sweeping import aged
from tests.local_run.test_host import read_until

REPO_ROOT = Path(__file__).resolve().parents[1]
TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"


@pytest.fixture
async def host(fresh_worker):  # pylint: disable=unused-argument
    running = await start_host(REPO_ROOT, settings={"SweepSchedule": "*/1 * * * * *"})
    yield running
    await running.stop()


class Channel(NamedTuple):
    """A channel's connector endpoint: its service URL, the replies and the connections."""

    service_url: str
    received: list
    connections: list

    def all_hung_up(self) -> bool:
        """Whether the bot has closed every connection it opened to the channel."""
        return all(transport.is_closing() for transport in self.connections)


@pytest.fixture
async def channel():
    """A channel's connector endpoint that records the replies the bot posts and the
    connections they came on."""
    received, connections = [], []

    async def reply_to_activity(request):
        received.append((request.match_info["conversation_id"], await request.json()))
        if all(request.transport is not seen for seen in connections):
            connections.append(request.transport)
        return web.json_response({"id": f"reply-{len(received)}"})

    app = web.Application()
    app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", reply_to_activity)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield Channel(f"http://127.0.0.1:{port}/", received, connections)
    await runner.cleanup()


async def post(host, activity, content_type="application/json"):
    async with aiohttp.ClientSession() as session:
        async with session.post(
            host.http_url("messages"), data=json.dumps(activity), headers={"Content-Type": content_type}
        ) as response:
            return response.status, await response.read()


async def test_replies_are_posted_to_the_channels_service_url(host, channel):
    service_url, received, _ = channel
    for text in ["hi", "Car"]:
        activity = message(text, "e2e-conversation", serviceUrl=service_url)
        del activity["deliveryMode"]
        status, _ = await post(host, activity)
        assert status == 200
    assert [(conversation, reply["text"]) for conversation, reply in received] == [
        ("e2e-conversation", TRANSPORT_PROMPT),
        ("e2e-conversation", "Please enter your name."),
    ]
    assert all(reply["replyToId"] for _, reply in received)


async def test_expect_replies_and_bad_input_over_http(host):
    status, body = await post(host, message("hi", "e2e-expect"))
    assert status == 200
    assert [a["text"] for a in json.loads(body)["activities"]] == [TRANSPORT_PROMPT]
    status, _ = await post(host, message("hi", "e2e-expect"), content_type="text/plain")
    assert status == 415


async def test_the_hosts_timer_expires_a_stale_conversation_tells_the_user_and_welcomes_them_back(
    host,
):
    # The conversation's serviceUrl is the host itself, as in a local run.
    for text in ["hi", "Bus", "Ada", "no", "skip", "yes"]:
        status, _ = await post(host, message(text, "e2e-stale", serviceUrl=host.url + "/"))
        assert status == 200
    stores = worker.get_state_stores()
    key = "test/conversations/e2e-stale"
    record = (await stores.conversation.read([key]))[key]
    await stores.conversation.write({key: aged(record, 30)})

    await until_expired(stores, key)  # the sweeper fires every second
    for _ in range(50):  # the notice follows the tombstone
        if host.connector.received("e2e-stale"):
            break
        await asyncio.sleep(0.1)

    assert [a["text"] for a in host.connector.received("e2e-stale")] == [EXPIRY_NOTICE]
    user = (await stores.user.read(["test/users/user-1"]))["test/users/user-1"]
    assert user["UserProfile"]["name"] == "Ada"
    status, body = await post(host, message("hello", "e2e-stale", serviceUrl=host.url + "/"))
    assert [a["text"] for a in json.loads(body)["activities"]] == [WELCOME_BACK, TRANSPORT_PROMPT]


async def until_expired(stores, key: str, tries: int = 100) -> dict:
    """The conversation's record once the sweeper has made it a tombstone."""
    for _ in range(tries):
        record = (await stores.conversation.read([key])).get(key) or {}
        if "Expired" in record:
            return record
        await asyncio.sleep(0.1)
    raise AssertionError(f"{key} was not expired in time")


def app_settings(settings, expire_after_seconds: int) -> dict:
    """The app settings a deployment would set for ``settings``' backend."""
    values = {"StateStorage": settings.state_storage, "ExpireAfterSeconds": str(expire_after_seconds)}
    if settings.state_storage == "blob":
        values.update(
            BlobConnectionString=settings.blob_connection_string,
            BlobConversationStateContainer=settings.blob_conversation_state_container,
            BlobUserStateContainer=settings.blob_user_state_container,
        )
    if settings.state_storage == "cosmos":
        values.update(
            CosmosDbEndpoint=settings.cosmos_db_endpoint,
            CosmosDbAuthKey=settings.cosmos_db_auth_key,
            CosmosDbVerifyTls=str(settings.cosmos_db_verify_tls).lower(),
            CosmosDbDatabaseId=settings.cosmos_db_database_id,
            CosmosDbConversationStateContainerId=settings.cosmos_db_conversation_state_container_id,
            CosmosDbUserStateContainerId=settings.cosmos_db_user_state_container_id,
            CosmosDbTimeToLive=str(settings.cosmos_db_time_to_live),
        )
    return values


async def test_a_conversation_expires_on_message_and_is_swept_on_every_backend(
    fresh_worker, settings_for_backend, monkeypatch  # pylint: disable=unused-argument
):
    window = 2
    for name, value in app_settings(settings_for_backend, window).items():
        monkeypatch.setenv(name, value)
    await worker.reset_worker()
    key = "test/conversations/every-backend"

    # First a host whose sweep is far off, so the message finds the stale state.
    host = await start_host(REPO_ROOT, settings={"SweepSchedule": "0 0 0 1 1 *"})
    try:
        for text in ["hi", "Bus", "Ada", "no", "skip", "yes"]:
            status, _ = await post(host, message(text, "every-backend"))
            assert status == 200
        await asyncio.sleep(window + 1)  # real silence, longer than the window
        status, body = await post(host, message("hello", "every-backend"))
        assert [a["text"] for a in json.loads(body)["activities"]] == [
            "Welcome back!  Let's start over from the beginning.",
            TRANSPORT_PROMPT,
        ]
    finally:
        await host.stop()

    # Then one that sweeps every second, while the conversation is silent again:
    # the sweep leaves a tombstone, and the user is still welcomed back.
    host = await start_host(REPO_ROOT, settings={"SweepSchedule": "*/1 * * * * *"})
    try:
        stores = worker.get_state_stores()
        tombstone = await until_expired(stores, key)
        assert "DialogState" not in tombstone
        user = (await stores.user.read(["test/users/user-1"]))["test/users/user-1"]
        assert user["UserProfile"]["name"] == "Ada"
        status, body = await post(host, message("Bus", "every-backend"))
        assert [a["text"] for a in json.loads(body)["activities"]] == [WELCOME_BACK, TRANSPORT_PROMPT]
    finally:
        await host.stop()


async def test_closing_the_worker_hangs_up_on_the_channel(host, channel):
    """The connector keeps its connection to the channel open between turns."""
    activity = message("hi", "e2e-hang-up", serviceUrl=channel.service_url)
    del activity["deliveryMode"]
    status, _ = await post(host, activity)
    assert status == 200 and channel.connections
    assert not channel.all_hung_up()

    await worker.close_worker()

    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(5):
            while not channel.all_hung_up():
                await asyncio.sleep(0.05)
    assert channel.all_hung_up()


async def run_host_command_for_one_turn(settings, channel, stop_signal) -> tuple[int, str]:
    """Start ``python -m local_run.host`` on ``settings``' backend, send one message whose
    replies go to ``channel``, stop the host with ``stop_signal``; its exit code and log."""
    environment = {**os.environ, **app_settings(settings, expire_after_seconds=30)}
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "local_run.host", "--port", "0"),
        cwd=REPO_ROOT,
        env=environment,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        log = await read_until(process.stdout, "Host started")
        base_url = re.search(r"Host started at (http://\S+);", log).group(1)
        activity = message("hi", "e2e-stop", serviceUrl=channel.service_url)
        del activity["deliveryMode"]
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as client:
            async with client.post(base_url + "/api/messages", json=activity) as response:
                assert response.status == 200
        assert [reply["text"] for _, reply in channel.received] == [TRANSPORT_PROMPT]
        process.send_signal(stop_signal)
        log += (await asyncio.wait_for(process.stdout.read(), 30)).decode()
        return await asyncio.wait_for(process.wait(), 10), log
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def complaints(log: str) -> list[str]:
    return [line for line in log.splitlines() if " ERROR " in line or " WARNING " in line]


@pytest.mark.usefixtures("fresh_worker")  # no credentials in the host's environment
async def test_the_host_command_stops_on_sigterm_without_errors_on_every_backend(
    settings_for_backend, channel
):
    """A normal stop must not log errors: a real failure on stop would hide among them."""
    exit_code, log = await run_host_command_for_one_turn(
        settings_for_backend, channel, signal.SIGTERM
    )

    assert exit_code == 0, log
    assert "Stopping" in log
    assert complaints(log) == []


@pytest.mark.usefixtures("fresh_worker")
@pytest.mark.parametrize("settings_for_backend", ["blob"], indirect=True)
async def test_the_host_command_stops_on_ctrl_c_without_errors(settings_for_backend, channel):
    """Ctrl-C is how a developer stops it in a terminal."""
    exit_code, log = await run_host_command_for_one_turn(
        settings_for_backend, channel, signal.SIGINT
    )

    assert exit_code == 0, log
    assert "Stopping" in log
    assert complaints(log) == []
