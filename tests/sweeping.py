"""Lifecycle rules for tests of the sweep."""

from shared.lifecycle.rules import LifecycleRules


def deleting_rules(expire_after_seconds: int) -> LifecycleRules:
    """The sweep deletes expired conversations outright: no tombstone, no message."""
    return LifecycleRules(expire_after_seconds=expire_after_seconds, remember_expired_seconds=0)


def aged(record: dict, seconds: float) -> dict:
    """``record`` as if its conversation had been idle ``seconds`` longer: every stored time moves."""
    record["LastAccessedTime"] -= seconds
    if isinstance(record.get("DueAt"), (int, float)):
        record["DueAt"] -= seconds
    lifecycle = record.get("Lifecycle") or {}
    for name in ("ExpiresAt", "WarnAt"):
        if name in lifecycle:
            lifecycle[name] -= seconds
    return record
