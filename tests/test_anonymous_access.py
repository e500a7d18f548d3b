"""Without credentials: refused in Azure unless opted in, and replies only to allowed places.

An unsigned activity's serviceUrl is whatever its sender wrote. These tests go
through the function entry point with real HTTP listeners on 127.0.0.1.
"""

import importlib
import json
import uuid

import pytest

import messages_function
from shared import worker
from shared.settings import Settings, SettingsError
from tests.channel_stub import ChannelStub
from tests.conftest import delete_blob_containers
from tests.test_functions import stored_conversation_keys
from tests.test_outbound_replies import TRANSPORT_PROMPT, channel_message, post

pytestmark = pytest.mark.usefixtures("fresh_worker")


@pytest.fixture
async def deployed_without_credentials(fresh_worker, monkeypatch, azurite):
    """Settings as in Azure: an instance id, Blob storage, and no MicrosoftAppId."""
    suffix = uuid.uuid4().hex[:12]
    monkeypatch.setenv("WEBSITE_INSTANCE_ID", "0123456789abcdef")
    monkeypatch.setenv("StateStorage", "blob")
    monkeypatch.setenv("BlobConnectionString", azurite.connection_string)
    monkeypatch.setenv("BlobConversationStateContainer", f"conversation-{suffix}")
    monkeypatch.setenv("BlobUserStateContainer", f"user-{suffix}")
    await worker.reset_worker()
    yield
    await worker.reset_worker()
    await delete_blob_containers(
        Settings(
            blob_connection_string=azurite.connection_string,
            blob_conversation_state_container=f"conversation-{suffix}",
            blob_user_state_container=f"user-{suffix}",
        )
    )


@pytest.mark.usefixtures("deployed_without_credentials")
async def test_a_deployed_app_without_credentials_does_not_load():
    with pytest.raises(SettingsError) as refused:
        importlib.reload(messages_function)
    assert refused.value.setting == "MicrosoftAppId"
    assert "AllowUnauthenticatedRequests" in str(refused.value)


@pytest.mark.usefixtures("deployed_without_credentials")
async def test_opted_in_in_azure_it_replies_only_to_listed_service_urls(monkeypatch):
    monkeypatch.setenv("AllowUnauthenticatedRequests", "true")
    await worker.reset_worker()
    importlib.reload(messages_function)
    async with ChannelStub() as channel:
        # Loopback is the function host itself in Azure: not allowed by default.
        refused = await post(channel_message("hi", "in-azure", channel.url))
        assert refused.status_code == 403
        assert "AllowedServiceUrls" in json.loads(refused.get_body())["error"]["message"]
        assert channel.calls == []
        assert await stored_conversation_keys() == []

        monkeypatch.setenv("AllowedServiceUrls", channel.url)
        await worker.reset_worker()
        allowed = await post(channel_message("hi", "in-azure", channel.url))
    assert allowed.status_code == 200
    assert channel.texts == [TRANSPORT_PROMPT]


async def test_locally_it_replies_on_loopback():
    async with ChannelStub() as channel:
        response = await post(channel_message("hi", "local", channel.url))
    assert response.status_code == 200
    assert channel.texts == [TRANSPORT_PROMPT]


@pytest.mark.parametrize(
    "service_url",
    [
        "http://169.254.169.254/metadata/",
        "http://10.0.0.7:3978/",
        "https://attacker.example/",
        "http://127.0.0.1@attacker.example/",
        "http://localhost.attacker.example/",
        "file:///etc/passwd",
    ],
)
async def test_locally_any_other_service_url_gets_403_before_the_turn(service_url):
    response = await post(channel_message("hi", "elsewhere", service_url))
    assert response.status_code in (400, 403)
    assert json.loads(response.get_body())["error"]["message"]
    assert await stored_conversation_keys() == []
