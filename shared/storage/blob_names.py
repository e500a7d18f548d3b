"""Blob names for state keys: any key, one valid and unique name.

Keys are percent-encoded with nothing left unescaped but letters, digits and
``-_~``, so slashes make no virtual folders, ``?``/``#``/``%`` survive the URL,
and no name ends in a dot or slash (which Azure handles badly). Names that
would pass Azure's 1024-character limit are cut and given a sha256 of the
whole key. The real key is stored in the blob itself.
"""

from hashlib import sha256
from urllib.parse import quote

MAX_BLOB_NAME_LENGTH = 1024
_DIGEST_LENGTH = 64
# Longer encoded keys are hashed; hashed names are all exactly the maximum
# length, so they never equal an encoded one.
_MAX_PLAIN_LENGTH = MAX_BLOB_NAME_LENGTH - _DIGEST_LENGTH - 1


def blob_name_for(key: str) -> str:
    """The blob name that holds the state stored under ``key``."""
    if not key:
        raise ValueError("a state key must not be empty")
    name = quote(key, safe="").replace(".", "%2E")
    if len(name) <= _MAX_PLAIN_LENGTH:
        return name
    digest = sha256(key.encode("utf-8")).hexdigest()
    return f"{name[:_MAX_PLAIN_LENGTH]}~{digest}"
