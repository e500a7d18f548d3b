"""Errors every state store raises in the same way, whatever its backend."""


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
