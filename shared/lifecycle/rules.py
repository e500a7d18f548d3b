"""The lifecycle settings the turn, the sweeper and the stores all follow."""

from dataclasses import dataclass

from ..settings import Settings


@dataclass(frozen=True)
class LifecycleRules:
    """When conversations warn, expire and are forgotten, and what users are told.

    ``expire_after_seconds`` 0: never (unless a conversation sets its own
    timeout); ``warn_before_seconds`` 0: no warning; ``remember_expired_seconds``
    0: an expired conversation is deleted outright, with no tombstone; an
    empty text sends nothing.
    """

    expire_after_seconds: int = 30
    warn_before_seconds: int = 0
    remember_expired_seconds: int = 7 * 24 * 3600
    expiry_notice_text: str = ""
    warning_text: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> "LifecycleRules":
        return cls(
            expire_after_seconds=settings.expire_after_seconds,
            warn_before_seconds=settings.warn_before_seconds,
            remember_expired_seconds=settings.remember_expired_seconds,
            expiry_notice_text=settings.expiry_notice_text,
            warning_text=settings.warning_text,
        )
