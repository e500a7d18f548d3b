"""Reading a stored LastAccessedTime, whatever wrote it."""

import math
from datetime import datetime, timezone
from typing import Optional


def parse_last_accessed(value: object) -> Optional[float]:
    """Epoch seconds from a stored LastAccessedTime, or None if unusable.

    Accepts numbers (what this bot writes) and ISO-8601 strings (what the
    JavaScript version of the article writes). Booleans, NaN, infinities and
    anything else give None.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        return parsed.timestamp()
    return None


def last_accessed_of(state: object) -> Optional[float]:
    """The LastAccessedTime of a stored conversation state, or None."""
    if not isinstance(state, dict):
        return None
    return parse_last_accessed(state.get("LastAccessedTime"))
