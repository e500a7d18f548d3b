"""Call a function's entry point the way the Python worker does.

``async def`` entry points run on the host's event loop; plain ``def`` ones run
in a worker thread so they cannot stall it. Each call is logged with an id and
duration, like Core Tools' "Executed ..." lines, so sweeps are visible.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

__all__ = ["invoke"]

logger = logging.getLogger("local_run.invocation")


async def invoke(function_name: str, main: Callable[..., Any], arguments: dict[str, Any]) -> Any:
    """Run ``main(**arguments)``; log, then re-raise, anything it raises."""
    invocation_id = uuid.uuid4().hex[:8]
    started = time.perf_counter()
    try:
        if inspect.iscoroutinefunction(main):
            result = await main(**arguments)
        else:
            result = await asyncio.to_thread(main, **arguments)
            if inspect.isawaitable(result):
                result = await result
    except Exception:
        logger.exception(
            "Executed '%s' (Failed, Id=%s, Duration=%dms)",
            function_name,
            invocation_id,
            _elapsed_ms(started),
        )
        raise
    logger.info(
        "Executed '%s' (Succeeded, Id=%s, Duration=%dms)",
        function_name,
        invocation_id,
        _elapsed_ms(started),
    )
    return result


def _elapsed_ms(started: float) -> int:
    return round((time.perf_counter() - started) * 1000)
