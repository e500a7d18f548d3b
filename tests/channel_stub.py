"""A channel's connector on 127.0.0.1: a real HTTP server recording what the bot POSTs."""

import asyncio
from dataclasses import dataclass, field
from typing import Dict, List, Optional

from aiohttp import web


@dataclass
class ReceivedCall:
    """One request the bot made to the channel."""

    method: str
    path: str
    headers: Dict[str, str]
    body: Optional[dict]


@dataclass
class ChannelStub:
    """Answers every connector call with ``status``, after ``delay_seconds``.

    ``delay_seconds=None`` never answers at all (the call is held open).
    """

    status: int = 200
    delay_seconds: Optional[float] = 0.0
    first_statuses: List[int] = field(default_factory=list)  # answered before ``status``
    headers: Dict[str, str] = field(default_factory=dict)
    calls: List[ReceivedCall] = field(default_factory=list)
    in_flight_peak: int = 0
    url: str = ""
    _in_flight: int = 0
    _runner: Optional[web.AppRunner] = None

    async def _answer(self, request: web.Request) -> web.StreamResponse:
        body = await request.json() if request.can_read_body else None
        self.calls.append(ReceivedCall(request.method, request.path, dict(request.headers), body))
        status = self.first_statuses.pop(0) if self.first_statuses else self.status
        self._in_flight += 1
        self.in_flight_peak = max(self.in_flight_peak, self._in_flight)
        try:
            if self.delay_seconds is None:
                await asyncio.Event().wait()
            await asyncio.sleep(self.delay_seconds)
        finally:
            self._in_flight -= 1
        return web.json_response(
            {"id": f"reply-{len(self.calls)}"}, status=status, headers=self.headers
        )

    @property
    def texts(self) -> List[str]:
        """The text of every activity the bot sent, in order."""
        return [call.body.get("text") for call in self.calls if call.body]

    async def __aenter__(self) -> "ChannelStub":
        app = web.Application()
        app.router.add_route("*", "/{tail:.*}", self._answer)
        self._runner = web.AppRunner(app, shutdown_timeout=0.1)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}/"
        return self

    async def __aexit__(self, *exc_details) -> None:
        await self._runner.cleanup()
