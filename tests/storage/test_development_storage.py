"""Connection strings for the Blob client, including development storage."""

from shared.storage.development_storage import (
    DEVELOPMENT_ACCOUNT_KEY,
    expand_development_storage,
)


def test_development_storage_expands_to_azurite_on_port_10000():
    expanded = expand_development_storage("UseDevelopmentStorage=true")
    assert "AccountName=devstoreaccount1" in expanded
    assert f"AccountKey={DEVELOPMENT_ACCOUNT_KEY}" in expanded
    assert "BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;" in expanded


def test_development_storage_may_name_a_proxy_and_any_case():
    expanded = expand_development_storage(
        "usedevelopmentstorage=True;DevelopmentStorageProxyUri=http://azurite/"
    )
    assert "BlobEndpoint=http://azurite:10000/devstoreaccount1;" in expanded


def test_other_connection_strings_pass_unchanged():
    connection_string = (
        "DefaultEndpointsProtocol=https;AccountName=bots;AccountKey=a2V5==;"
        "EndpointSuffix=core.windows.net"
    )
    assert expand_development_storage(connection_string) == connection_string
    turned_off = "UseDevelopmentStorage=false"
    assert expand_development_storage(turned_off) == turned_off
