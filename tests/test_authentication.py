"""Requests to a bot with credentials: bad tokens get 401 in bounded time."""

import asyncio
import json
import time

import jwt
import pytest
from botframework.connector.auth import AuthenticationConstants
from botframework.connector.auth.jwt_token_extractor import JwtTokenExtractor
from cryptography.hazmat.primitives.asymmetric import rsa

from shared.bot_application import BotApplication
from shared.openid_metadata import BoundedOpenIdMetadata
from shared.settings import Settings
from shared.storage import StateStores
from shared.storage.memory_store import MemoryStore
from tests.loop_ticks import loop_ticks
from tests.chat_driver import FakeClock, message

APP_ID = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def stores():
    return StateStores(conversation=MemoryStore(), user=MemoryStore())


@pytest.fixture
def app(stores):
    settings = Settings(microsoft_app_id=APP_ID, microsoft_app_password="not-a-real-secret")
    return BotApplication(settings, stores, FakeClock())


def forged_token(expires_in: int = 3600) -> str:
    """A well-formed channel token signed by a key the channel never published."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    claims = {
        "iss": "https://api.botframework.com",
        "aud": APP_ID,
        "exp": int(time.time()) + expires_in,
        "nbf": int(time.time()) - 60,
        "serviceurl": "http://127.0.0.1:9/",
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": "forged"})


async def post(app, headers):
    body = json.dumps(message("hi", deliveryMode="expectReplies")).encode()
    return await app.handle("POST", {"content-type": "application/json", **headers}, body)


@pytest.fixture
async def unreachable_identity_endpoint(monkeypatch):
    """The channel's OpenID endpoint accepts connections and never answers."""

    async def never_answer(reader, writer):
        await reader.read(65536)
        await asyncio.sleep(3600)

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    metadata = BoundedOpenIdMetadata(f"http://127.0.0.1:{port}/openid", timeout_seconds=0.5)
    monkeypatch.setitem(
        JwtTokenExtractor.metadataCache,
        AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
        metadata,
    )
    yield
    server.close()


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Basic dXNlcjpwYXNz", "Bearer not.a.token", "Bearer " + "a" * 5000],
)
async def test_missing_or_malformed_tokens_get_401_and_store_nothing(app, stores, authorization):
    headers = {} if authorization is None else {"authorization": authorization}
    result = await post(app, headers)
    assert result.status == 401
    assert [r async for r in stores.conversation.find_due(float("inf"), float("inf"))] == []


@pytest.mark.usefixtures("unreachable_identity_endpoint")
@pytest.mark.parametrize("expires_in", [3600, -3600])
async def test_forged_or_expired_tokens_get_401_without_stalling_the_worker(app, stores, expires_in):
    async with loop_ticks() as ticks:
        result = await asyncio.wait_for(
            post(app, {"authorization": f"Bearer {forged_token(expires_in)}"}), timeout=30
        )
    assert result.status == 401
    assert ticks.count > 10, "the event loop was blocked while the identity endpoint hung"
    assert [r async for r in stores.conversation.find_due(float("inf"), float("inf"))] == []


def test_the_bot_validates_tokens_with_the_bounded_metadata(app):
    for url in (
        AuthenticationConstants.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL,
        AuthenticationConstants.TO_BOT_FROM_EMULATOR_OPENID_METADATA_URL,
    ):
        assert isinstance(JwtTokenExtractor.get_open_id_metadata(url), BoundedOpenIdMetadata)
