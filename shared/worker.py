"""Objects a worker process builds once, on first use, and reuses across invocations."""

import logging
from typing import TYPE_CHECKING, Optional

from .settings import Settings
from .storage import StateStores, create_state_stores

if TYPE_CHECKING:
    from .bot_application import BotApplication

logger = logging.getLogger(__name__)

_settings: Optional[Settings] = None
_stores: Optional[StateStores] = None
_bot_application: Optional["BotApplication"] = None


def get_settings() -> Settings:
    """The app's settings, read from the environment once."""
    global _settings  # pylint: disable=global-statement
    if _settings is None:
        _settings = Settings.from_environment()
        logger.info(
            "settings loaded: storage=%s expire_after_seconds=%d authentication=%s",
            _settings.state_storage,
            _settings.expire_after_seconds,
            "on" if _settings.authenticates_requests else "off",
        )
    return _settings


def get_state_stores() -> StateStores:
    """The worker's conversation and user stores."""
    global _stores  # pylint: disable=global-statement
    if _stores is None:
        _stores = create_state_stores(get_settings())
    return _stores


def get_bot_application() -> "BotApplication":
    """The worker's bot, built on first use (the sweeper never builds it)."""
    global _bot_application  # pylint: disable=global-statement
    if _bot_application is None:
        from .bot_application import BotApplication

        _bot_application = BotApplication(get_settings(), get_state_stores())
    return _bot_application


async def reset_worker():
    """Forget everything built so far, closing storage connections.

    For tests and tools that change settings within one process.
    """
    global _settings, _stores, _bot_application  # pylint: disable=global-statement
    if _stores is not None:
        await _stores.aclose()
    _settings, _stores, _bot_application = None, None, None
