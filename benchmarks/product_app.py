"""The product, called the way the Functions host calls it: ``messages_function.main``.

Storage is chosen with the app's own settings (environment variables); the
worker's singletons are rebuilt whenever the settings change.
"""

import os
from contextlib import asynccontextmanager
from typing import AsyncIterator, Dict, Optional, Tuple

import azure.functions as func

from shared import worker

MESSAGES_URL = "http://localhost:7071/api/messages"
JSON_HEADERS = {"Content-Type": "application/json"}


async def handle(body: bytes) -> Tuple[int, Optional[bytes]]:
    """One POST /api/messages through the HTTP trigger."""
    import messages_function  # pylint: disable=import-outside-toplevel

    response = await messages_function.main(
        func.HttpRequest("POST", MESSAGES_URL, headers=JSON_HEADERS, params={}, body=body)
    )
    return response.status_code, response.get_body()


@asynccontextmanager
async def product_settings(settings: Dict[str, str]) -> AsyncIterator[None]:
    """Run the product with ``settings`` as its app settings, then put the old ones back."""
    saved = {name: os.environ.get(name) for name in settings}
    os.environ.update(settings)
    await worker.reset_worker()
    try:
        yield
    finally:
        await worker.reset_worker()
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
