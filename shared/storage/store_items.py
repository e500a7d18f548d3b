"""Helpers for botbuilder store items, which may be dicts or objects."""

from typing import Optional


def e_tag_of(item: object) -> Optional[str]:
    """The e_tag a caller passed with ``item``, or None."""
    if isinstance(item, dict):
        return item.get("e_tag")
    return getattr(item, "e_tag", None)


def is_conditional(e_tag: Optional[str]) -> bool:
    """True when a write must only succeed against the record with ``e_tag``.

    An empty e_tag is a caller error and raises, as botbuilder's stores do.
    """
    if e_tag == "":
        raise ValueError("a store item's e_tag is empty; use None or '*' to overwrite")
    return e_tag is not None and e_tag != "*"


def with_e_tag(item: object, e_tag: str) -> object:
    """``item`` with its e_tag set to ``e_tag``."""
    if isinstance(item, dict):
        item["e_tag"] = e_tag
    else:
        item.e_tag = e_tag
    return item

