"""A notice or warning the bot sends while the user is idle shows in the terminal chat.

The bot is the real function app on the local host; the notice goes out the way
the sweeper sends one: botbuilder's CloudAdapter ``continue_conversation`` on the
conversation reference of the user's last turn, anonymous as locally.
"""

import asyncio
import io
import os
import pty
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from local_run.chat import ChatClient, run_chat
from local_run.chat_activities import Conversation
from local_run.host import start_host
from shared.lifecycle.notices import NoticeResult, NoticeSender
from shared.settings import Settings

REPO_ROOT = Path(__file__).resolve().parents[2]
TRANSPORT_PROMPT = "Please enter your mode of transport."
TRANSPORT_BUTTONS = "[Car]  [Bus]  [Bicycle]"
NOTICE = "This conversation timed out. Send any message to start over."
WARNING = "Still there? This conversation ends soon."


@pytest.fixture
async def host(fresh_worker):  # pylint: disable=unused-argument
    running = await start_host(REPO_ROOT, settings={"SweepSchedule": "0 0 0 1 1 *"})
    yield running
    await running.stop()


async def send_proactively(service_url: str, conversation_id: str, last_activity_id: str, *texts):
    """What the sweeper does: send into the conversation from its stored reference."""
    sender = NoticeSender(Settings())
    reference = {
        "activityId": last_activity_id,
        "bot": {"id": "bot", "name": "Bot"},
        "user": {"id": "ada", "name": "ada"},
        "conversation": {"id": conversation_id},
        "channelId": "emulator",
        "serviceUrl": service_url,
    }
    try:
        for text in texts:
            result = await sender.send(reference, text, time.monotonic() + 30)
            assert result is NoticeResult.SENT
    finally:
        await sender.aclose()


class IdleUser:
    """Types ``first``, then sits at the prompt until released, then quits."""

    def __init__(self, first: str):
        self.first = first
        self._released = asyncio.Event()

    def release(self) -> None:
        self._released.set()

    async def lines(self):
        yield self.first
        await self._released.wait()
        yield "/quit"


async def until(out: io.StringIO, expected: str, timeout: float = 10) -> None:
    """Wait until the chat has printed ``expected``."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while expected not in out.getvalue():
        if loop.time() > deadline:
            raise AssertionError(f"the chat never printed {expected!r}:\n{out.getvalue()}")
        await asyncio.sleep(0.05)


@pytest.mark.asyncio
async def test_a_notice_and_a_warning_sent_while_the_user_is_idle_are_printed(host):
    out = io.StringIO()
    user = IdleUser("hi")
    conversation = Conversation("ada", "idle-conversation", host.url)
    async with aiohttp.ClientSession() as session:
        client = ChatClient(session, host.http_url("messages"), conversation)
        chatting = asyncio.create_task(run_chat(client, user.lines(), out))
        try:
            await until(out, TRANSPORT_BUTTONS)

            await send_proactively(host.url, "idle-conversation", "last-message", WARNING, NOTICE)
            await until(out, NOTICE)
        finally:
            user.release()
            exit_code = await asyncio.wait_for(chatting, 10)

    assert exit_code == 0
    assert out.getvalue().splitlines() == [
        f"bot> {TRANSPORT_PROMPT}",  # from the expectReplies response, printed once
        f"bot> {TRANSPORT_BUTTONS}",
        f"bot> {WARNING}",
        f"bot> {NOTICE}",
    ]
    received = host.connector.received("idle-conversation")
    assert [a["text"] for a in received] == [WARNING, NOTICE]
    assert all(a.get("replyToId") for a in received)  # botbuilder used the reply route


@pytest.mark.asyncio
async def test_replies_in_the_expect_replies_response_never_reach_the_connector(host):
    out = io.StringIO()
    conversation = Conversation("ada", "busy-conversation", host.url)

    async def lines():
        for line in ("hi", "Bus", "Ada"):
            yield line

    async with aiohttp.ClientSession() as session:
        client = ChatClient(session, host.http_url("messages"), conversation)
        exit_code = await run_chat(client, lines(), out)

    assert exit_code == 0
    assert host.connector.received("busy-conversation") == []
    assert out.getvalue().count(TRANSPORT_PROMPT) == 1
    assert out.getvalue().count("Please enter your name.") == 1


@pytest.mark.asyncio
async def test_messages_sent_before_the_chat_started_are_not_replayed(host):
    """Resuming a conversation with --conversation shows what is new, not old notices."""
    await send_proactively(host.url, "resumed", "old-message", NOTICE)
    out = io.StringIO()
    user = IdleUser("hi")
    async with aiohttp.ClientSession() as session:
        client = ChatClient(session, host.http_url("messages"), Conversation("ada", "resumed", host.url))
        chatting = asyncio.create_task(run_chat(client, user.lines(), out))
        try:
            await until(out, TRANSPORT_BUTTONS)
            await send_proactively(host.url, "resumed", "new-message", WARNING)
            await until(out, WARNING)
        finally:
            user.release()
            await asyncio.wait_for(chatting, 10)

    assert NOTICE not in out.getvalue()


@pytest.mark.asyncio
async def test_a_notice_goes_above_what_the_user_is_typing_at_the_terminal(host):
    """On a terminal the notice must not swallow or split the half-typed answer."""
    controller, terminal = pty.openpty()
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "local_run.chat", "--url", host.http_url("messages")),
        *("--user", "ada", "--conversation", "typing-conversation"),
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "TERM": "dumb"},
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    screen = Screen(controller)
    try:
        await screen.wait_for("you> ")
        screen.type("hi\n")
        await screen.wait_for(TRANSPORT_BUTTONS + "\r\nyou> ")
        screen.type("Bu")
        await screen.wait_for("you> Bu")

        await send_proactively(host.url, "typing-conversation", "last-message", NOTICE)
        await screen.wait_for(f"\r\x1b[2Kbot> {NOTICE}\r\nyou> Bu")
        screen.type("s\n")
        await screen.wait_for("Please enter your name.")  # the bot got "Bus", whole
        screen.type("/quit\n")
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        os.close(controller)


class Screen:
    """What a terminal shows of the chat, and a keyboard to type into it."""

    def __init__(self, controller: int):
        self._controller = controller
        self.text = ""

    def type(self, keys: str) -> None:
        os.write(self._controller, keys.encode())

    async def wait_for(self, expected: str, timeout: float = 15) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while expected not in self.text:
            if loop.time() > deadline:
                raise AssertionError(f"the terminal never showed {expected!r}:\n{self.text!r}")
            readable = asyncio.Event()
            loop.add_reader(self._controller, readable.set)
            try:
                await asyncio.wait_for(readable.wait(), max(deadline - loop.time(), 0.01))
            except TimeoutError:
                continue
            finally:
                loop.remove_reader(self._controller)
            self.text += os.read(self._controller, 65536).decode(errors="replace")
