"""The app's own clean-up, called when the local host stops.

The Python worker in Azure offers a v1 app no shutdown hook: it ends the
process, and the operating system closes whatever connections the app left
open. This host ends its event loop itself, and asyncio logs every client
session still open then as an ERROR, so after its timers and web server have
stopped it calls the app's clean-up: ``close_worker()`` of ``shared.worker``,
the module where this project's functions keep their long-lived objects. The
host never imports it: it calls the hook only when the functions did, so an
app without that module, or whose functions never loaded it, has nothing to
close.
"""

from __future__ import annotations

import inspect
import logging
import sys

__all__ = ["SHUTDOWN_HOOK", "close_app"]

SHUTDOWN_HOOK = ("shared.worker", "close_worker")

logger = logging.getLogger("local_run.app_shutdown")


async def close_app() -> None:
    """Call the app's shutdown hook if its functions imported it; log, never raise,
    a failure, so the host still stops."""
    module_name, function_name = SHUTDOWN_HOOK
    hook = getattr(sys.modules.get(module_name), function_name, None)
    if hook is None:
        return
    try:
        result = hook()
        if inspect.isawaitable(result):
            await result
    except Exception:  # pylint: disable=broad-except
        logger.exception("%s.%s() failed while the host stopped", module_name, function_name)
