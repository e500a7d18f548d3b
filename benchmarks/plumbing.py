"""The two bots under test, opened on a backend: the product and the stock baseline.

Each yields an :class:`OpenPlumbing`: the request handler a load driver calls,
and the storage objects holding its state (for counting storage requests).
"""

from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import AsyncContextManager, AsyncIterator, Awaitable, Callable, Dict, Optional, Sequence, Tuple

from botbuilder.core import Storage

from shared import worker

from . import product_app
from .backends import EXPIRE_AFTER_SECONDS, Backend, close_stock_storages
from .stock_bot import StockBotApp

Handler = Callable[[bytes], Awaitable[Tuple[int, Optional[bytes]]]]


@dataclass(frozen=True)
class OpenPlumbing:
    handle: Handler
    storages: Sequence[Storage]


@asynccontextmanager
async def product(backend: Backend) -> AsyncIterator[OpenPlumbing]:
    """messages_function.main with the backend's app settings."""
    async with product_app.product_settings(backend.product_settings):
        stores = worker.get_state_stores()
        yield OpenPlumbing(product_app.handle, (stores.conversation, stores.user))


@asynccontextmanager
async def stock(backend: Backend) -> AsyncIterator[OpenPlumbing]:
    """The article's bot on stock CloudAdapter, states and storages."""
    storages = backend.make_stock_storages()
    app = StockBotApp(*storages, expire_after_seconds=EXPIRE_AFTER_SECONDS)
    try:
        yield OpenPlumbing(app.handle, tuple(dict.fromkeys(storages)))
    finally:
        await close_stock_storages(storages)


PLUMBINGS: Dict[str, Callable[[Backend], AsyncContextManager[OpenPlumbing]]] = {
    "product": product,
    "stock": stock,
}
