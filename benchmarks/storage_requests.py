"""Storage requests per turn: what each turn reads, writes and deletes.

Conversations run one after another with every storage call counted, both at
the Storage interface (one per key; works for memory too) and as HTTP
requests sent by the Azure SDKs. The first turn of each conversation, where
both the conversation and the user are new, is also counted on its own.
"""

import time
from collections import Counter
from dataclasses import dataclass

from .backends import Backend
from .conversation import TURNS_PER_CONVERSATION, check_reply, conversation_bodies
from .plumbing import PLUMBINGS
from .request_count import StoreCalls, count_http_requests
from .turns import WARM_UP_CONVERSATIONS, run_conversations


@dataclass(frozen=True)
class RequestCounts:
    conversations: int
    store_calls: Counter  # (conversation|user, read|write|delete) -> calls
    first_turn_calls: Counter
    http: Counter  # request kind -> requests, setup excluded

    @property
    def turns(self) -> int:
        return self.conversations * TURNS_PER_CONVERSATION

    def per_turn(self, kind: str, operation: str) -> float:
        return self.store_calls[(kind, operation)] / self.turns

    def per_conversation(self, kind: str, operation: str) -> float:
        return self.store_calls[(kind, operation)] / self.conversations

    def first_turn(self, kind: str, operation: str) -> float:
        return self.first_turn_calls[(kind, operation)] / self.conversations

    @property
    def http_per_turn(self) -> float:
        return sum(self.http.values()) / self.turns


async def count_requests(backend: Backend, plumbing: str, conversations: int) -> RequestCounts:
    """Run ``conversations`` dialogs on ``plumbing`` and count their storage requests."""
    run_id = f"count-{plumbing}-{backend.name}-{time.time_ns()}"
    async with PLUMBINGS[plumbing](backend) as bot:
        await run_conversations(bot.handle, f"{run_id}-warm", WARM_UP_CONVERSATIONS, 1)
        calls = StoreCalls(bot.storages)
        first_turn: Counter = Counter()
        with count_http_requests() as http:
            for number in range(conversations):
                for turn, body in enumerate(conversation_bodies(run_id, number)):
                    before = calls.snapshot()
                    check_reply(turn, *await bot.handle(body))
                    if turn == 0:
                        first_turn.update(calls.snapshot() - before)
        http.pop("setup", None)
        return RequestCounts(conversations, calls.snapshot(), first_turn, Counter(http))
