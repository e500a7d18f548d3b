"""Run the function app without Azure Functions Core Tools.

``python -m local_run.host`` from the app root serves every httpTrigger
function at ``/api/<route>`` and fires every timerTrigger function on its
schedule, calling the very same ``main`` functions the Python worker calls in
Azure, with real ``azure.functions`` request objects. It also serves the Bot
Connector routes (``local_run.connector``), so what the bot sends to a local
conversation outside a turn reaches the terminal chat. On SIGTERM or Ctrl-C it
stops its timers and web server, then lets the app close its connections
(``local_run.app_shutdown``). Tests start it in-process with ``start_host``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import errno
import logging
import signal
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from aiohttp import web

from local_run.app_shutdown import close_app
from local_run.connector import CONNECTOR_ROUTES, LocalConnector
from local_run.function_app import FunctionApp, FunctionLoadError, load_function_app
from local_run.settings_file import SettingsFileError, load_local_settings
from local_run.timer_runner import Clock, TimerRunner, utc_now
from local_run.web_app import create_web_app, route_path

__all__ = ["DEFAULT_PORT", "RunningHost", "main", "start_host"]

DEFAULT_PORT = 7071  # the port `func start` uses, so Emulator settings carry over

logger = logging.getLogger("local_run.host")


@dataclass
class RunningHost:
    """A started host: its base ``url`` (no trailing slash), what the bot sent to
    its connector routes, and how to stop it."""

    url: str
    app: FunctionApp
    connector: LocalConnector
    _web_runner: web.AppRunner
    _timers: TimerRunner

    def http_url(self, route: str) -> str:
        """The full URL of an httpTrigger route, e.g. ``http_url("messages")``."""
        return self.url + route_path(self.app.route_prefix, route)

    def describe(self) -> list[str]:
        """The start-up lines: each function with its URL or next fire time."""
        lines = ["Functions:"]
        for function in self.app.http_functions:
            methods = ",".join(function.methods) or "any method"
            lines.append(f"    {function.name}: [{methods}] {self.http_url(function.route)}")
        next_runs = self._timers.next_occurrences()
        for timer in self.app.timer_functions:
            origin = (
                ""
                if timer.schedule_source == timer.schedule.expression
                else f" (from {timer.schedule_source})"
            )
            lines.append(
                f"    {timer.name}: timerTrigger '{timer.schedule.expression}'{origin}, "
                f"next run {next_runs[timer.name].isoformat()} (UTC)"
            )
        lines.extend(f"    skipped {reason}" for reason in self.app.skipped)
        lines.append("Bot Connector (what the bot sends to a conversation whose serviceUrl is here):")
        lines.extend(f"    {route.replace(' ', ' ' + self.url, 1)}" for route in CONNECTOR_ROUTES)
        return lines

    async def stop(self) -> None:
        """Stop the timers (cancelling a run in progress), then the web server.

        The app's own connections stay open: an in-process caller owns the
        app's worker; the command line closes it with ``close_app``.
        """
        await self._timers.stop()
        await self._web_runner.cleanup()

    async def __aenter__(self) -> RunningHost:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()


async def start_host(
    root: Path,
    *,
    host: str = "127.0.0.1",
    port: int = 0,
    settings: Mapping[str, str] | None = None,
    app: FunctionApp | None = None,
    clock: Clock = utc_now,
) -> RunningHost:
    """Serve the function app under ``root`` on ``host:port`` (0 picks a free port).

    ``settings`` resolve ``%Name%`` in function.json (default: the environment;
    load local.settings.json first with ``load_local_settings`` if wanted).
    ``app`` replaces discovery, for tests that inject their own functions.
    """
    function_app = app if app is not None else load_function_app(root, settings)
    if not function_app.http_functions and not function_app.timer_functions:
        reasons = "".join(f"; skipped {reason}" for reason in function_app.skipped)
        raise FunctionLoadError(f"no functions to serve under {root}{reasons}")
    web_app = create_web_app(function_app)
    connector = LocalConnector()
    connector.add_routes(web_app)
    web_runner = web.AppRunner(web_app, access_log=None)
    await web_runner.setup()
    try:
        site = web.TCPSite(web_runner, host, port)
        await site.start()
    except BaseException:
        await web_runner.cleanup()
        raise
    bound_port = web_runner.addresses[0][1]
    timers = TimerRunner(function_app.timer_functions, clock)
    timers.start()
    url = f"http://{_url_host(host)}:{bound_port}"
    return RunningHost(url, function_app, connector, web_runner, timers)


def _url_host(host: str) -> str:
    if host in ("", "0.0.0.0", "::"):
        return "localhost"
    return f"[{host}]" if ":" in host else host


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: load settings, start the host, run until Ctrl-C."""
    parser = argparse.ArgumentParser(
        prog="python -m local_run.host", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help=f"port (default: {DEFAULT_PORT})"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("azure").setLevel(logging.WARNING)  # SDK request logs drown the bot's own
    root = Path.cwd()
    try:
        logger.info(load_local_settings(root).describe())  # before any function module is imported
        asyncio.run(_serve(root, args.host, args.port))
    except (SettingsFileError, FunctionLoadError) as error:
        logger.error("%s", error, exc_info=error.__cause__ is not None)
        return 1
    except OSError as error:
        if error.errno != errno.EADDRINUSE:
            raise
        logger.error(
            "%s:%d is already in use (is `func start` or another host running?); "
            "choose another --port",
            args.host,
            args.port,
        )
        return 1
    except KeyboardInterrupt:
        pass
    return 0


async def _serve(root: Path, host: str, port: int) -> None:
    running = await start_host(root, host=host, port=port)
    try:
        for line in running.describe():
            logger.info("%s", line)
        logger.info("Host started at %s; press Ctrl-C to stop", running.url)
        await _until_stop_signal()
    finally:
        logger.info("Stopping")
        await running.stop()
        await close_app()


async def _until_stop_signal() -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(
            NotImplementedError, RuntimeError
        ):  # Windows: Ctrl-C raises instead
            loop.add_signal_handler(signum, stop.set)
    await stop.wait()


if __name__ == "__main__":
    sys.exit(main())
