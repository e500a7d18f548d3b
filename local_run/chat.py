"""Chat with a running bot from a terminal: ``python -m local_run.chat``.

Each line typed (or piped in) is one message; the bot's replies are printed
before the next line is sent, so a piped script walks a dialog in order.
Commands: ``/attach PATH`` sends a picture, ``/wait SECONDS`` stays silent
(to watch a conversation expire), ``/quit`` leaves.

What the bot sends outside a turn (an expiry notice, a warning) goes to the
conversation's ``serviceUrl``, the host's origin; the chat long-polls the local
host's connector routes for it (``local_run.connector``) and prints it as it
arrives, above the prompt. A host without those routes (``func start``) is
told once, and the chat goes on without them.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import quote

import aiohttp
from yarl import URL

from local_run.chat_activities import (
    Activity,
    Conversation,
    image_attachment,
    message_activity,
    render_reply,
)

__all__ = ["ChatClient", "ChatError", "HostUnreachableError", "main", "run_chat"]

DEFAULT_URL = "http://localhost:7071/api/messages"

HELP = "commands: /attach PATH (send a picture), /wait SECONDS (stay silent), /quit"

NO_CONNECTOR_ROUTES = (
    "(note: {origin} does not serve the Bot Connector routes, so notices and warnings the "
    "bot sends while you are idle will not show here; python -m local_run.host serves them)"
)

POLL_SECONDS = 20.0


class ChatError(Exception):
    """A turn that failed; the chat reports it and goes on."""


class HostUnreachableError(ChatError):
    """Nothing answers at the URL; the chat stops."""


class NoConnectorRoutesError(ChatError):
    """The host does not keep what the bot sends outside a turn (an older host, ``func start``)."""


class ChatClient:
    """Posts one message per turn and returns the replies from the response body; asks the
    host's connector routes for what the bot sent outside a turn."""

    def __init__(
        self, session: aiohttp.ClientSession, url: str, conversation: Conversation
    ) -> None:
        self._session = session
        self._url = url
        self.conversation = conversation
        self.service_url = conversation.service_url.rstrip("/")
        self._connector_url = (
            f"{self.service_url}/v3/conversations/"
            f"{quote(conversation.conversation_id, safe='')}/activities"
        )
        self._after: int | None = None  # None: skip what was sent before the chat started

    async def send(
        self, text: str | None, attachments: list[dict[str, Any]] | None = None
    ) -> list[Activity]:
        activity = message_activity(self.conversation, text, attachments)
        try:
            async with self._session.post(self._url, json=activity) as response:
                body = await response.read()
                status = response.status
        except aiohttp.ClientConnectionError as error:
            raise HostUnreachableError(
                f"cannot reach the bot at {self._url} ({error}); is the host running? "
                "Start it with: python -m local_run.host"
            ) from error
        except TimeoutError:
            raise ChatError(
                f"no answer from {self._url} within {self._session.timeout.total} s"
            ) from None
        return _replies_from(status, body)

    async def sent_outside_turns(self, wait_seconds: float = POLL_SECONDS) -> list[Activity]:
        """What the bot sent to the conversation through the host's connector routes since
        the last call, waiting up to ``wait_seconds`` for something (the first call only
        notes where the conversation stands, and returns at once)."""
        first = self._after is None
        query = {"after": str(self._after or 0), "wait": "0" if first else str(wait_seconds)}
        timeout = aiohttp.ClientTimeout(total=5 if first else wait_seconds + 10)
        async with self._session.get(self._connector_url, params=query, timeout=timeout) as response:
            if response.status in (404, 405):
                raise NoConnectorRoutesError(NO_CONNECTOR_ROUTES.format(origin=self.service_url))
            if response.status != 200:
                raise ChatError(f"HTTP {response.status} from {self._connector_url}")
            body = await response.read()
        try:
            answer = json.loads(body)
            activities, after = list(answer["activities"]), int(answer["next"])
        except (ValueError, KeyError, TypeError):
            raise NoConnectorRoutesError(
                NO_CONNECTOR_ROUTES.format(origin=self.service_url)
            ) from None
        self._after = after
        return [] if first else activities


def _replies_from(status: int, body: bytes) -> list[Activity]:
    if status == 401:
        raise ChatError(
            "HTTP 401: the bot requires authentication (MicrosoftAppId/MicrosoftAppPassword "
            "are set); unset them to chat from the terminal"
        )
    if status != 200:
        raise ChatError(f"HTTP {status}: {body[:300].decode('utf-8', 'replace')}")
    try:
        activities = json.loads(body)["activities"]
    except (ValueError, KeyError, TypeError):
        raise ChatError(
            'HTTP 200 without {"activities": [...]} in the body; '
            "the bot must honour deliveryMode expectReplies"
        ) from None
    return list(activities)


async def run_chat(
    client: ChatClient,
    lines: AsyncIterator[str],
    out: TextIO,
    *,
    show_traces: bool = False,
    print_outside_turn: Callable[[str], None] | None = None,
) -> int:
    """Send each line and print the replies; 0 if every turn worked, 1 if one failed,
    2 if the host could not be reached. Meanwhile print what the bot sends outside a
    turn, with ``print_outside_turn`` (default: a line on ``out``)."""
    show = print_outside_turn or (lambda text: _print(out, text))
    watcher = _OutsideTurnWatcher(client, show, show_traces)
    await watcher.start()
    try:
        return await _send_lines(client, lines, out, show_traces)
    finally:
        await watcher.stop()


