"""Reading an activity from a POST /api/messages request, rejecting bad input.

Everything here runs before any state is loaded, so a rejected request never
changes stored state.
"""

import json
from typing import Mapping

from botbuilder.schema import Activity

from .http_result import HttpResult

MAX_JSON_DEPTH = 64


class RejectedRequest(Exception):
    """The request cannot carry an activity; ``result`` says why."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.result = HttpResult.error(status, code, message)


def read_activity(method: str, headers: Mapping[str, str], body: bytes, max_bytes: int) -> Activity:
    """The activity a request carries, or :class:`RejectedRequest`."""
    if method.upper() != "POST":
        raise RejectedRequest(405, "MethodNotAllowed", "use POST to send an activity")
    _check_content_type(headers.get("content-type", ""))
    if len(body) > max_bytes:
        raise RejectedRequest(
            413, "PayloadTooLarge", f"the body is over the limit of {max_bytes} bytes"
        )
    payload = _parse_json(body)
    _check_activity_shape(payload)
    try:
        return Activity().deserialize(payload)
    except Exception as error:  # msrest raises several types for bad fields
        raise RejectedRequest(400, "BadActivity", f"the activity cannot be read: {error}") from None


def _check_content_type(content_type: str):
    media_type, _, parameters = content_type.partition(";")
    media_type = media_type.strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise RejectedRequest(
            415, "UnsupportedMediaType", "send the activity as application/json"
        )
    for parameter in parameters.split(";"):
        name, _, value = parameter.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            raise RejectedRequest(
                415, "UnsupportedMediaType", "send the activity as application/json in UTF-8"
            )


def _parse_json(body: bytes) -> object:
    if not body.strip():
        raise RejectedRequest(400, "EmptyBody", "the body is empty; send an activity")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise RejectedRequest(400, "BadEncoding", "the body is not valid UTF-8") from None
    try:
        payload = json.loads(text)
    except (ValueError, RecursionError):
        raise RejectedRequest(400, "BadJson", "the body is not valid JSON") from None
    if _depth(payload) > MAX_JSON_DEPTH:
        raise RejectedRequest(
            400, "TooDeep", f"the JSON is nested more than {MAX_JSON_DEPTH} levels"
        )
    return payload


def _depth(value: object) -> int:
    """Nesting depth of parsed JSON, without recursion."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        current, level = pending.pop()
        if isinstance(current, dict):
            current = list(current.values())
        if isinstance(current, list):
            deepest = max(deepest, level)
            pending.extend((child, level + 1) for child in current)
    return deepest


def _check_activity_shape(payload: object):
    if not isinstance(payload, dict):
        raise RejectedRequest(400, "BadActivity", "the body must be a JSON object")
    _require_text(payload, "type")
    _require_text(payload, "channelId")
    _require_text(payload, "serviceUrl")
    if not payload["serviceUrl"].lower().startswith(("http://", "https://")):
        raise RejectedRequest(400, "BadActivity", "serviceUrl must be an http(s) URL")
    for account in ("conversation", "from"):
        if not isinstance(payload.get(account), dict):
            raise RejectedRequest(400, "BadActivity", f"the activity has no {account}")
        _require_text(payload[account], "id", f"{account}.id")
    if "text" in payload and payload["text"] is not None and not isinstance(payload["text"], str):
        raise RejectedRequest(400, "BadActivity", "text must be a string")
    attachments = payload.get("attachments")
    if attachments is not None and not (
        isinstance(attachments, list) and all(isinstance(item, dict) for item in attachments)
    ):
        raise RejectedRequest(400, "BadActivity", "attachments must be a list of objects")


def _require_text(payload: dict, field: str, name: str = ""):
    value = payload.get(field)
    if not isinstance(value, str) or not value.strip():
        raise RejectedRequest(400, "BadActivity", f"the activity has no {name or field}")
