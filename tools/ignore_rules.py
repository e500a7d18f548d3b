"""The subset of gitignore syntax that .funcignore uses, as Core Tools reads it.

Core Tools (and azd) leave out of the published package every path that a
.funcignore pattern matches, with gitignore rules: ``#`` comments, ``!``
negation, a trailing ``/`` for folders only, a ``/`` elsewhere anchoring the
pattern to the project root, and ``*``, ``?`` and ``**`` wildcards. A folder
that is left out takes everything under it along.
"""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List


@dataclass(frozen=True)
class IgnoreRule:
    regex: "re.Pattern[str]"
    negated: bool
    folders_only: bool


def _translate(glob: str) -> str:
    out, i = "", 0
    while i < len(glob):
        if glob.startswith("**/", i):
            out, i = out + "(?:.*/)?", i + 3
        elif glob.startswith("**", i):
            out, i = out + ".*", i + 2
        elif glob[i] == "*":
            out, i = out + "[^/]*", i + 1
        elif glob[i] == "?":
            out, i = out + "[^/]", i + 1
        else:
            out, i = out + re.escape(glob[i]), i + 1
    return out


def parse_rules(lines: Iterable[str]) -> List[IgnoreRule]:
    """The rules of an ignore file's lines, in order."""
    rules = []
    for line in lines:
        line = line.rstrip("\n").rstrip()
        if not line or line.startswith("#"):
            continue
        negated = line.startswith("!")
        pattern = line[1:] if negated else line
        folders_only = pattern.endswith("/")
        pattern = pattern.rstrip("/")
        anchored = "/" in pattern
        pattern = pattern.lstrip("/")
        prefix = "" if anchored else "(?:.*/)?"
        rules.append(IgnoreRule(re.compile(f"^{prefix}{_translate(pattern)}$"), negated, folders_only))
    return rules


def is_ignored(relative_path: str, is_folder: bool, rules: List[IgnoreRule]) -> bool:
    """Whether the last matching rule leaves ``relative_path`` (``a/b``) out."""
    ignored = False
    for rule in rules:
        if rule.folders_only and not is_folder:
            continue
        if rule.regex.match(relative_path):
            ignored = not rule.negated
    return ignored


def included_files(root: Path, rules: List[IgnoreRule]) -> List[str]:
    """Every file under ``root`` the rules keep, never descending into a folder left out."""
    kept = []

    def walk(folder: Path, prefix: str):
        for entry in sorted(folder.iterdir()):
            relative = f"{prefix}{entry.name}"
            is_folder = entry.is_dir()
            if is_ignored(relative, is_folder, rules):
                continue
            if is_folder:
                walk(entry, relative + "/")
            else:
                kept.append(relative)

    walk(root, "")
    return kept
