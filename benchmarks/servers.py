"""The storage servers a benchmark run needs, direct and behind the delaying proxy.

Direct servers come from the test suite (tests/servers). For the latency
tables, Azurite gets a delaying proxy in front of it, and a second
Cosmos-compatible server runs behind its own proxy, advertising the proxy's
address (see cosmos_behind_proxy.js).
"""

import os
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Tuple

from tests import servers as test_servers

from .delay_proxy import start_delay_proxy

COSMOS_BEHIND_PROXY = Path(__file__).resolve().parent / "cosmos_behind_proxy.js"
HOST = test_servers.HOST
STARTUP_TIMEOUT_SECONDS = 30


@dataclass(frozen=True)
class StorageServers:
    """Where the benchmark finds each storage server."""

    blob_connection_string: str
    cosmos_endpoint: str
    cosmos_key: str
    blob_pids: Tuple[int, ...] = ()  # the processes serving each, proxies included
    cosmos_pids: Tuple[int, ...] = ()


def start_direct(stack: ExitStack) -> StorageServers:
    """Azurite and the Cosmos-compatible server, each on a free loopback port."""
    azurite = test_servers.start_azurite(test_servers.free_port())
    stack.callback(azurite.stop)
    cosmos = test_servers.start_cosmos()
    stack.callback(cosmos.stop)
    return StorageServers(
        azurite.connection_string,
        cosmos.url,
        cosmos.key,
        (azurite.process.pid,),
        (cosmos.process.pid,),
    )


def start_delayed(stack: ExitStack, direct: StorageServers, delay_ms: float) -> StorageServers:
    """The same storage, reached through proxies adding ``delay_ms`` to each round trip."""
    azurite_port = int(direct.blob_connection_string.split(f"{HOST}:", 1)[1].split("/", 1)[0])
    blob_proxy = start_delay_proxy(azurite_port, delay_ms)
    stack.callback(blob_proxy.stop)

    proxy_port = test_servers.free_port()
    cosmos_port = test_servers.free_port()
    while cosmos_port == proxy_port:
        cosmos_port = test_servers.free_port()
    cosmos_pid = _start_cosmos_advertising(stack, cosmos_port, proxy_port)
    cosmos_proxy = start_delay_proxy(cosmos_port, delay_ms, listen_port=proxy_port)
    stack.callback(cosmos_proxy.stop)
    return StorageServers(
        direct.blob_connection_string.replace(f"{HOST}:{azurite_port}", f"{HOST}:{blob_proxy.port}"),
        f"https://{HOST}:{proxy_port}/",
        direct.cosmos_key,
        (*direct.blob_pids, blob_proxy.process.pid),
        (cosmos_pid, cosmos_proxy.process.pid),
    )


def _start_cosmos_advertising(stack: ExitStack, port: int, advertised_port: int) -> int:
    log = stack.enter_context(
        tempfile.NamedTemporaryFile(prefix="cosmos-behind-proxy-", suffix=".log", delete=False)
    )
    process = subprocess.Popen(
        ["node", str(COSMOS_BEHIND_PROXY), "--host", HOST, "--port", str(port)],
        cwd=test_servers.REPO_ROOT,
        env={**os.environ, "ADVERTISED_PORT": str(advertised_port)},
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    stack.callback(test_servers.stop_process, process)
    _wait_until_answering(process, f"https://{HOST}:{port}/")
    return process.pid


def _wait_until_answering(process: subprocess.Popen, url: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    context = ssl._create_unverified_context()  # the server's certificate is self-signed
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{url}: server exited with code {process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2, context=context).close()
            return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            time.sleep(0.1)
    raise RuntimeError(f"{url}: server did not answer within {STARTUP_TIMEOUT_SECONDS} s")
