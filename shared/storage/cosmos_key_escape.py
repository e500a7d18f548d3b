"""Cosmos document ids for state keys, as botbuilder-azure makes them.

The same ids as ``CosmosDbKeyEscape.sanitize_key`` (compatibility mode on),
so a bot moving from CosmosDbPartitionedStorage finds its records. It is
written out here rather than imported because importing botbuilder.azure
loads its synchronous Cosmos, Blob and Queue clients too.
tests/storage/test_cosmos_key_escape.py checks that the two agree.

One addition: the Cosmos SDK refuses ids that end in a space, which
botbuilder leaves as they are, so such a key could not be stored at all; its
last space is escaped like the forbidden characters. Every key botbuilder can
store still gets the id botbuilder gives it.
"""

from hashlib import sha256

# Characters Cosmos does not allow in an id.
FORBIDDEN_CHARACTERS = frozenset("\\?/#\t\n\r*")
MAX_ID_LENGTH = 255


def cosmos_id_for(key: str) -> str:
    """The document id for ``key``: forbidden characters as ``*<code point>``.

    An escaped key longer than 255 characters is cut to its first 191 and
    the sha256 of the whole escaped key is appended, keeping it unique and
    within Cosmos's id limit.
    """
    escaped = "".join(
        f"*{ord(char)}" if char in FORBIDDEN_CHARACTERS else char for char in key
    )
    if escaped.endswith(" "):
        escaped = escaped[:-1] + f"*{ord(' ')}"
    if len(escaped) <= MAX_ID_LENGTH:
        return escaped
    digest = sha256(escaped.encode("utf-8")).hexdigest()
    return escaped[: MAX_ID_LENGTH - len(digest)] + digest
