"""Reads the literal parts of this project's Bicep files, without the Bicep CLI.

No Bicep compiler runs offline, so the drift tests read the templates' text:
the value after ``var X =``, ``param X ... =`` or a ``resource``/``module``
declaration's ``=``. Objects, arrays, strings, numbers and booleans become
Python values; anything else (a reference, a function call, a string with
``${}``) becomes an :class:`Expression` holding its text, which the tests
resolve or leave alone.
"""

import re
from dataclasses import dataclass
from typing import Any, Dict, List, Tuple


@dataclass(frozen=True)
class Expression:
    """A Bicep expression the reader does not evaluate."""

    text: str


_DECLARATION = re.compile(
    r"^(?P<kind>var|param|resource|module|output)\s+(?P<name>\w+)\s*(?P<type>[^=\n]*?)=\s*",
    re.MULTILINE,
)


def _strip_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):  # checkov's skip comments
            continue
        # A // outside a string starts a comment; the templates' strings hold
        # no //, except URLs, which contain ':' right before it.
        cut = re.search(r"(?<![:'])//", line)
        lines.append(line[: cut.start()] if cut else line)
    return "\n".join(lines)


class _Parser:
    def __init__(self, text: str, position: int):
        self.text = text
        self.pos = position

    def _skip_space(self):
        while self.pos < len(self.text) and self.text[self.pos] in " \t\r\n":
            self.pos += 1

    def value(self) -> Any:
        self._skip_space()
        if self.text.startswith("if (", self.pos):  # conditional resource or module
            self.pos += 3
            depth = 0
            while True:
                char = self.text[self.pos]
                depth += char == "("
                depth -= char == ")"
                self.pos += 1
                if depth == 0:
                    break
            self._skip_space()
        char = self.text[self.pos]
        if char == "{":
            return self._object()
        if char == "[":
            loop = re.compile(r"\[\s*for\s+[^:]+:").match(self.text, self.pos)
            if loop:  # [for x in xs: {...}] reads as the body, once
                self.pos = loop.end()
                body = self.value()
                self._skip_space()
                self.pos += 1  # the closing ]
                return body
            return self._array()
        return self._scalar()

    def _object(self) -> Dict[str, Any]:
        self.pos += 1
        result = {}
        while True:
            self._skip_space()
            if self.text[self.pos] == "}":
                self.pos += 1
                return result
            match = re.compile(r"('(?:[^'\\]|\\.)*'|[\w$]+)\s*:").match(self.text, self.pos)
            if match is None:
                raise ValueError(f"cannot read an object key at {self.text[self.pos:self.pos + 40]!r}")
            key = match.group(1).strip("'")
            self.pos = match.end()
            result[key] = self.value()

    def _array(self) -> List[Any]:
        self.pos += 1
        result = []
        while True:
            self._skip_space()
            if self.text[self.pos] == "]":
                self.pos += 1
                return result
            result.append(self.value())

    def _scalar(self) -> Any:
        end = self.text.find("\n", self.pos)
        end = len(self.text) if end == -1 else end
        raw = self.text[self.pos:end].strip()
        self.pos = end
        if re.fullmatch(r"'(?:[^'\\$]|\\.)*'", raw):
            return raw[1:-1].replace("\\'", "'")
        if re.fullmatch(r"-?\d+", raw):
            return int(raw)
        if raw in ("true", "false"):
            return raw == "true"
        return Expression(raw)


def declarations(text: str) -> Dict[Tuple[str, str], Any]:
    """``{(kind, name): value}`` for every var, param default, resource, module and output."""
    text = _strip_comments(text)
    found = {}
    for match in _DECLARATION.finditer(text):
        kind, name = match.group("kind"), match.group("name")
        value = _Parser(text, match.end()).value()
        if kind in ("resource", "module"):
            value = {"type": match.group("type").strip(), "body": value}
        found[(kind, name)] = value
    return found
