"""The Blob store keeps the clients of the blobs it used lately, and only those."""

from azure.storage.blob.aio import ContainerClient

from shared.storage.blob_clients import RecentBlobClients

ACCOUNT = "http://127.0.0.1:9/devstoreaccount1"


def test_a_blob_used_again_gets_the_same_client_and_the_oldest_is_dropped():
    container = ContainerClient(ACCOUNT, "conversations")
    clients = RecentBlobClients(size=2)
    first = clients.get(container, "a")
    assert first.blob_name == "a" and clients.get(container, "a") is first
    clients.get(container, "b")
    clients.get(container, "a")  # used last, so "b" is now the oldest
    clients.get(container, "c")
    assert clients.get(container, "a") is first
    assert clients.get(container, "b") is not None and len(clients._clients) == 2  # pylint: disable=protected-access


def test_a_reopened_container_gets_new_clients():
    clients = RecentBlobClients()
    old = clients.get(ContainerClient(ACCOUNT, "conversations"), "a")
    reopened = ContainerClient(ACCOUNT, "conversations")
    new = clients.get(reopened, "a")
    assert new is not old and new.container_name == "conversations"
