"""Cosmos document ids for state keys, exactly as botbuilder-azure makes them.

A copy of ``CosmosDbKeyEscape.sanitize_key`` (compatibility mode on), so the
ids match what CosmosDbPartitionedStorage stored. It is copied rather than
imported because importing botbuilder.azure loads its synchronous Cosmos,
Blob and Queue clients too. tests/storage/test_cosmos_key_escape.py checks
that the two agree.
"""

from hashlib import sha256

# Characters Cosmos does not allow in an id.
FORBIDDEN_CHARACTERS = frozenset("\\?/#\t\n\r*")
MAX_KEY_LENGTH = 255


def cosmos_id_for(key: str) -> str:
    """The document id for ``key``: forbidden characters as ``*<code point>``.

    An escaped key longer than 255 characters is cut to its first 191 and
    the sha256 of the whole escaped key is appended, keeping it unique and
    within Cosmos's id limit.
    """
    escaped = "".join(
        f"*{ord(char)}" if char in FORBIDDEN_CHARACTERS else char for char in key
    )
    if len(escaped) <= MAX_KEY_LENGTH:
        return escaped
    digest = sha256(escaped.encode("utf-8")).hexdigest()
    return escaped[: MAX_KEY_LENGTH - len(digest)] + digest
