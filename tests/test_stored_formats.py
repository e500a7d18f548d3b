"""Conversations stored by earlier writers go on, and are saved back as plain JSON,
on every backend.

Earlier writers: this bot before its documents were plain JSON, and
botbuilder-azure's CosmosDbPartitionedStorage (both jsonpickle's form), and the
JavaScript SDK's bot.
"""

import json
import time
from datetime import datetime, timezone

import pytest

from shared.bot_application import BotApplication
from tests.chat_driver import ChatDriver, ShiftedClock
from tests.storage.legacy_documents import javascript_conversation, pickled, waiting_for_transport
from tests.storage.raw_records import plant, raw_record, record_holding

KEY = "test/conversations/moved-over"


def stored_document(backend: str, raw: object) -> dict:
    """The document inside a raw record as ``raw_record`` returns it."""
    if backend == "memory":
        return json.loads(raw[0])
    if backend == "blob":
        return json.loads(raw[0])["document"]
    return raw["document"]


def old_documents():
    now = time.time()
    return {
        "this bot's jsonpickle form": pickled(waiting_for_transport(now)),
        "the JavaScript bot's": javascript_conversation(
            datetime.fromtimestamp(now, timezone.utc).isoformat().replace("+00:00", "Z")
        ),
    }


@pytest.mark.parametrize("kind", list(old_documents()))
async def test_a_conversation_stored_in_an_older_format_goes_on_and_is_saved_as_plain_json(
    settings_for_backend, state_stores, kind
):
    backend = settings_for_backend.state_storage
    app = BotApplication(settings_for_backend, state_stores, ShiftedClock())
    await ChatDriver(app, "opening").say("hi")  # the containers exist
    # given a conversation waiting at the transport question, stored by an earlier writer
    await plant(
        settings_for_backend, state_stores, "conversation", KEY,
        record_holding(backend, KEY, old_documents()[kind]),
    )
    # when its user answers, then the dialog goes on where it was
    assert await ChatDriver(app, "moved-over").say("Bus") == ["Please enter your name."]
    # and the record is now plain JSON, in the shape every SDK reads
    document = stored_document(
        backend, await raw_record(settings_for_backend, state_stores, "conversation", KEY)
    )
    assert "py/" not in json.dumps(document)
    inner = document["DialogState"]["dialogStack"][0]["state"]["dialogs"]["dialogStack"]
    assert [instance["id"] for instance in inner] == ["TextPrompt", "WaterfallDialog"]
    assert inner[1]["state"]["values"]["transport"] == "Bus"
    assert isinstance(document["LastAccessedTime"], float)
