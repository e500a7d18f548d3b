"""Translate between aiohttp and ``azure.functions`` HTTP types.

The function receives the same ``func.HttpRequest`` the Python worker builds in
Azure, and its ``func.HttpResponse`` goes back on the wire the way the worker
encodes it (Content-Type from ``mimetype``/``charset`` unless a header sets it).
"""

from __future__ import annotations

import azure.functions as func
from aiohttp import web
from multidict import CIMultiDict

__all__ = ["to_func_request", "to_web_response"]

# Framing headers belong to this server's connection, not the function's.
_FRAMING_HEADERS = frozenset({"content-length", "transfer-encoding", "connection"})


async def to_func_request(request: web.Request) -> func.HttpRequest:
    """Build the function's request: repeated headers joined with ", ", first query value wins."""
    headers: dict[str, str] = {}
    for name, value in request.headers.items():
        key = name.lower()
        headers[key] = f"{headers[key]}, {value}" if key in headers else value
    params: dict[str, str] = {}
    for name, value in request.query.items():
        params.setdefault(name, value)
    return func.HttpRequest(
        method=request.method,
        url=str(request.url),
        headers=headers,
        params=params,
        route_params=dict(request.match_info),
        body=await request.read(),
    )


def to_web_response(response: func.HttpResponse) -> web.Response:
    """Send the function's status, headers and body unchanged."""
    headers: CIMultiDict[str] = CIMultiDict()
    for name, value in response.headers.items():
        if name.lower() not in _FRAMING_HEADERS:
            headers.add(name, value)
    if "content-type" not in headers:
        mimetype = response.mimetype
        headers["Content-Type"] = (
            f"{mimetype}; charset={response.charset}" if mimetype.startswith("text/") else mimetype
        )
    return web.Response(status=response.status_code, headers=headers, body=response.get_body())
