"""An expectReplies answer is the JSON botbuilder's own adapter would give."""

from botbuilder.core import CloudAdapterBase

from shared.bot_application import BotApplication
from shared.settings import Settings
from shared.storage import StateStores
from shared.storage.memory_store import MemoryStore
from tests.chat_driver import FakeClock, message

PICTURE = {"contentType": "image/png", "contentUrl": "https://example.test/me.png", "name": "me.png"}
TURNS = [("hi", None), ("Bus", None), ("Ada", None), ("yes", None), ("42", None),
         (None, [PICTURE]), ("yes", None), ("hi again", None)]


def bot(adapter_class=None) -> BotApplication:
    app = BotApplication(
        Settings(), StateStores(conversation=MemoryStore(), user=MemoryStore()), FakeClock()
    )
    if adapter_class is not None:
        stock = adapter_class(app.adapter.bot_framework_authentication)
        stock.on_turn_error = app.adapter.on_turn_error
        app.adapter = stock
    return app


async def test_every_answer_of_a_whole_conversation_matches_botbuilders():
    product, stock = bot(), bot(CloudAdapterBase)
    for number, (text, attachments) in enumerate(TURNS):
        activity = message(text, id=f"turn-{number}", attachments=attachments)
        ours, theirs = await product.run_turn("", _read(activity)), await stock.run_turn("", _read(activity))
        assert ours.status == theirs.status == 200
        assert ours.body == theirs.body
        assert ours.body["activities"], text


def _read(activity: dict):
    from botbuilder.schema import Activity  # pylint: disable=import-outside-toplevel

    return Activity().deserialize(activity)
