"""The terminal chat walks a conversation over HTTP, one reply set per line."""

import asyncio
import io
import os
import socket
import sys
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from yarl import URL

from local_run.chat import ChatClient, run_chat
from local_run.chat_activities import Conversation

REPO_ROOT = Path(__file__).resolve().parents[2]


class FakeBot:
    """A messaging endpoint that answers every message with expectReplies bodies."""

    def __init__(self, status: int = 200):
        self.status = status
        self.received: list[dict] = []

    async def handle(self, request: web.Request) -> web.Response:
        activity = await request.json()
        self.received.append(activity)
        if self.status != 200:
            return web.Response(status=self.status, text="nope")
        if activity.get("attachments"):
            text = f"got {activity['attachments'][0]['contentType']}"
        else:
            text = f"echo: {activity['text']}"
        replies = [
            {"type": "typing"},
            {"type": "message", "text": text, "suggestedActions": {"actions": [{"title": "Yes"}]}},
        ]
        return web.json_response({"activities": replies})


class running_bot:
    """Serves a FakeBot on a free port for the length of an ``async with``."""

    def __init__(self, bot: FakeBot):
        self.bot = bot

    async def __aenter__(self) -> str:
        app = web.Application()
        app.router.add_post("/api/messages", self.bot.handle)
        self.runner = web.AppRunner(app)
        await self.runner.setup()
        await web.TCPSite(self.runner, "127.0.0.1", 0).start()
        return f"http://127.0.0.1:{self.runner.addresses[0][1]}/api/messages"

    async def __aexit__(self, *exc_info) -> None:
        await self.runner.cleanup()


async def lines_of(*lines: str):
    for line in lines:
        yield line


async def chat(url: str, *lines: str) -> tuple[int, str]:
    out = io.StringIO()
    conversation = Conversation("ada", "c-1", str(URL(url).origin()))
    async with aiohttp.ClientSession() as session:
        exit_code = await run_chat(ChatClient(session, url, conversation), lines_of(*lines), out)
    return exit_code, out.getvalue()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.asyncio
async def test_each_line_is_a_message_and_its_replies_are_printed():
    bot = FakeBot()
    async with running_bot(bot) as url:
        exit_code, output = await chat(url, "hi", "", "Car")

    assert exit_code == 0
    assert [activity["text"] for activity in bot.received] == ["hi", "Car"]
    assert {activity["conversation"]["id"] for activity in bot.received} == {"c-1"}
    assert all(activity["deliveryMode"] == "expectReplies" for activity in bot.received)
    assert output.splitlines()[1:] == ["bot> echo: hi", "bot> [Yes]", "bot> echo: Car", "bot> [Yes]"]


@pytest.mark.asyncio
async def test_a_host_without_connector_routes_is_told_once_and_the_chat_goes_on():
    """An older host or `func start` keeps nothing the bot sends outside a turn."""
    bot = FakeBot()
    async with running_bot(bot) as url:
        exit_code, output = await chat(url, "hi", "Car")

    assert exit_code == 0
    first, *rest = output.splitlines()
    origin = str(URL(url).origin())
    assert first == (
        f"(note: {origin} does not serve the Bot Connector routes, so notices and warnings "
        "the bot sends while you are idle will not show here; python -m local_run.host serves them)"
    )
    assert rest == ["bot> echo: hi", "bot> [Yes]", "bot> echo: Car", "bot> [Yes]"]


@pytest.mark.asyncio
async def test_attach_sends_the_picture(tmp_path):
    picture = tmp_path / "me.png"
    picture.write_bytes(b"\x89PNG")
    bot = FakeBot()
    async with running_bot(bot) as url:
        exit_code, output = await chat(url, f"/attach {picture}")

    assert exit_code == 0
    (activity,) = bot.received
    assert activity["attachments"][0]["contentType"] == "image/png"
    assert "bot> got image/png" in output


@pytest.mark.asyncio
async def test_a_missing_picture_is_reported_and_nothing_is_sent(tmp_path):
    bot = FakeBot()
    async with running_bot(bot) as url:
        exit_code, output = await chat(url, f"/attach {tmp_path / 'none.png'}", "next")

    assert exit_code == 1
    assert "error:" in output and "none.png" in output
    assert [activity["text"] for activity in bot.received] == ["next"]


@pytest.mark.asyncio
async def test_quit_stops_before_the_remaining_lines():
    bot = FakeBot()
    async with running_bot(bot) as url:
        exit_code, _ = await chat(url, "one", "/quit", "two")

    assert exit_code == 0
    assert [activity["text"] for activity in bot.received] == ["one"]


@pytest.mark.asyncio
async def test_wait_stays_silent_for_the_given_seconds():
    bot = FakeBot()
    async with running_bot(bot) as url:
        loop = asyncio.get_running_loop()
        started = loop.time()
        exit_code, output = await chat(url, "/wait 0.3", "again")

    assert loop.time() - started >= 0.3
    assert "(waited 0.3 s)" in output
    assert [activity["text"] for activity in bot.received] == ["again"]


@pytest.mark.asyncio
async def test_an_unreachable_host_is_explained_and_ends_the_chat():
    url = f"http://127.0.0.1:{free_port()}/api/messages"

    exit_code, output = await chat(url, "hi", "more")

    assert exit_code == 2
    assert f"cannot reach the bot at {url}" in output
    assert "python -m local_run.host" in output


@pytest.mark.asyncio
async def test_401_explains_that_the_bot_wants_credentials():
    async with running_bot(FakeBot(status=401)) as url:
        exit_code, output = await chat(url, "hi")

    assert exit_code == 1
    assert "MicrosoftAppId" in output


@pytest.mark.asyncio
async def test_other_failures_show_the_status_and_the_chat_goes_on():
    bot = FakeBot(status=415)
    async with running_bot(bot) as url:
        exit_code, output = await chat(url, "hi", "again")

    assert exit_code == 1
    assert output.count("error: HTTP 415: nope") == 2


@pytest.mark.asyncio
async def test_piped_lines_walk_the_conversation_from_the_command_line():
    bot = FakeBot()
    async with running_bot(bot) as url:
        process = await asyncio.create_subprocess_exec(
            *(sys.executable, "-m", "local_run.chat", "--url", url, "--user", "bea"),
            cwd=REPO_ROOT,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        stdout, _ = await asyncio.wait_for(process.communicate(b"hi\nBus\n"), 30)

    assert process.returncode == 0
    banner, note, *conversation = stdout.decode().splitlines()
    assert banner.startswith("Chatting with ") and note.startswith("(note: ")
    assert conversation == [
        "you> hi",
        "bot> echo: hi",
        "bot> [Yes]",
        "you> Bus",
        "bot> echo: Bus",
        "bot> [Yes]",
    ]
    assert {activity["from"]["id"] for activity in bot.received} == {"bea"}
