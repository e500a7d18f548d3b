"""Which conversation records are due: the rule every store's listing applies.

A record is due when its DueAt (epoch seconds) has come; null means never.
Records written before DueAt existed (or by the article's bot, with only a
LastAccessedTime, number or ISO string) are due once that time is at or
before the legacy cutoff. Stores index or list these two fields only.
"""

import math
from typing import Any, Dict, Mapping, Optional

from .last_accessed import parse_last_accessed

LAST_ACCESSED = "LastAccessedTime"
LIFECYCLE = "Lifecycle"
DUE_AT = "DueAt"
EXPIRED = "Expired"
# What a sweep needs of a record; stores may read just these.
SWEEP_FIELDS = (LAST_ACCESSED, LIFECYCLE, DUE_AT, EXPIRED)


def as_time(value: object) -> Optional[float]:
    """A stored epoch time as a float; None for anything but a finite number."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def due_time(fields: Mapping[str, Any]) -> Optional[float]:
    """The stored DueAt as a number; None when null, absent or not a number."""
    return as_time(fields.get(DUE_AT))


def is_due(fields: Mapping[str, Any], now: float, legacy_cutoff: float) -> bool:
    if DUE_AT in fields:
        due = due_time(fields)
        return due is not None and due <= now
    last = parse_last_accessed(fields.get(LAST_ACCESSED))
    return last is not None and last <= legacy_cutoff


def sweep_fields(document: object) -> Optional[Dict[str, Any]]:
    """The lifecycle fields of a stored conversation state; None if it is not a dict."""
    if not isinstance(document, Mapping):
        return None
    return {name: document[name] for name in SWEEP_FIELDS if name in document}
