"""Load local.settings.json "Values" into the environment, as ``func start`` does.

Variables already set win, so CI and one-off ``export``s override the file.
A fresh clone has no local.settings.json (it is git-ignored because it holds
secrets); then the committed local.settings.json.example supplies the local
defaults, minus its ``<placeholder>`` values, so the README's run command
works with the embedded memory storage without any setup.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "EXAMPLE_SETTINGS_FILE",
    "LOCAL_SETTINGS_FILE",
    "LoadedSettings",
    "SettingsFileError",
    "load_local_settings",
]

LOCAL_SETTINGS_FILE = "local.settings.json"
EXAMPLE_SETTINGS_FILE = "local.settings.json.example"

_PLACEHOLDER = re.compile(r"^<[^<>]*>$")


class SettingsFileError(ValueError):
    """A settings file that cannot be used; the message names the file."""


@dataclass
class LoadedSettings:
    """What was loaded, for the start-up log."""

    path: Path | None
    applied: list[str] = field(default_factory=list)
    kept_from_environment: list[str] = field(default_factory=list)
    skipped_placeholders: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """One log line saying which file was used and what it did."""
        if self.path is None:
            return (
                f"Settings: no {LOCAL_SETTINGS_FILE} or {EXAMPLE_SETTINGS_FILE}; "
                "using the environment only"
            )
        source = f"Settings: {self.path.name}"
        if self.path.name == EXAMPLE_SETTINGS_FILE:
            source += f" ({LOCAL_SETTINGS_FILE} not found)"
        parts = [source, f"{len(self.applied)} applied"]
        if self.kept_from_environment:
            parts.append(f"environment kept for {', '.join(self.kept_from_environment)}")
        if self.skipped_placeholders:
            parts.append(f"placeholders skipped: {', '.join(self.skipped_placeholders)}")
        return "; ".join(parts)


def load_local_settings(
    root: Path, environ: MutableMapping[str, str] | None = None
) -> LoadedSettings:
    """Copy the settings file's "Values" under ``root`` into ``environ``.

    ``environ`` defaults to ``os.environ``; existing keys are never overwritten.
    """
    target = os.environ if environ is None else environ
    local_file = root / LOCAL_SETTINGS_FILE
    example_file = root / EXAMPLE_SETTINGS_FILE
    if local_file.is_file():
        path, skip_placeholders = local_file, False
    elif example_file.is_file():
        path, skip_placeholders = example_file, True
    else:
        return LoadedSettings(path=None)

    loaded = LoadedSettings(path=path)
    for name, value in _read_values(path).items():
        if skip_placeholders and _PLACEHOLDER.match(value):
            loaded.skipped_placeholders.append(name)
        elif name in target:
            loaded.kept_from_environment.append(name)
        else:
            target[name] = value
            loaded.applied.append(name)
    return loaded


def _read_values(path: Path) -> dict[str, str]:
    try:
        document = json.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, ValueError) as error:
        raise SettingsFileError(f"{path}: cannot read it as JSON: {error}") from error
    if not isinstance(document, dict):
        raise SettingsFileError(f'{path}: expected a JSON object with a "Values" object')
    if document.get("IsEncrypted"):
        raise SettingsFileError(
            f'{path}: "IsEncrypted" is true; decrypt it with `func settings decrypt` first'
        )
    values = document.get("Values", {})
    if not isinstance(values, dict):
        raise SettingsFileError(f'{path}: "Values" must be an object of strings')
    not_strings = sorted(name for name, value in values.items() if not isinstance(value, str))
    if not_strings:
        raise SettingsFileError(
            f'{path}: "Values" must hold strings (environment variables); '
            f"quote {', '.join(not_strings)}"
        )
    return values
