"""The stored document: botbuilder's jsonpickle format, e_tag kept apart."""

from botbuilder.azure import CosmosDbPartitionedStorage

from shared.storage.stored_document import flatten_item, restore_item


class Profile:
    def __init__(self, name):
        self.name = name
        self.e_tag = "old"


def test_the_document_is_what_cosmos_db_partitioned_storage_stores():
    # pylint: disable=protected-access
    botbuilder_flatten = CosmosDbPartitionedStorage._CosmosDbPartitionedStorage__create_dict
    for item in ({"count": 1, "e_tag": "*", "nested": {"list": [1, "two"]}}, Profile("Ada")):
        assert flatten_item(item) == botbuilder_flatten(item)
        assert "e_tag" not in flatten_item(item)


def test_restoring_gives_back_the_item_with_the_record_e_tag():
    restored = restore_item(flatten_item(Profile("Ada")), "new")
    assert isinstance(restored, Profile)
    assert (restored.name, restored.e_tag) == ("Ada", "new")
    assert restore_item(flatten_item({"count": 1}), "e1") == {"count": 1, "e_tag": "e1"}


def test_restoring_leaves_the_stored_document_untouched():
    document = flatten_item({"count": 1})
    restore_item(document, "e1")
    assert document == {"count": 1}
