"""A TCP proxy on loopback that holds every byte sent upstream for a fixed delay.

There is no ``tc netem`` on the benchmark machines, so storage latency is made
here: each chunk a client sends reaches the server ``delay`` later, and
answers come straight back, so every request's round trip (and every TLS
handshake round trip) grows by the delay. Chunks are delayed from their own
arrival, so requests in flight at once are not queued behind each other.

It runs as its own process, so a bot that blocks its event loop cannot stall
the proxy, and the proxy's CPU is not counted as the bot's:

    python -m benchmarks.delay_proxy --listen-port 0 --upstream-port 10000 --delay-ms 5

prints ``listening on <port>`` once it accepts connections.

Bounded: loopback only, at most ``MAX_CONNECTIONS`` at once, and at most
``MAX_CHUNKS_IN_FLIGHT`` chunks held per connection (reading pauses beyond).
"""

import argparse
import asyncio
import ipaddress
import signal
import socket
import subprocess
import sys
from contextlib import suppress
from dataclasses import dataclass

from tests.servers import stop_process

HOST = "127.0.0.1"
MAX_CONNECTIONS = 512
MAX_CHUNKS_IN_FLIGHT = 256
CHUNK_BYTES = 64 * 1024
STARTUP_TIMEOUT_SECONDS = 10


async def _forward(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float):
    """Copy ``reader`` to ``writer``, each chunk ``delay`` seconds after it arrived."""
    loop = asyncio.get_running_loop()
    held: asyncio.Queue = asyncio.Queue(MAX_CHUNKS_IN_FLIGHT)

    async def hold():
        while chunk := await reader.read(CHUNK_BYTES):
            await held.put((loop.time() + delay, chunk))
        await held.put((None, b""))

    holder = asyncio.create_task(hold())
    try:
        while True:
            due, chunk = await held.get()
            if due is None:
                break
            if (wait := due - loop.time()) > 0:
                await asyncio.sleep(wait)
            writer.write(chunk)
            await writer.drain()
        if writer.can_write_eof():
            writer.write_eof()
    finally:
        holder.cancel()
        with suppress(asyncio.CancelledError, ConnectionError):
            await holder


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter):
    while chunk := await reader.read(CHUNK_BYTES):
        writer.write(chunk)
        await writer.drain()
    if writer.can_write_eof():
        writer.write_eof()


class DelayProxy:
    """Accepts on loopback and relays each connection to ``upstream_port``."""

    def __init__(self, upstream_host: str, upstream_port: int, delay_seconds: float):
        if not ipaddress.ip_address(socket.gethostbyname(upstream_host)).is_loopback:
            raise ValueError(f"the delaying proxy relays to loopback only, not {upstream_host}")
        self._upstream = (upstream_host, upstream_port)
        self._delay = delay_seconds
        self._slots = asyncio.Semaphore(MAX_CONNECTIONS)

    async def serve(self, listen_port: int) -> asyncio.AbstractServer:
        return await asyncio.start_server(self._relay, HOST, listen_port)

    async def _relay(self, client_reader, client_writer):
        if self._slots.locked():
            client_writer.close()
            return
        async with self._slots:
            try:
                server_reader, server_writer = await asyncio.open_connection(*self._upstream)
            except OSError:
                client_writer.close()
                return
            try:
                await asyncio.gather(
                    _forward(client_reader, server_writer, self._delay),
                    _copy(server_reader, client_writer),
                )
            except (OSError, asyncio.IncompleteReadError):
                pass  # either side went away: the other one is closed below
            except asyncio.CancelledError:
                pass  # the proxy is shutting down; end this connection quietly
            finally:
                for writer in (client_writer, server_writer):
                    writer.close()


@dataclass
class RunningProxy:
    """A proxy process started by :func:`start_delay_proxy`."""

    port: int
    process: subprocess.Popen

    def stop(self) -> None:
        stop_process(self.process)


def start_delay_proxy(upstream_port: int, delay_ms: float, listen_port: int = 0) -> RunningProxy:
    """Start the proxy in its own process; returns once it listens."""
    process = subprocess.Popen(
        [
            sys.executable, "-m", "benchmarks.delay_proxy",
            "--listen-port", str(listen_port),
            "--upstream-port", str(upstream_port),
            "--delay-ms", str(delay_ms),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    line = process.stdout.readline()  # the child prints once listening, or exits
    if not line.startswith("listening on "):
        process.kill()
        raise RuntimeError(f"the delaying proxy did not start (exit code {process.wait()})")
    return RunningProxy(int(line.split()[-1]), process)


async def _main(arguments) -> None:
    proxy = DelayProxy(arguments.upstream_host, arguments.upstream_port, arguments.delay_ms / 1000)
    server = await proxy.serve(arguments.listen_port)
    print(f"listening on {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(signal_number, stop.set)
    await stop.wait()
    server.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--listen-port", type=int, default=0)
    parser.add_argument("--upstream-host", default=HOST)
    parser.add_argument("--upstream-port", type=int, required=True)
    parser.add_argument("--delay-ms", type=float, default=5.0)
    asyncio.run(_main(parser.parse_args()))


if __name__ == "__main__":
    main()
