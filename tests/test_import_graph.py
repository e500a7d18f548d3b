"""What each function loads when a worker imports it: the sweeper stays lean."""

import json
import subprocess
import sys
from pathlib import Path

from tests.cold_worker import run_in_fresh_process

REPO_ROOT = Path(__file__).resolve().parents[1]
HEAVY = ["botbuilder.core", "botbuilder.dialogs", "botbuilder.integration.aiohttp", "aiohttp.web", "azure.cosmos", "azure.storage.blob"]


def modules_loaded_by(module: str, environment=None) -> dict:
    script = (
        f"import sys, json; import {module}; "
        f"print(json.dumps({{name: name in sys.modules for name in {HEAVY!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, text=True, check=True,
        env=environment,
    )
    return json.loads(result.stdout)


def test_the_sweeper_loads_neither_botbuilder_nor_the_http_stack_nor_unused_sdks():
    assert not any(modules_loaded_by("sweeper_function").values())


def test_the_messages_function_loads_no_storage_sdk_it_is_not_configured_for():
    loaded = modules_loaded_by("messages_function")
    assert not loaded["azure.cosmos"] and not loaded["azure.storage.blob"]


def test_the_lifecycle_and_its_notice_sender_load_no_connector_until_they_send():
    loaded = modules_loaded_by("shared.lifecycle.notices, shared.lifecycle.sweep, shared.scheduled_sweep")
    assert not any(loaded.values())
    loaded_modules = subprocess.run(
        [sys.executable, "-c", "import sys, shared.lifecycle.notices; print(sorted(sys.modules))"],
        cwd=REPO_ROOT, capture_output=True, text=True, check=True,
    ).stdout
    for connector_stack in ("'botframework.connector'", "'msrest'", "'aiohttp'"):
        assert connector_stack not in loaded_modules


def test_answering_a_turn_loads_neither_aiohttps_web_server_nor_botbuilders_integration():
    worker = run_in_fresh_process()
    assert worker["replies"] == ["Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"]
    assert worker["modules"] == []
