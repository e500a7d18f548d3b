"""``%Name%`` binding expressions: function.json values taken from app settings.

The Functions host replaces each ``%Name%`` in a binding property with the app
setting ``Name`` before it reads the property; the local host does the same so
``"schedule": "%SweepSchedule%"`` means the same thing in both places.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = ["MissingAppSettingError", "resolve_app_settings"]

_PLACEHOLDER = re.compile(r"%([^%\s]+)%")


class MissingAppSettingError(LookupError):
    """A ``%Name%`` placeholder whose setting is not defined."""

    def __init__(self, setting: str, where: str) -> None:
        super().__init__(
            f"{where} refers to the app setting '{setting}' (as %{setting}%), but it is not set: "
            f'add it to local.settings.json "Values" or export {setting}'
        )
        self.setting = setting


def resolve_app_settings(value: str, settings: Mapping[str, str], *, where: str) -> str:
    """Replace every ``%Name%`` in ``value`` with ``settings[Name]``.

    ``where`` names the binding property in the error, e.g.
    "sweeper_function's schedule".
    """

    def substitute(match: re.Match[str]) -> str:
        name = match.group(1)
        if name not in settings:
            raise MissingAppSettingError(name, where)
        return settings[name]

    return _PLACEHOLDER.sub(substitute, value)
