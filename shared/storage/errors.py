"""Errors every state store raises in the same way, whatever its backend."""

from ..expiry_log import shorten_conversation_id


class ETagConflict(Exception):
    """A conditional write or delete found the record changed or gone.

    Raised instead of each SDK's own precondition error so the bot and the
    sweeper handle a lost race the same way on every backend.
    """

    def __init__(self, key: str, detail: str = ""):
        super().__init__(f"state record {key!r} changed since it was read{detail}")
        self.key = key


class StorageUnavailable(Exception):
    """The storage service could not be reached or answered with a server error."""


class MalformedRecord(Exception):
    """A stored record exists but cannot be read as state.

    Carries the record's ``e_tag`` so a caller that decides to replace it can
    do so only over that very version. The message names the key by a short
    hash: keys hold channel ids that logs should not keep.
    """

    def __init__(self, key: str, e_tag: str, reason: str):
        super().__init__(f"state record {shorten_conversation_id(key)} cannot be read: {reason}")
        self.key = key
        self.e_tag = e_tag
        self.reason = reason