async def _send_lines(
    client: ChatClient, lines: AsyncIterator[str], out: TextIO, show_traces: bool
) -> int:
    exit_code = 0
    async for raw_line in lines:
        line = raw_line.strip()
        command, _, argument = line.partition(" ")
        try:
            if not line:
                continue
            if command in ("/quit", "/exit"):
                break
            if command == "/help":
                _print(out, HELP)
            elif command == "/wait":
                seconds = _seconds(argument)
                await asyncio.sleep(seconds)
                _print(out, f"(waited {seconds:g} s)")
            elif command == "/attach":
                if not argument.strip():
                    raise ChatError("usage: /attach PATH")
                replies = await client.send(
                    None, [image_attachment(Path(argument.strip()).expanduser())]
                )
                _print_replies(out, replies, show_traces)
            elif line.startswith("/"):
                _print(out, f"unknown command {command}; {HELP}")
            else:
                _print_replies(out, await client.send(line), show_traces)
        except HostUnreachableError as error:
            _print(out, f"error: {error}")
            return 2
        except (ChatError, OSError) as error:
            _print(out, f"error: {error}")
            exit_code = 1
    return exit_code


class _OutsideTurnWatcher:
    """Prints what the bot sends outside a turn as it arrives; says once if it cannot."""

    def __init__(self, client: ChatClient, show: Callable[[str], None], show_traces: bool):
        self._client = client
        self._show = show
        self._show_traces = show_traces
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """The first poll runs before any line is sent, so the note (if any) comes first."""
        try:
            await self._client.sent_outside_turns()
        except NoConnectorRoutesError as error:
            self._show(str(error))
            return
        except (ChatError, aiohttp.ClientError, TimeoutError):
            pass  # the first turn tells the user the host is unreachable; keep trying
        self._task = asyncio.create_task(self._watch())

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _watch(self) -> None:
        delay = 1.0
        while True:
            try:
                activities = await self._client.sent_outside_turns()
            except NoConnectorRoutesError as error:  # the host was replaced by one without them
                self._show(str(error))
                return
            except (ChatError, aiohttp.ClientError, TimeoutError):
                await asyncio.sleep(delay)  # the host is down or restarting; a turn reports it
                delay = min(delay * 2, 10.0)
                continue
            delay = 1.0
            for activity in activities:
                for text in render_reply(activity, show_traces=self._show_traces):
                    self._show(_bot_line(text))


def _seconds(argument: str) -> float:
    try:
        seconds = float(argument)
    except ValueError:
        seconds = -1.0
    if seconds < 0:
        raise ChatError("usage: /wait SECONDS")
    return seconds


def _print_replies(out: TextIO, replies: list[Activity], show_traces: bool) -> None:
    for reply in replies:
        for text in render_reply(reply, show_traces=show_traces):
            _print(out, _bot_line(text))


def _bot_line(text: str) -> str:
    return "bot> " + text.replace("\n", "\n     ")


def _print(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)


PROMPT = "you> "


class _Terminal:
    """The user's lines: prompted on a terminal, echoed from a pipe, until EOF."""

    def __init__(self, stdin: TextIO, out: TextIO) -> None:
        self._stdin = stdin
        self._out = out
        self._interactive = stdin.isatty()
        self._prompting = False

    async def lines(self) -> AsyncIterator[str]:
        while True:
            if self._interactive:
                self._prompting = True
                try:
                    line = await asyncio.to_thread(input, PROMPT)
                except EOFError:
                    return
                finally:
                    self._prompting = False
            else:
                line = await asyncio.to_thread(self._stdin.readline)
                if not line:
                    return
                line = line.rstrip("\n")
                _print(self._out, f"{PROMPT}{line}")
            yield line

    def print_above_prompt(self, text: str) -> None:
        """A line that arrives while the user types goes above the prompt, which is drawn
        again with what they had typed so far."""
        if not self._prompting:
            _print(self._out, text)
            return
        line_editor = sys.modules.get("readline")  # imported by main() on a terminal
        typed = line_editor.get_line_buffer() if line_editor is not None else ""
        self._out.write(f"\r\x1b[2K{text}\n{PROMPT}{typed}")
        self._out.flush()


async def _chat(url: str, user: str, conversation_id: str, show_traces: bool) -> int:
    service_url = str(URL(url).origin())
    conversation = Conversation(user=user, conversation_id=conversation_id, service_url=service_url)
    print(
        f"Chatting with {url} as '{user}' in conversation '{conversation_id}'. {HELP}", flush=True
    )
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        client = ChatClient(session, url, conversation)
        terminal = _Terminal(sys.stdin, sys.stdout)
        return await run_chat(
            client,
            terminal.lines(),
            sys.stdout,
            show_traces=show_traces,
            print_outside_turn=terminal.print_above_prompt,
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m local_run.chat",
        description="Chat with a running bot from a terminal, over HTTP with expectReplies.",
        epilog=HELP,
    )
    parser.add_argument(
        "--url", default=DEFAULT_URL, help=f"the bot's messaging endpoint (default: {DEFAULT_URL})"
    )
    parser.add_argument(
        "--user",
        default="user",
        help="user id and name; keep it to keep the profile (default: user)",
    )
    parser.add_argument("--conversation", default=None, help="conversation id (default: a new one)")
    parser.add_argument(
        "--traces", action="store_true", help="also print trace activities (error details)"
    )
    args = parser.parse_args(argv)
    conversation_id = args.conversation or f"local-{uuid.uuid4().hex[:12]}"
    if sys.stdin.isatty():
        try:
            import readline  # noqa: F401  (line editing and history for input())
        except ImportError:
            pass
    try:
        return asyncio.run(_chat(args.url, args.user, conversation_id, args.traces))
    except KeyboardInterrupt:
        return 0


if __name__ == "__main__":
    sys.exit(main())
