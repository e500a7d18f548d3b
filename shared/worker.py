"""Objects a worker process builds once, on first use, and reuses across invocations."""

import gc
import logging
from contextlib import contextmanager
from typing import TYPE_CHECKING, Iterator, Optional

from .settings import Settings
from .storage import StateStores, create_state_stores

if TYPE_CHECKING:
    from .bot_application import BotApplication
    from .lifecycle.notices import NoticeSender

logger = logging.getLogger(__name__)

_settings: Optional[Settings] = None
_stores: Optional[StateStores] = None
_bot_application: Optional["BotApplication"] = None
_notice_sender: Optional["NoticeSender"] = None


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
    """The worker's bot, built on first use: messages_function builds it when it
    loads, the sweeper never does."""
    global _bot_application  # pylint: disable=global-statement
    if _bot_application is None:
        from .deferred_packages import defer_unused_packages

        # Before botbuilder is imported: what a turn rarely or never uses
        # loads when first used, not with the bot.
        defer_unused_packages()
        from .bot_application import BotApplication

        _bot_application = BotApplication(get_settings(), get_state_stores())
    return _bot_application


@contextmanager
def long_lived() -> Iterator[None]:
    """Build what lives as long as the worker (modules, classes, the bot) without the
    cyclic garbage collector, then freeze it (``gc.freeze``): no collection traverses
    it again.

    Loading the bot creates some 60,000 objects the collector tracks; left on, it
    runs about 150 collections over them while they are created, a tenth of a
    second of a cold start, and every full collection afterwards traverses them
    all again, for tens of milliseconds on the worker's event loop. The few
    thousand objects in cycles that the imports leave behind are frozen with them
    and never freed.
    """
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if collecting:
            gc.enable()


def get_notice_sender() -> Optional["NoticeSender"]:
    """What the sweeper sends expiry notices and warnings with; None when both are off.

    Built on first use; it loads the connector only when it first sends.
    """
    global _notice_sender  # pylint: disable=global-statement
    settings = get_settings()
    if _notice_sender is None and (settings.expiry_notice_text or settings.warning_text):
        from .lifecycle.notices import NoticeSender

        _notice_sender = NoticeSender(settings)
    return _notice_sender


async def close_worker():
    """Close the connections the worker opened (to channels and to storage) and forget
    everything built so far; the next call of a getter builds afresh.

    The Python worker in Azure has no shutdown hook for v1 apps: it ends the
    process, and the operating system closes the connections. The local host
    ends its own event loop, where a client left open is logged as an error, so
    it calls this once its timers and web server have stopped.
    """
    global _settings, _stores, _bot_application, _notice_sender  # pylint: disable=global-statement
    stores, bot_application, notice_sender = _stores, _bot_application, _notice_sender
    _settings, _stores, _bot_application, _notice_sender = None, None, None, None
    try:
        if bot_application is not None:
            await bot_application.aclose()
        if notice_sender is not None:
            await notice_sender.aclose()
    finally:
        if stores is not None:
            await stores.aclose()


async def reset_worker():
    """``close_worker``, for tests and tools that change settings within one process."""
    await close_worker()
