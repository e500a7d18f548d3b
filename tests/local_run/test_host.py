"""The host serves a function app from its folders, in a test or from the command line."""

import asyncio
import json
import os
import re
import signal
import sys
from pathlib import Path

import aiohttp
import pytest

from local_run.function_app import FunctionLoadError
from local_run.host import start_host
from tests.local_run.function_folders import HTTP_BINDINGS, timer_bindings, write_function

REPO_ROOT = Path(__file__).resolve().parents[2]

ECHO = """
    import os
    import azure.functions as func

    GREETING = os.environ["Greeting"]  # read at import, like shared.worker's settings

    async def main(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(GREETING + " " + req.get_body().decode())
"""

TICK = """
    import logging
    import azure.functions as func

    async def main(timer: func.TimerRequest) -> None:
        logging.getLogger("tick").warning("tick past_due=%s", timer.past_due)
"""


@pytest.mark.asyncio
async def test_start_host_serves_the_folders_on_a_free_port(app_root, monkeypatch):
    monkeypatch.setenv("Greeting", "hello")
    write_function(app_root, "echo_function", HTTP_BINDINGS, ECHO)
    write_function(app_root, "tick_function", timer_bindings("%TickSchedule%"), TICK)

    host = await start_host(app_root, settings={"TickSchedule": "0 0 * * * *"})
    try:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", host.url)
        assert host.http_url("echo") == host.url + "/api/echo"
        async with aiohttp.ClientSession() as client:
            async with client.post(host.http_url("echo"), data=b"world") as response:
                assert await response.text() == "hello world"
        lines = host.describe()
        assert f"    echo_function: [POST] {host.url}/api/echo" in lines
        assert any(
            line.startswith("    tick_function: timerTrigger '0 0 * * * *' (from %TickSchedule%)")
            and ":00:00+00:00 (UTC)" in line
            for line in lines
        )
    finally:
        await host.stop()

    async with aiohttp.ClientSession() as client:
        with pytest.raises(aiohttp.ClientConnectionError):
            await client.post(host.http_url("echo"))


@pytest.mark.asyncio
async def test_an_app_without_functions_is_refused(tmp_path):
    with pytest.raises(FunctionLoadError, match="no functions to serve"):
        await start_host(tmp_path)


@pytest.mark.asyncio
async def test_the_command_loads_settings_serves_fires_timers_and_stops_on_ctrl_c(app_root):
    write_function(app_root, "echo_function", HTTP_BINDINGS, ECHO)
    write_function(app_root, "tick_function", timer_bindings("%TickSchedule%"), TICK)
    settings = {"Values": {"Greeting": "from-file", "TickSchedule": "*/1 * * * * *"}}
    (app_root / "local.settings.json").write_text(json.dumps(settings))
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "Greeting": "from-env"}

    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "local_run.host", "--port", "0"),
        cwd=app_root,
        env=environment,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        log = await read_until(process.stderr, "tick past_due=False")
        base_url = re.search(r"Host started at (http://\S+);", log).group(1)
        async with aiohttp.ClientSession() as client:
            async with client.post(base_url + "/api/echo", data=b"there") as response:
                assert await response.text() == "from-env there"
        process.send_signal(signal.SIGINT)
        rest = (await asyncio.wait_for(process.stderr.read(), 10)).decode()
        assert await asyncio.wait_for(process.wait(), 10) == 0
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()

    assert "Settings: local.settings.json; 1 applied; environment kept for Greeting" in log
    assert "Stopping" in rest
    assert "Traceback" not in log + rest


@pytest.mark.asyncio
async def test_the_command_names_a_missing_setting_and_exits_1(app_root):
    write_function(app_root, "tick_function", timer_bindings("%TickSchedule%"), TICK)
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    environment.pop("TickSchedule", None)

    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "local_run.host", "--port", "0"),
        cwd=app_root,
        env=environment,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), 30)

    assert process.returncode == 1
    assert "tick_function's schedule refers to the app setting 'TickSchedule'" in stderr.decode()


async def read_until(stream: asyncio.StreamReader, marker: str, timeout: float = 30) -> str:
    """The stream's text up to and including the line holding ``marker``."""
    text = ""
    async with asyncio.timeout(timeout):
        while marker not in text:
            line = await stream.readline()
            if not line:
                raise AssertionError(f"the host exited before logging {marker!r}:\n{text}")
            text += line.decode()
    return text
