"""A cold worker's first turn does not hold its event loop.

The Python worker runs every invocation on one event loop. messages_function
builds the bot (imports, storage clients) when the worker loads it, so a cold
first turn has nothing left that holds the loop for long, and another
conversation's turn, started while it runs, is answered at once. Built on the
first turn instead, the bot's imports held the loop for 0.7 to 0.8 s.
"""

from tests.cold_worker import run_in_fresh_process

TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
# Generous, for a shared machine: two first turns take tens of milliseconds.
MAX_LOOP_GAP_MS = 150


def test_a_cold_first_turn_does_not_hold_another_conversations_turn():
    worker = run_in_fresh_process()
    assert worker["replies"] == worker["second_replies"] == [TRANSPORT_PROMPT]
    assert worker["longest_loop_gap_ms"] < MAX_LOOP_GAP_MS
    assert worker["second_answered_ms"] < MAX_LOOP_GAP_MS
