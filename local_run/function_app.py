"""Read a v1 function app (host.json plus one folder per function) like the Functions host.

Each folder holding a function.json is a function; its trigger binding says how
it is invoked and its script module provides the entry point. The module is
imported by folder name, so the app root must be on ``sys.path`` (it is when
the host runs with ``python -m`` from there), just as the Python worker imports
it in Azure; shared code is then importable as ``from shared import ...``.
"""

from __future__ import annotations

import importlib
import inspect
import json
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from local_run.app_settings import MissingAppSettingError, resolve_app_settings
from local_run.ncrontab import NCrontabError
from local_run.timer_schedule import TimerSchedule, parse_timer_schedule

__all__ = [
    "FunctionApp",
    "FunctionLoadError",
    "HttpFunction",
    "TimerFunction",
    "discover_function_folders",
    "load_function_app",
]

EntryPoint = Callable[..., Any]


class FunctionLoadError(Exception):
    """A function the host cannot serve; the message names it and says why."""


@dataclass(frozen=True)
class HttpFunction:
    """An httpTrigger function: served at /<route prefix>/<route> for ``methods``."""

    name: str
    route: str
    methods: tuple[str, ...]
    binding_name: str
    main: EntryPoint


@dataclass(frozen=True)
class TimerFunction:
    """A timerTrigger function with its schedule already resolved and parsed."""

    name: str
    schedule: TimerSchedule
    schedule_source: str
    run_on_startup: bool
    binding_name: str
    main: EntryPoint


@dataclass(frozen=True)
class FunctionApp:
    """Everything the local host serves, plus why any folder was skipped."""

    route_prefix: str
    http_functions: tuple[HttpFunction, ...] = ()
    timer_functions: tuple[TimerFunction, ...] = ()
    skipped: tuple[str, ...] = ()


def discover_function_folders(root: Path) -> list[Path]:
    """The folders directly under ``root`` that hold a function.json, by name."""
    return sorted(
        child
        for child in root.iterdir()
        if child.is_dir() and not child.name.startswith(".") and (child / "function.json").is_file()
    )


def load_function_app(root: Path, settings: Mapping[str, str] | None = None) -> FunctionApp:
    """Load every function under ``root``; ``settings`` (default: the environment)
    resolve ``%Name%`` placeholders."""
    app_settings = os.environ if settings is None else settings
    http_functions: list[HttpFunction] = []
    timer_functions: list[TimerFunction] = []
    skipped: list[str] = []
    for folder in discover_function_folders(root):
        config = _read_json(folder / "function.json")
        if config.get("disabled") is True:
            skipped.append(f"{folder.name}: disabled in function.json")
            continue
        trigger, others = _split_bindings(folder.name, config)
        trigger_type = trigger.get("type")
        if trigger_type == "httpTrigger":
            _require_only_http_return(folder.name, others)
            http_functions.append(_http_function(folder, config, trigger))
        elif trigger_type == "timerTrigger":
            if others:
                raise FunctionLoadError(
                    f"{folder.name}: local_run supports no bindings beside the timer trigger"
                )
            timer_functions.append(_timer_function(folder, config, trigger, app_settings))
        else:
            skipped.append(f"{folder.name}: {trigger_type} triggers are not supported by local_run")
    return FunctionApp(
        _route_prefix(root), tuple(http_functions), tuple(timer_functions), tuple(skipped)
    )


def _http_function(folder: Path, config: dict[str, Any], trigger: dict[str, Any]) -> HttpFunction:
    route = str(trigger.get("route") or folder.name).strip("/")
    methods = tuple(str(method).upper() for method in trigger.get("methods") or ())
    binding_name = str(trigger["name"])
    return HttpFunction(
        folder.name, route, methods, binding_name, _entry_point(folder, config, binding_name)
    )


def _timer_function(
    folder: Path, config: dict[str, Any], trigger: dict[str, Any], settings: Mapping[str, str]
) -> TimerFunction:
    source = str(trigger.get("schedule", ""))
    try:
        resolved = resolve_app_settings(source, settings, where=f"{folder.name}'s schedule")
        schedule = parse_timer_schedule(resolved)
        schedule.next_after(datetime.now(UTC))  # refuse a schedule that never fires
    except (MissingAppSettingError, NCrontabError) as error:
        raise FunctionLoadError(f"{folder.name}: {error}") from None
    binding_name = str(trigger["name"])
    return TimerFunction(
        folder.name,
        schedule,
        source,
        bool(trigger.get("runOnStartup", False)),
        binding_name,
        _entry_point(folder, config, binding_name),
    )


def _split_bindings(
    function_name: str, config: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    bindings = config.get("bindings")
    if not isinstance(bindings, list):
        raise FunctionLoadError(f'{function_name}: function.json has no "bindings" list')
    triggers = [b for b in bindings if str(b.get("type", "")).endswith("Trigger")]
    if len(triggers) != 1 or "name" not in triggers[0]:
        raise FunctionLoadError(
            f"{function_name}: function.json needs exactly one named trigger binding"
        )
    return triggers[0], [b for b in bindings if b is not triggers[0]]


def _require_only_http_return(function_name: str, others: list[dict[str, Any]]) -> None:
    for binding in others:
        if binding.get("type") != "http" or binding.get("name") != "$return":
            raise FunctionLoadError(
                f'{function_name}: local_run supports only an http output binding named "$return" '
                f"beside the trigger, not {binding.get('type')} '{binding.get('name')}'"
            )


def _entry_point(folder: Path, config: dict[str, Any], binding_name: str) -> EntryPoint:
    module = _import_script(folder, str(config.get("scriptFile", "__init__.py")))
    name = str(config.get("entryPoint", "main"))
    main: EntryPoint | None = getattr(module, name, None)
    if not callable(main):
        raise FunctionLoadError(f"{folder.name}: {module.__name__} has no function '{name}'")
    parameters = set(inspect.signature(main).parameters)
    if parameters != {binding_name}:
        raise FunctionLoadError(
            f"{folder.name}: {name}() must take exactly the trigger binding '{binding_name}' "
            f"named in function.json, but takes {sorted(parameters)}"
        )
    return main


def _import_script(folder: Path, script_file: str) -> ModuleType:
    script = Path(script_file)
    module_name = folder.name if script.name == "__init__.py" else f"{folder.name}.{script.stem}"
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != folder.name:
            raise FunctionLoadError(
                f"{folder.name}: importing {module_name} failed: {error}"
            ) from error
        raise FunctionLoadError(
            f"{folder.name}: cannot import {module_name}; run the host from the function app root "
            f"({folder.parent}) so it is on sys.path"
        ) from None
    except Exception as error:
        raise FunctionLoadError(
            f"{folder.name}: importing {module_name} failed: {error!r}"
        ) from error
    origin = Path(module.__file__ or "").resolve()
    if not origin.is_relative_to(folder.resolve()):
        raise FunctionLoadError(
            f"{folder.name}: '{module_name}' was imported from {origin}, not from {folder}; "
            "run the host from the function app root"
        )
    return module


def _route_prefix(root: Path) -> str:
    host_json = root / "host.json"
    if not host_json.is_file():
        return "api"
    http = _read_json(host_json).get("extensions", {}).get("http", {})
    return str(http.get("routePrefix", "api")).strip("/")


def _read_json(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise FunctionLoadError(f"{path}: cannot read it as JSON: {error}") from error
    if not isinstance(document, dict):
        raise FunctionLoadError(f"{path}: expected a JSON object")
    return document
