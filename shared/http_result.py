"""What the messages endpoint answers, independent of any web framework."""

from dataclasses import dataclass
from typing import Any, Optional


@dataclass(frozen=True)
class HttpResult:
    """A status code and an optional JSON body."""

    status: int
    body: Optional[Any] = None

    @classmethod
    def error(cls, status: int, code: str, message: str) -> "HttpResult":
        return cls(status, {"error": {"code": code, "message": message}})
