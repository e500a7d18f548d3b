"""A bot whose app is a user-assigned managed identity, end to end on loopback.

Given the settings the Azure template sets (``MicrosoftAppType=UserAssignedMSI``,
the identity's client id as ``MicrosoftAppId``, no password) and the variables
App Service gives a function app with a managed identity (``IDENTITY_ENDPOINT``,
``IDENTITY_HEADER``), when a channel posts a signed activity to
``messages_function.main``, then the reply reaches the channel carrying a token
the identity endpoint issued for the Bot Framework. Three loopback stubs stand
in for Azure: the identity endpoint, the channel's signing keys (OpenID
metadata), and the channel itself.
"""

import asyncio
import json
import math
import time
from dataclasses import dataclass, field
from typing import List

import azure.functions as func
import jwt
import pytest
from aiohttp import web
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

import messages_function
from shared import worker
from shared.bot_credentials import ManagedIdentityTokenUnavailable
from shared.openid_metadata import BoundedOpenIdMetadata
from tests.loop_ticks import loop_ticks
from tests.chat_driver import message

pytestmark = pytest.mark.usefixtures("fresh_worker")

CLIENT_ID = "11111111-1111-1111-1111-111111111111"
TENANT_ID = "22222222-2222-2222-2222-222222222222"
IDENTITY_HEADER = "identity-header-from-app-service"
BOT_FRAMEWORK_RESOURCE = "https://api.botframework.com"


@dataclass
class Loopback:
    """The stubs' addresses and what they saw."""

    base_url: str
    token_requests: List[dict] = field(default_factory=list)
    channel_posts: List[dict] = field(default_factory=list)
    token_lifetime: int = 3600
    token_delay: float = 0.0


@pytest.fixture
async def azure(monkeypatch, unused_tcp_port):
    """Identity endpoint, signing keys and channel on one loopback server."""
    signing_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    loopback = Loopback(f"http://127.0.0.1:{unused_tcp_port}")

    async def issue_token(request):
        if request.headers.get("X-IDENTITY-HEADER") != IDENTITY_HEADER:
            return web.json_response({"error": "missing identity header"}, status=400)
        loopback.token_requests.append(dict(request.query))
        await asyncio.sleep(loopback.token_delay)
        return web.json_response(
            {
                "access_token": f"msi-token-{len(loopback.token_requests)}",
                # rounded up: a token never lives less than token_lifetime
                "expires_on": str(math.ceil(time.time()) + loopback.token_lifetime),
                "resource": request.query["resource"],
                "token_type": "Bearer",
                "client_id": request.query.get("client_id"),
            }
        )

    async def openid_configuration(request):
        return web.json_response({"jwks_uri": f"{loopback.base_url}/keys"})

    async def signing_keys(request):
        jwk = json.loads(RSAAlgorithm.to_jwk(signing_key.public_key()))
        return web.json_response({"keys": [{**jwk, "kid": "channel-key", "endorsements": ["test"]}]})

    async def channel_reply(request):
        loopback.channel_posts.append(
            {"authorization": request.headers.get("Authorization"), "activity": await request.json()}
        )
        return web.json_response({"id": f"reply-{len(loopback.channel_posts)}"})

    app = web.Application()
    app.router.add_get("/msi/token", issue_token)
    app.router.add_get("/openid", openid_configuration)
    app.router.add_get("/keys", signing_keys)
    app.router.add_post("/v3/conversations/{conversation_id}/activities/{activity_id}", channel_reply)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", unused_tcp_port).start()

    for name, value in {
        "MicrosoftAppType": "UserAssignedMSI",
        "MicrosoftAppId": CLIENT_ID,
        "MicrosoftAppTenantId": TENANT_ID,
        "IDENTITY_ENDPOINT": f"{loopback.base_url}/msi/token",
        "IDENTITY_HEADER": IDENTITY_HEADER,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setitem(
        JwtTokenExtractor.metadataCache,
        AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
        BoundedOpenIdMetadata(f"{loopback.base_url}/openid"),
    )
    loopback.channel_token = lambda: _channel_token(signing_key, loopback.base_url)
    await worker.reset_worker()
    yield loopback
    await worker.reset_worker()
    await runner.cleanup()


def _channel_token(signing_key, service_url: str) -> str:
    """What the Bot Connector sends: signed by its key, for this bot's app id."""
    now = int(time.time())
    claims = {
        "iss": AuthenticationConstants.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER,
        "aud": CLIENT_ID,
        "exp": now + 3600,
        "nbf": now - 60,
        "serviceurl": service_url,
    }
    return jwt.encode(claims, signing_key, algorithm="RS256", headers={"kid": "channel-key"})


async def post_message(azure: Loopback, text: str, token: str = None) -> func.HttpResponse:
    activity = message(text, serviceUrl=azure.base_url)
    activity.pop("deliveryMode")  # replies go to the channel, as on Teams or Web Chat
    request = func.HttpRequest(
        "POST",
        "http://localhost:7071/api/messages",
        headers={
            "Content-Type": "application/json",
            "Authorization": f"Bearer {token or azure.channel_token()}",
        },
        params={},
        route_params={},
        body=json.dumps(activity).encode(),
    )
    return await messages_function.main(request)


async def test_replies_reach_the_channel_with_the_managed_identitys_token(azure):
    response = await post_message(azure, "hi")

    assert response.status_code == 200
    assert [post["activity"]["text"] for post in azure.channel_posts] == [
        "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
    ]
    assert azure.channel_posts[0]["authorization"] == "Bearer msi-token-1"
    [token_request] = azure.token_requests
    assert token_request["client_id"] == CLIENT_ID
    assert token_request["resource"] == BOT_FRAMEWORK_RESOURCE


async def test_the_token_is_fetched_once_and_reused_while_it_is_valid(azure):
    for text in ("hi", "Car", "Ada"):
        assert (await post_message(azure, text)).status_code == 200

    assert len(azure.token_requests) == 1
    assert {post["authorization"] for post in azure.channel_posts} == {"Bearer msi-token-1"}


async def test_an_expired_token_is_replaced_before_the_next_reply(azure):
    azure.token_lifetime = 2  # a worker idle for longer than a token lives

    await post_message(azure, "hi")
    await asyncio.sleep(3.2)  # the token lived 2 to 3 seconds (its expiry is rounded up)
    await post_message(azure, "Car")

    assert [post["authorization"] for post in azure.channel_posts] == [
        "Bearer msi-token-1",
        "Bearer msi-token-2",
    ]


async def test_a_slow_identity_endpoint_does_not_stall_the_worker(azure):
    azure.token_delay = 1.0
    async with loop_ticks() as ticks:
        response = await post_message(azure, "hi")
    assert response.status_code == 200
    assert azure.channel_posts[0]["authorization"] == "Bearer msi-token-1"
    assert ticks.count > 50, "the event loop was blocked while the token was fetched"


async def test_a_request_not_signed_by_the_channel_gets_401_and_no_token_is_fetched(azure):
    forged = _channel_token(rsa.generate_private_key(public_exponent=65537, key_size=2048), azure.base_url)

    response = await post_message(azure, "hi", token=forged)

    assert response.status_code == 401
    assert azure.channel_posts == [] and azure.token_requests == []


def test_credentials_without_a_fetched_token_refuse_rather_than_block():
    from shared.bot_credentials import ManagedIdentityBotCredentials

    credentials = ManagedIdentityBotCredentials(CLIENT_ID, BOT_FRAMEWORK_RESOURCE, credential=None)
    with pytest.raises(ManagedIdentityTokenUnavailable):
        credentials.get_access_token()
