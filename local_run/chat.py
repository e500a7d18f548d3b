"""Chat with a running bot from a terminal: ``python -m local_run.chat``.

Each line typed (or piped in) is one message; the bot's replies are printed
before the next line is sent, so a piped script walks a dialog in order.
Commands: ``/attach PATH`` sends a picture, ``/wait SECONDS`` stays silent
(to watch a conversation expire), ``/quit`` leaves.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import uuid
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any, TextIO

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


class ChatError(Exception):
    """A turn that failed; the chat reports it and goes on."""


class HostUnreachableError(ChatError):
    """Nothing answers at the URL; the chat stops."""


class ChatClient:
    """Posts one message per turn and returns the replies from the response body."""

    def __init__(
        self, session: aiohttp.ClientSession, url: str, conversation: Conversation
    ) -> None:
        self._session = session
        self._url = url
        self.conversation = conversation

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
    client: ChatClient, lines: AsyncIterator[str], out: TextIO, *, show_traces: bool = False
) -> int:
    """Send each line and print the replies; 0 if every turn worked, 1 if one failed,
    2 if the host could not be reached."""
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
            _print(out, "bot> " + text.replace("\n", "\n     "))


def _print(out: TextIO, text: str) -> None:
    print(text, file=out, flush=True)


async def _input_lines(stdin: TextIO, out: TextIO) -> AsyncIterator[str]:
    """Prompted lines from a terminal, or echoed lines from a pipe, until EOF."""
    interactive = stdin.isatty()
    while True:
        if interactive:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                return
        else:
            line = await asyncio.to_thread(stdin.readline)
            if not line:
                return
            line = line.rstrip("\n")
            _print(out, f"you> {line}")
        yield line


async def _chat(url: str, user: str, conversation_id: str, show_traces: bool) -> int:
    service_url = str(URL(url).origin())
    conversation = Conversation(user=user, conversation_id=conversation_id, service_url=service_url)
    print(
        f"Chatting with {url} as '{user}' in conversation '{conversation_id}'. {HELP}", flush=True
    )
    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        client = ChatClient(session, url, conversation)
        return await run_chat(
            client, _input_lines(sys.stdin, sys.stdout), sys.stdout, show_traces=show_traces
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
