"""Checking a stored record's envelope: ``{"realId": key, "document": {...}}``.

Blob and Cosmos hold the same envelope. Anything else found in their
containers (another app's blob, a hand-edited document, a half-written
migration) is reported as unreadable with a fixed reason, never with its
content, which may hold users' data.
"""

from typing import Any, Dict, Tuple


class UnreadableBody(ValueError):
    """A stored body that is not a state record; ``reason`` is safe to log."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def record_parts(body: object) -> Tuple[str, Dict[str, Any]]:
    """(realId, document) of a record envelope, or UnreadableBody."""
    if not isinstance(body, dict):
        raise UnreadableBody("not a JSON object")
    if "realId" not in body:
        raise UnreadableBody("no realId")
    real_id = body["realId"]
    if not isinstance(real_id, str) or not real_id:
        raise UnreadableBody("realId is not a non-empty string")
    if "document" not in body:
        raise UnreadableBody("no document")
    document = body["document"]
    if not isinstance(document, dict):
        raise UnreadableBody("document is not an object")
    return real_id, document
