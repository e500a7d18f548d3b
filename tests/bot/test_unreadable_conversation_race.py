"""Saving over an unreadable conversation record only over the version the turn read."""

from shared.storage import MalformedRecord
from shared.storage.memory_store import MemoryStore
from tests.chat_driver import message
from tests.storage.raw_records import NOT_JSON

KEY = "test/conversations/conversation-1"
TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"


class RewrittenAfterReadStore(MemoryStore):
    """A store where someone else writes the record just after a turn found it unreadable."""

    def __init__(self, rewrite):
        super().__init__()
        self._rewrite = rewrite

    async def read(self, keys):
        try:
            return await super().read(keys)
        except MalformedRecord:
            rewrite, self._rewrite = self._rewrite, None
            if rewrite is None:
                raise
            await rewrite(self)
            raise


def planted(store: MemoryStore, record: object, e_tag: str) -> None:
    store._records[KEY] = record  # pylint: disable=protected-access
    store._e_tags[KEY] = e_tag  # pylint: disable=protected-access


async def test_a_conversation_saved_by_another_turn_meanwhile_is_not_overwritten(app, chat):
    # given an unreadable conversation record that another instance's turn
    # replaces with good state while this turn runs
    async def another_turn_saves(store):
        await store.write({KEY: {"LastAccessedTime": 1, "by": "the other turn"}})

    store = RewrittenAfterReadStore(another_turn_saves)
    planted(store, NOT_JSON, "unreadable")
    app.conversation_state._storage = store  # pylint: disable=protected-access
    # when this turn saves
    result = await chat.post(message("hi"))
    # then it lost the race: the other turn's state stays and the channel may retry
    assert result.status == 503
    assert (await store.read([KEY]))[KEY]["by"] == "the other turn"


async def test_a_conversation_record_still_unreadable_at_save_is_replaced(app, chat):
    # given an unreadable record that changes, still unreadable, during the
    # turn (as when a sweep marks it)
    async def marked_meanwhile(store):
        planted(store, NOT_JSON, "marked")

    store = RewrittenAfterReadStore(marked_meanwhile)
    planted(store, NOT_JSON, "unreadable")
    app.conversation_state._storage = store  # pylint: disable=protected-access
    # when the user writes, then the conversation starts over and is saved
    assert await chat.say("hi") == [TRANSPORT_PROMPT]
    assert "LastAccessedTime" in (await store.read([KEY]))[KEY]
