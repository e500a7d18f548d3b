"""The JSON form of a store item, shared by the Blob and Cosmos backends.

It is the format of botbuilder-azure's CosmosDbPartitionedStorage (jsonpickle's
flattened form, without the e_tag), so a bot that moves over from that store
keeps its data, and both backends store the very same document.
"""

from typing import Any, Dict

from jsonpickle.errors import ClassNotFoundError
from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler

from .record_body import UnreadableBody


def flatten_item(item: object) -> Dict[str, Any]:
    """``item`` as JSON-ready data; the e_tag belongs to the record, not the data."""
    document = Pickler().flatten(item)
    if isinstance(document, dict):
        document.pop("e_tag", None)
    return document


def restore_item(document: Dict[str, Any], e_tag: str) -> object:
    """The store item ``document`` was flattened from, carrying ``e_tag``.

    A document naming a class this code does not have, or whose objects fail
    to rebuild, raises UnreadableBody: restored anyway, it would come back as
    a dict where the dialog expects an object and fail later, on every turn.
    (jsonpickle's ClassNotFoundError is a BaseException, hence named here.)
    """
    document = dict(document)
    document["e_tag"] = e_tag
    try:
        return Unpickler(on_missing="error").restore(document)
    except (Exception, ClassNotFoundError) as error:  # pylint: disable=broad-except
        raise UnreadableBody(f"document cannot be restored ({type(error).__name__})") from None
