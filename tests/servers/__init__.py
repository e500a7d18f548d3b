"""Start and stop the local storage servers the tests run the stores against.

Both come from npm (package.json at the repository root, installed with
``npm ci``): Azurite's Blob service, and @vercel/cosmosdb-server through
cosmos_server.js beside this file. Each server listens on 127.0.0.1 on a
free port and is ready when it answers HTTP.

    python -m tests.servers    # start both, print their settings, wait for Ctrl+C
"""

import shutil
import socket
import ssl
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import List, Optional

from shared.storage.development_storage import (
    DEVELOPMENT_ACCOUNT,
    DEVELOPMENT_ACCOUNT_KEY,
    DEVELOPMENT_BLOB_PORT,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
NODE_MODULES = REPO_ROOT / "node_modules"
AZURITE_BLOB = NODE_MODULES / "azurite" / "dist" / "src" / "blob" / "main.js"
COSMOS_SERVER_PACKAGE = NODE_MODULES / "@vercel" / "cosmosdb-server"
COSMOS_LAUNCHER = Path(__file__).resolve().parent / "cosmos_server.js"
HOST = "127.0.0.1"
AZURITE_DEFAULT_PORT = DEVELOPMENT_BLOB_PORT
STARTUP_TIMEOUT_SECONDS = 30.0

# Any key works with the Cosmos-compatible server; this is the emulator's.
EMULATOR_KEY = (
    "C2y6yDjf5/R+ob0N8A7Cgv30VRDJIWEHLM+4QDU5DE2nQ9nDuVTqobD4b8mGGyPMbIZnqyMsEcaGQy67XIw/Jw=="
)


def stop_process(process: subprocess.Popen) -> None:
    """End ``process``: politely first, then by force."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


class ServerNotInstalled(RuntimeError):
    """node or the npm packages are missing."""


@dataclass
class RunningServer:
    """A server process started by this module."""

    name: str
    url: str
    port: int
    process: subprocess.Popen
    log_path: Path
    _log_file: object = field(repr=False, default=None)

    def log_tail(self, characters: int = 3000) -> str:
        return self.log_path.read_text(errors="replace")[-characters:]

    def stop(self) -> None:
        stop_process(self.process)
        if self._log_file is not None:
            self._log_file.close()
        self.log_path.unlink(missing_ok=True)


@dataclass
class AzuriteServer(RunningServer):
    @property
    def connection_string(self) -> str:
        return (
            f"DefaultEndpointsProtocol=http;AccountName={DEVELOPMENT_ACCOUNT};"
            f"AccountKey={DEVELOPMENT_ACCOUNT_KEY};"
            f"BlobEndpoint={self.url}/{DEVELOPMENT_ACCOUNT};"
        )


@dataclass
class CosmosServer(RunningServer):
    key: str = EMULATOR_KEY


def check_installed() -> None:
    """Raise ServerNotInstalled, saying how to fix it, unless both servers can run."""
    if shutil.which("node") is None:
        raise ServerNotInstalled("node is not on PATH: install Node.js 20 or later")
    missing = [str(p) for p in (AZURITE_BLOB, COSMOS_SERVER_PACKAGE) if not p.exists()]
    if missing:
        raise ServerNotInstalled(
            f"the test servers are not installed ({', '.join(missing)} missing): "
            f"run `npm ci` in {REPO_ROOT}"
        )


def free_port(preferred: Optional[int] = None) -> int:
    """``preferred`` if nothing listens there, else a port the OS picks."""
    if preferred is not None:
        with socket.socket() as probe:
            # As the servers do (Node sets it): connections a previous run left
            # in TIME-WAIT do not make the port taken.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((HOST, preferred))
                return preferred
            except OSError:
                pass
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


def start_azurite(port: Optional[int] = None, location: Optional[Path] = None) -> AzuriteServer:
    """Azurite's Blob service, accepting the old blob SDK's requests.

    ``--loose`` and ``--skipApiVersionCheck`` let azure-storage-blob 12.7.0 in;
    the keep-alive timeout outlasts the client's idle connections. Without a
    ``port`` it takes 10000, the development-storage port, when that is free.
    Data stays in memory, or in the ``location`` folder when one is given, so
    that a restarted server still has it.
    """
    check_installed()
    port = port or free_port(AZURITE_DEFAULT_PORT)
    command = [
        "node", str(AZURITE_BLOB),
        "--blobHost", HOST,
        "--blobPort", str(port),
        "--blobKeepAliveTimeout", "120",
        "--loose",
        "--skipApiVersionCheck",
        *(["--location", str(location)] if location else ["--inMemoryPersistence"]),
        "--disableTelemetry",
        "--silent",
    ]
    server = _spawn(AzuriteServer, "azurite-blob", command, f"http://{HOST}:{port}", port)
    _wait_until_answering(server, f"{server.url}/{DEVELOPMENT_ACCOUNT}?comp=list", None)
    return server


def start_cosmos(port: Optional[int] = None) -> CosmosServer:
    """The Cosmos-compatible server, over HTTPS with its self-signed certificate."""
    check_installed()
    port = port or free_port()
    command = ["node", str(COSMOS_LAUNCHER), "--host", HOST, "--port", str(port)]
    server = _spawn(CosmosServer, "cosmosdb-server", command, f"https://{HOST}:{port}/", port)
    _wait_until_answering(server, server.url, ssl._create_unverified_context())
    return server


def _spawn(kind, name: str, command: List[str], url: str, port: int):
    log_file = tempfile.NamedTemporaryFile(prefix=f"{name}-", suffix=".log", delete=False)
    process = subprocess.Popen(
        command,
        cwd=REPO_ROOT,
        stdin=subprocess.DEVNULL,
        stdout=log_file,
        stderr=subprocess.STDOUT,
    )
    return kind(name, url, port, process, Path(log_file.name), log_file)


def _wait_until_answering(server: RunningServer, url: str, context) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            _fail(server, f"{server.name} exited with code {server.process.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2, context=context).close()
            return
        except urllib.error.HTTPError:
            return  # any HTTP answer means it is up
        except (urllib.error.URLError, ConnectionError, socket.timeout):
            time.sleep(0.1)
    _fail(server, f"{server.name} did not answer at {url} within {STARTUP_TIMEOUT_SECONDS:.0f} s")


def _fail(server: RunningServer, problem: str) -> None:
    log = server.log_tail()
    server.stop()
    raise RuntimeError(f"{problem}:\n{log}")
