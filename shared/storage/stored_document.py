"""The JSON form of a store item, shared by the Blob and Cosmos backends.

It is the format of botbuilder-azure's CosmosDbPartitionedStorage (jsonpickle's
flattened form, without the e_tag), so a bot that moves over from that store
keeps its data, and both backends store the very same document.
"""

from typing import Any, Dict

from jsonpickle.pickler import Pickler
from jsonpickle.unpickler import Unpickler


def flatten_item(item: object) -> Dict[str, Any]:
    """``item`` as JSON-ready data; the e_tag belongs to the record, not the data."""
    document = Pickler().flatten(item)
    if isinstance(document, dict):
        document.pop("e_tag", None)
    return document


def restore_item(document: Dict[str, Any], e_tag: str) -> object:
    """The store item ``document`` was flattened from, carrying ``e_tag``."""
    document = dict(document)
    document["e_tag"] = e_tag
    return Unpickler().restore(document)
