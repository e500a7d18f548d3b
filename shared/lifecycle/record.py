"""The lifecycle fields of a stored conversation record, and what they make due.

Plain JSON beside the dialog state, readable by any Bot Framework SDK:

    LastAccessedTime  epoch seconds of the last activity (as the article has it)
    Lifecycle         {"ExpiresAt", "WarnAt", "Warned", "ExpireAfterSeconds"
                       (only when the dialog set its own), "Reference"}
    DueAt             the next moment the sweeper has something to do: the
                      warning, else the expiry; null when never. The one field
                      stores index, so a sweep is one range query whatever each
                      conversation's own timeout is.
    Expired           on a tombstone only: {"At", "LastAccessedTime"}; its
                      DueAt is the moment it is removed.
    LifecycleRewriteOf  the e_tag of the version the sweeper rewrote (warned or
                      tombstoned), so a turn that loaded that very version may
                      save over the rewrite instead of failing.

Records without DueAt (written before it existed, or by the article's bot)
are judged by LastAccessedTime and ExpireAfterSeconds, as before.
"""

import math
from enum import Enum
from typing import Any, Mapping, MutableMapping, Optional

from ..storage.due_records import DUE_AT, EXPIRED, LAST_ACCESSED, LIFECYCLE, as_time, due_time
from ..storage.last_accessed import parse_last_accessed
from .rules import LifecycleRules

REWRITE_OF = "LifecycleRewriteOf"


class Step(Enum):
    """What the sweeper does to a due record."""

    WARN = "warn"
    EXPIRE = "expire"
    REMOVE = "remove"


def _lifecycle(document: Mapping[str, Any]) -> Mapping[str, Any]:
    lifecycle = document.get(LIFECYCLE)
    return lifecycle if isinstance(lifecycle, Mapping) else {}


def is_tombstone(document: Mapping[str, Any]) -> bool:
    return isinstance(document.get(EXPIRED), Mapping)


def own_timeout(document: Mapping[str, Any]) -> Optional[int]:
    """The conversation's own idle timeout, if its dialog set one."""
    value = _lifecycle(document).get("ExpireAfterSeconds")
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    return None


def has_due_time(document: Mapping[str, Any]) -> bool:
    """True for records written with due times (DueAt present, even null)."""
    return DUE_AT in document


def legacy_cutoff(now: float, rules: LifecycleRules) -> float:
    """Records without due times idle since this moment or longer are expired."""
    if rules.expire_after_seconds == 0:
        return -math.inf
    return now - rules.expire_after_seconds


def idle_if_expired(document: Mapping[str, Any], now: float, rules: LifecycleRules) -> Optional[float]:
    """Seconds idle when a turn finds the conversation expired, else None.

    A tombstone is expired whatever the clock says; a live record when its
    ExpiresAt has come; an older record when its LastAccessedTime is
    ExpireAfterSeconds old.
    """
    last = parse_last_accessed(document.get(LAST_ACCESSED))
    if is_tombstone(document):
        expired = document[EXPIRED]
        last = parse_last_accessed(expired.get(LAST_ACCESSED)) or as_time(expired.get("At"))
        return now - last if last is not None else 0.0
    if last is None:
        return None
    if has_due_time(document):
        expires_at = as_time(_lifecycle(document).get("ExpiresAt"))
        return now - last if expires_at is not None and expires_at <= now else None
    if rules.expire_after_seconds and now - last >= rules.expire_after_seconds:
        return now - last
    return None


def stamp_activity(
    state: MutableMapping[str, Any],
    now: float,
    rules: LifecycleRules,
    reference: Optional[Mapping[str, Any]],
    timeout: Optional[int],
) -> None:
    """Record activity at ``now``: the times this conversation is next due.

    ``timeout`` is the conversation's own, or None for ExpireAfterSeconds.
    A new idle period starts: any warning already sent is forgotten.
    """
    effective = rules.expire_after_seconds if timeout is None else timeout
    lifecycle: dict = {"Warned": False}
    if timeout is not None:
        lifecycle["ExpireAfterSeconds"] = timeout
    if reference is not None:
        lifecycle["Reference"] = dict(reference)
    due = None
    if effective > 0:
        due = lifecycle["ExpiresAt"] = now + effective
        warn_before = rules.warn_before_seconds
        if 0 < warn_before < effective:
            due = lifecycle["WarnAt"] = now + effective - warn_before
    state[LAST_ACCESSED] = now
    state[LIFECYCLE] = lifecycle
    state[DUE_AT] = due
    state.pop(EXPIRED, None)
    state.pop(REWRITE_OF, None)


def due_step(document: Mapping[str, Any], now: float, rules: LifecycleRules) -> Optional[Step]:
    """What is due for this record at ``now``, re-checked from its own fields."""
    if is_tombstone(document):
        removal = due_time(document)
        return Step.REMOVE if removal is not None and removal <= now else None
    if idle_if_expired(document, now, rules) is not None:
        return Step.EXPIRE
    lifecycle = _lifecycle(document)
    warn_at = as_time(lifecycle.get("WarnAt"))
    if warn_at is not None and warn_at <= now and not lifecycle.get("Warned"):
        return Step.WARN
    return None


def reference_of(document: Mapping[str, Any]) -> Optional[Mapping[str, Any]]:
    """The conversation reference the last turn stored, if any."""
    reference = _lifecycle(document).get("Reference")
    return reference if isinstance(reference, Mapping) else None


def tombstone(
    document: Mapping[str, Any], now: float, rules: LifecycleRules, replaced_e_tag: str
) -> dict:
    """What is left of an expired conversation: times and its reference, no dialog, no text."""
    stone: dict = {
        EXPIRED: {"At": now, LAST_ACCESSED: document.get(LAST_ACCESSED)},
        DUE_AT: now + rules.remember_expired_seconds,
        REWRITE_OF: replaced_e_tag,
    }
    reference = reference_of(document)
    if reference is not None:
        stone[LIFECYCLE] = {"Reference": dict(reference)}
    return stone


def warned_fields(document: Mapping[str, Any], replaced_e_tag: str) -> dict:
    """The fields that mark a conversation warned; its expiry does not move."""
    lifecycle = dict(_lifecycle(document))
    lifecycle["Warned"] = True
    return {LIFECYCLE: lifecycle, DUE_AT: lifecycle.get("ExpiresAt"), REWRITE_OF: replaced_e_tag}


def rewrite_of(document: Mapping[str, Any]) -> Optional[str]:
    """The e_tag the sweeper's last rewrite of this record replaced, if it was one."""
    value = document.get(REWRITE_OF)
    return value if isinstance(value, str) else None


def cosmos_item_ttl(
    document: Mapping[str, Any], rules: LifecycleRules, container_ttl: Optional[int]
) -> Optional[int]:
    """The per-item ``ttl`` Cosmos should keep this conversation record for.

    A tombstone lives RememberExpiredSeconds. A conversation that never
    expires (0) gets -1: the container's TTL must not remove it. One with its
    own timeout keeps the container's margin over ExpireAfterSeconds on top of
    that timeout, so the backstop never removes it before its window ends.
    None leaves the container's default.
    """
    if is_tombstone(document):
        return max(rules.remember_expired_seconds, 1)
    timeout = own_timeout(document)
    effective = rules.expire_after_seconds if timeout is None else timeout
    if effective == 0:
        return -1
    if container_ttl is None or timeout is None:
        return None
    margin = max(container_ttl - rules.expire_after_seconds, 0)
    return max(container_ttl, timeout + margin)
