"""The host lets the app close its connections when it stops, and still stops if that fails."""

import logging
import sys
import types

from local_run.app_shutdown import SHUTDOWN_HOOK, close_app

MODULE_NAME, FUNCTION_NAME = SHUTDOWN_HOOK


def app_module(hook) -> types.ModuleType:
    module = types.ModuleType(MODULE_NAME)
    setattr(module, FUNCTION_NAME, hook)
    return module


async def test_the_hook_of_a_module_the_functions_imported_is_awaited(monkeypatch):
    closed = []

    async def close_worker():
        closed.append(True)

    monkeypatch.setitem(sys.modules, MODULE_NAME, app_module(close_worker))

    await close_app()

    assert closed == [True]


async def test_a_failing_hook_is_logged_and_the_stop_goes_on(monkeypatch, caplog):
    """A failure on stop must show, but must not keep the host from exiting."""

    async def close_worker():
        raise ConnectionResetError("storage went away")

    monkeypatch.setitem(sys.modules, MODULE_NAME, app_module(close_worker))

    with caplog.at_level(logging.ERROR, logger="local_run.app_shutdown"):
        await close_app()

    assert f"{MODULE_NAME}.{FUNCTION_NAME}() failed while the host stopped" in caplog.text
    assert "storage went away" in caplog.text


async def test_an_app_whose_functions_never_imported_the_module_has_nothing_to_close(
    monkeypatch,
):
    monkeypatch.delitem(sys.modules, MODULE_NAME, raising=False)

    await close_app()

    assert MODULE_NAME not in sys.modules
