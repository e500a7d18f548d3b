"""Writes small function apps into a temporary folder for the local_run tests."""

import json
from pathlib import Path
from textwrap import dedent

HTTP_BINDINGS = [
    {
        "type": "httpTrigger",
        "direction": "in",
        "name": "req",
        "authLevel": "anonymous",
        "methods": ["post"],
        "route": "echo",
    },
    {"type": "http", "direction": "out", "name": "$return"},
]


def timer_bindings(schedule: str, run_on_startup: bool = False) -> list[dict]:
    return [
        {
            "type": "timerTrigger",
            "direction": "in",
            "name": "timer",
            "schedule": schedule,
            "runOnStartup": run_on_startup,
        }
    ]


def write_function(root: Path, name: str, bindings: list[dict], source: str) -> Path:
    """A v1 function folder: function.json plus __init__.py."""
    folder = root / name
    folder.mkdir()
    (folder / "function.json").write_text(
        json.dumps({"scriptFile": "__init__.py", "bindings": bindings})
    )
    (folder / "__init__.py").write_text(dedent(source))
    return folder
