"""Reading an activity from a POST /api/messages request, rejecting bad input.

Everything here runs before any state is loaded, so a rejected request never
changes stored state.
"""

import json
import re
from typing import Iterator, Mapping

from botbuilder.schema import Activity

from .http_result import HttpResult
from .schema_json import NotPlainJson, model_from_json

MAX_JSON_DEPTH = 64
# What channel ids look like ("msteams", "webchat", "directline", "twilio-sms").
# No "/" above all: state keys are "{channel}/conversations/{id}", so a slash
# would let one conversation's key be spelt as another's.
CHANNEL_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# The only way a UTF-8 body's JSON can hold a lone surrogate: a \uD800-\uDFFF escape.
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89abcdefABCDEF]")


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
        return model_from_json("Activity", payload)
    except NotPlainJson:
        pass  # a field needs converting, or is wrong: msrest decides, as it always has
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
    if _nesting_bound(text) <= MAX_JSON_DEPTH and not _SURROGATE_ESCAPE.search(text):
        return payload  # too few brackets to nest too deep, and no escape spells a surrogate
    deepest = 0
    for value, level in _walk(payload):
        if isinstance(value, (dict, list)):
            deepest = max(deepest, level)
        elif isinstance(value, str) and not _is_encodable(value):
            # JSON escapes can spell lone surrogates, which no store can write.
            raise RejectedRequest(
                400, "BadText", "the JSON holds a string that is not valid Unicode"
            )
    if deepest > MAX_JSON_DEPTH:
        raise RejectedRequest(
            400, "TooDeep", f"the JSON is nested more than {MAX_JSON_DEPTH} levels"
        )
    return payload


def _nesting_bound(text: str) -> int:
    """The most levels the JSON in ``text`` can nest: one per bracket that opens."""
    return text.count("{") + text.count("[")


def _walk(value: object) -> Iterator[tuple]:
    """Every value of parsed JSON (object keys too) with its nesting level, without recursion."""
    pending = [(value, 1)]
    while pending:
        current, level = pending.pop()
        yield current, level
        if isinstance(current, dict):
            pending.extend((key, level + 1) for key in current)
            current = list(current.values())
        if isinstance(current, list):
            pending.extend((child, level + 1) for child in current)


def _is_encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _check_activity_shape(payload: object):
    if not isinstance(payload, dict):
        raise RejectedRequest(400, "BadActivity", "the body must be a JSON object")
    _require_text(payload, "type")
    _require_text(payload, "channelId")
    if not CHANNEL_ID.match(payload["channelId"]):
        raise RejectedRequest(
            400, "BadActivity", "channelId may hold only letters, digits, '.', '_' and '-'"
        )
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
