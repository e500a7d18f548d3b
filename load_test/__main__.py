"""Drive whole conversations through a local host and watch its memory.

    python -m load_test [--conversations 10000] [--concurrency 50]

Starts ``python -m local_run.host`` in a subprocess on a free port, with
memory storage, a short ExpireAfterSeconds and RememberExpiredSeconds and a
sweep every second, so the sweeper keeps conversation state (and tombstones)
bounded; users come from a small pool, so
user state is bounded too. Each conversation walks the whole profile dialog
with expectReplies and checks every answer. The host's resident memory is
sampled as the run goes. Exits 1 when any turn failed or memory kept growing
through the second half of the run.
"""

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import List, Optional

import aiohttp

REPO_ROOT = Path(__file__).resolve().parents[1]
SCRIPT = [
    ("hi", "Please enter your mode of transport."),
    ("Car", "Please enter your name."),
    ("Ada", "Thanks Ada"),
    ("yes", "Please enter your age."),
    ("42", "I have your age as 42."),
    ("skip", "No attachments received."),
    ("yes", "I have your mode of transport as Car and your name as Ada and your age as 42"),
]
USER_POOL = 50
ALLOWED_SECOND_HALF_GROWTH = 0.10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def resident_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS for the host process")


def start_host(port: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        StateStorage="memory",
        ExpireAfterSeconds="2",
        RememberExpiredSeconds="2",  # tombstones are swept too, so memory stays flat
        SweepSchedule="*/1 * * * * *",
        MicrosoftAppId="",
        MicrosoftAppPassword="",
    )
    return subprocess.Popen(
        [sys.executable, "-m", "local_run.host", "--port", str(port)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def wait_until_serving(url: str, host: subprocess.Popen):
    deadline = time.monotonic() + 60
    async with aiohttp.ClientSession() as session:
        while time.monotonic() < deadline:
            if host.poll() is not None:
                raise RuntimeError(f"the host exited with {host.returncode}")
            try:
                async with session.post(url, data=b"{}", headers={"Content-Type": "application/json"}):
                    return
            except aiohttp.ClientConnectionError:
                await asyncio.sleep(0.2)
    raise RuntimeError("the host did not start within 60 s")


async def converse(session: aiohttp.ClientSession, url: str, index: int) -> Optional[str]:
    """Walk the dialog once; None when every answer was right, else what went wrong."""
    conversation_id = f"load-{uuid.uuid4().hex}"
    for text, expected in SCRIPT:
        activity = {
            "type": "message",
            "id": uuid.uuid4().hex,
            "text": text,
            "channelId": "load",
            "serviceUrl": url,
            "from": {"id": f"user-{index % USER_POOL}"},
            "recipient": {"id": "bot"},
            "conversation": {"id": conversation_id},
            "deliveryMode": "expectReplies",
        }
        try:
            async with session.post(url, json=activity) as response:
                body = await response.read()
                if response.status != 200:
                    return f"{text!r} got {response.status}"
        except aiohttp.ClientError as error:
            return f"{text!r} failed: {type(error).__name__}"
        replies = [a.get("text") or "" for a in json.loads(body)["activities"]]
        if not any(reply.startswith(expected) for reply in replies):
            return f"{text!r} got {replies!r}"
    return None


async def drive(url: str, host: subprocess.Popen, conversations: int, concurrency: int) -> int:
    samples: List[tuple] = [(0, resident_mib(host.pid), 0.0)]
    errors: List[str] = []
    next_index = 0
    done = 0
    sample_every = max(conversations // 10, 1)
    started = time.perf_counter()

    async def lane(session):
        nonlocal next_index, done
        while next_index < conversations:
            index = next_index
            next_index += 1
            problem = await converse(session, url, index)
            if problem:
                errors.append(problem)
            done += 1
            if done % sample_every == 0:
                samples.append((done, resident_mib(host.pid), time.perf_counter() - started))

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as session:
        await asyncio.gather(*(lane(session) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started

    print(f"{'conversations':>13} {'host RSS MiB':>12} {'seconds':>8}")
    for count, rss, seconds in samples:
        print(f"{count:>13} {rss:>12.1f} {seconds:>8.1f}")
    turns = conversations * len(SCRIPT)
    print(f"{conversations} conversations, {turns} turns, {concurrency} at a time: "
          f"{turns / elapsed:.0f} turns/s, {len(errors)} errors")
    for problem in errors[:10]:
        print(f"  error: {problem}")

    midway = samples[len(samples) // 2][1]
    growth = (samples[-1][1] - midway) / midway
    print(f"memory growth over the second half: {growth:+.1%} "
          f"(allowed {ALLOWED_SECOND_HALF_GROWTH:.0%})")
    flat = growth <= ALLOWED_SECOND_HALF_GROWTH or len(samples) < 4
    return 0 if not errors and flat else 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load_test", description=__doc__.split("\n\n")[0])
    parser.add_argument("--conversations", type=int, default=10_000)
    parser.add_argument("--concurrency", type=int, default=50)
    args = parser.parse_args(argv)
    port = free_port()
    url = f"http://127.0.0.1:{port}/api/messages"
    host = start_host(port)
    try:
        asyncio.run(wait_until_serving(url, host))
        return asyncio.run(drive(url, host, args.conversations, args.concurrency))
    finally:
        host.terminate()
        host.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
