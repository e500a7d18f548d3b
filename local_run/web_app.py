"""The aiohttp application that serves a function app's httpTrigger functions.

Routes are ``/<routePrefix>/<route>`` from host.json and function.json; a path
served with a method the function does not list answers 405 with ``Allow``.
Note the real Functions host answers such requests with 404 (see
Azure/azure-functions-host#10098); 405 is kept here because it tells the
developer what is wrong.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable

import azure.functions as func
from aiohttp import web

from local_run.function_app import FunctionApp, HttpFunction
from local_run.http_bridge import to_func_request, to_web_response
from local_run.invocation import invoke

__all__ = ["MAX_REQUEST_BODY_BYTES", "create_web_app", "route_path"]

logger = logging.getLogger("local_run.web_app")

# The Functions host's default request size limit (100 MB), so a body the
# function would see in Azure reaches it here too and its own checks decide.
MAX_REQUEST_BODY_BYTES = 100 * 1024 * 1024

_ROUTE_PARAMETER = re.compile(r"\{(\*?)(\w+)(?::[^}]*)?\??\}")

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


def create_web_app(app: FunctionApp) -> web.Application:
    """One route per listed method of each httpTrigger function (any method if none is listed)."""
    web_app = web.Application(client_max_size=MAX_REQUEST_BODY_BYTES)
    for function in app.http_functions:
        path = route_path(app.route_prefix, function.route)
        handler = _handler_for(function)
        for method in function.methods or ("*",):
            web_app.router.add_route(method, path, handler)
    return web_app


def route_path(route_prefix: str, route: str) -> str:
    """The aiohttp path for a Functions route template (constraints are not enforced)."""
    template = "/".join(part for part in (route_prefix.strip("/"), route.strip("/")) if part)
    return "/" + _ROUTE_PARAMETER.sub(_aiohttp_parameter, template)


def _aiohttp_parameter(match: re.Match[str]) -> str:
    catch_all, name = match.group(1), match.group(2)
    return f"{{{name}:.*}}" if catch_all else f"{{{name}}}"


def _handler_for(function: HttpFunction) -> Handler:
    async def handle(request: web.Request) -> web.StreamResponse:
        arguments = {function.binding_name: await to_func_request(request)}
        try:
            result = await invoke(function.name, function.main, arguments)
        except Exception:
            return web.Response(status=500)  # invoke() logged it; Azure also answers a bare 500
        if isinstance(result, str):
            result = func.HttpResponse(result)
        if not isinstance(result, func.HttpResponse):
            logger.error(
                "'%s' returned %r; an http $return must be a func.HttpResponse",
                function.name,
                result,
            )
            return web.Response(status=500)
        return to_web_response(result)

    return handle
