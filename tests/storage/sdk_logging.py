"""What the Azure SDKs log about the requests a piece of code sends."""

import logging
from typing import Awaitable, Callable


async def sdk_log_of(caplog, logger: str, action: Callable[[], Awaitable[object]]) -> str:
    """The messages ``logger`` (and below) logged at INFO while ``action()`` ran."""
    caplog.set_level(logging.INFO, logger=logger)
    caplog.clear()
    await action()
    return "\n".join(record.getMessage() for record in caplog.records)
