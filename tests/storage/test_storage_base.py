"""botbuilder's conformance suite for Storage, run on every backend's stores."""

import pytest
from botbuilder.testing import StorageBaseTests

BASE_TESTS = [
    "return_empty_object_when_reading_unknown_key",
    "handle_null_keys_when_reading",
    "handle_null_keys_when_writing",
    "does_not_raise_when_writing_no_items",
    "create_object",
    "handle_crazy_keys",
    "update_object",
    "delete_object",
    "delete_unknown_object",
    "perform_batch_operations",
    "proceeds_through_waterfall",
]


@pytest.mark.parametrize("role", ["conversation", "user"])
@pytest.mark.parametrize("base_test", BASE_TESTS)
async def test_storage_base(state_stores, role, base_test):
    store = getattr(state_stores, role)
    assert await getattr(StorageBaseTests, base_test)(store) is True
