"""Requests reach the function as a real func.HttpRequest over real HTTP; the
route, the listed methods and failures behave like the Functions host."""

import json

import aiohttp
import azure.functions as func
import pytest

from local_run.function_app import FunctionApp, HttpFunction
from local_run.host import start_host
from local_run.web_app import route_path


class RecordingFunction:
    """An async main that keeps what it received and answers with a fixed response."""

    def __init__(self, response=None):
        self.requests: list[func.HttpRequest] = []
        self.response = response or func.HttpResponse("ok")

    async def __call__(self, req: func.HttpRequest) -> func.HttpResponse:
        self.requests.append(req)
        return self.response


def app_with(main, route="echo/{id}", methods=("POST",), prefix="api") -> FunctionApp:
    return FunctionApp(prefix, (HttpFunction("echo_function", route, methods, "req", main),))


@pytest.mark.asyncio
async def test_the_function_gets_method_url_headers_params_route_and_body(tmp_path):
    main = RecordingFunction()
    async with (
        await start_host(tmp_path, app=app_with(main)) as host,
        aiohttp.ClientSession() as client,
    ):
        url = host.http_url("echo/42") + "?q=1&q=2&r=x"
        headers = [("Content-Type", "application/json"), ("X-Many", "a"), ("X-Many", "b")]
        async with client.post(url, data=b'{"type": "message"}', headers=headers) as response:
            assert response.status == 200

    (request,) = main.requests
    assert isinstance(request, func.HttpRequest)
    assert request.method == "POST"
    assert request.url == url
    assert request.headers["content-type"] == "application/json"
    assert request.headers["X-MANY"] == "a, b"
    assert dict(request.params) == {"q": "1", "r": "x"}
    assert dict(request.route_params) == {"id": "42"}
    assert request.get_json() == {"type": "message"}


@pytest.mark.asyncio
async def test_the_functions_response_comes_back_unchanged(tmp_path):
    reply = func.HttpResponse(
        json.dumps({"activities": []}),
        status_code=201,
        headers={"X-Trace": "t1"},
        mimetype="application/json",
    )
    async with (
        await start_host(tmp_path, app=app_with(RecordingFunction(reply))) as host,
        aiohttp.ClientSession() as client,
    ):
        async with client.post(host.http_url("echo/1"), json={}) as response:
            assert response.status == 201
            assert response.headers["X-Trace"] == "t1"
            assert response.content_type == "application/json"
            assert await response.json() == {"activities": []}


@pytest.mark.asyncio
async def test_a_method_the_function_does_not_list_gets_405(tmp_path):
    main = RecordingFunction()
    async with (
        await start_host(tmp_path, app=app_with(main)) as host,
        aiohttp.ClientSession() as client,
    ):
        for method in ("GET", "PUT", "DELETE"):
            async with client.request(method, host.http_url("echo/1")) as response:
                assert response.status == 405
                assert response.headers["Allow"] == "POST"
    assert main.requests == []


@pytest.mark.asyncio
async def test_without_listed_methods_any_method_is_served(tmp_path):
    main = RecordingFunction()
    async with (
        await start_host(tmp_path, app=app_with(main, methods=())) as host,
        aiohttp.ClientSession() as client,
    ):
        async with client.get(host.http_url("echo/1")) as response:
            assert response.status == 200
    assert [request.method for request in main.requests] == ["GET"]


@pytest.mark.asyncio
async def test_unknown_paths_get_404(tmp_path):
    async with (
        await start_host(tmp_path, app=app_with(RecordingFunction())) as host,
        aiohttp.ClientSession() as client,
    ):
        async with client.post(host.url + "/api/other") as response:
            assert response.status == 404


@pytest.mark.asyncio
async def test_a_failing_function_gets_500_and_the_host_keeps_serving(tmp_path):
    calls = []

    async def main(req: func.HttpRequest) -> func.HttpResponse:
        calls.append(req)
        if len(calls) == 1:
            raise RuntimeError("boom")
        return func.HttpResponse("recovered")

    async with (
        await start_host(tmp_path, app=app_with(main)) as host,
        aiohttp.ClientSession() as client,
    ):
        async with client.post(host.http_url("echo/1")) as response:
            assert response.status == 500
        async with client.post(host.http_url("echo/1")) as response:
            assert (response.status, await response.text()) == (200, "recovered")


@pytest.mark.asyncio
async def test_a_plain_def_main_runs_too(tmp_path):
    def main(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse(req.get_body())

    async with (
        await start_host(tmp_path, app=app_with(main)) as host,
        aiohttp.ClientSession() as client,
    ):
        async with client.post(host.http_url("echo/1"), data=b"sync") as response:
            assert await response.text() == "sync"


@pytest.mark.asyncio
async def test_bodies_over_aiohttps_default_limit_reach_the_function(tmp_path):
    main = RecordingFunction()
    body = b"x" * (3 * 1024 * 1024)
    async with (
        await start_host(tmp_path, app=app_with(main)) as host,
        aiohttp.ClientSession() as client,
    ):
        async with client.post(host.http_url("echo/1"), data=body) as response:
            assert response.status == 200
    assert main.requests[0].get_body() == body


def test_route_templates_become_aiohttp_paths():
    assert route_path("api", "messages") == "/api/messages"
    assert route_path("", "messages") == "/messages"
    assert route_path("api", "items/{id:int}/{name?}") == "/api/items/{id}/{name}"
    assert route_path("api/", "/files/{*path}") == "/api/files/{path:.*}"
