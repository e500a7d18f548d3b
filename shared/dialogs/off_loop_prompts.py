"""Choice, confirm and number prompts whose recognizers run off the event loop.

The text recognizers behind these prompts cost the square of the text's
length (512 characters take tens of milliseconds, 2,000 take seconds) and
the number recognizer's first call compiles its patterns for a quarter of a
second. On the worker's one event loop that would stall every other
conversation, so recognition runs on a small pool of its own. Their
``on_recognize`` never waits on anything, so it is driven to completion in
the pool's thread.
"""

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Coroutine, Optional

from botbuilder.dialogs.prompts import ChoicePrompt, ConfirmPrompt, NumberPrompt

RECOGNIZER_THREADS = 2

_pool: Optional[ThreadPoolExecutor] = None


def _recognizer_pool() -> ThreadPoolExecutor:
    global _pool  # pylint: disable=global-statement
    if _pool is None:
        _pool = ThreadPoolExecutor(RECOGNIZER_THREADS, thread_name_prefix="recognizer")
    return _pool


def _run_to_completion(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """The result of a coroutine that never suspends."""
    try:
        coroutine.send(None)
    except StopIteration as finished:
        return finished.value
    coroutine.close()
    raise RuntimeError("a prompt's recognizer waited on something; it cannot run off the loop")


class _RecognizesOffTheLoop:
    async def on_recognize(self, turn_context, state, options):
        recognize = super().on_recognize  # type: ignore[misc]
        return await asyncio.get_running_loop().run_in_executor(
            _recognizer_pool(),
            lambda: _run_to_completion(recognize(turn_context, state, options)),
        )


class OffLoopChoicePrompt(_RecognizesOffTheLoop, ChoicePrompt):
    """botbuilder's ChoicePrompt, recognizing on the recognizer pool."""


class OffLoopConfirmPrompt(_RecognizesOffTheLoop, ConfirmPrompt):
    """botbuilder's ConfirmPrompt, recognizing on the recognizer pool."""


class OffLoopNumberPrompt(_RecognizesOffTheLoop, NumberPrompt):
    """botbuilder's NumberPrompt, recognizing on the recognizer pool."""
