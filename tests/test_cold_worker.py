"""A cold worker: its first turn does not hold the event loop, and loads only what it uses.

The Python worker runs every invocation on one event loop. messages_function
builds the bot (imports, storage clients) when the worker loads it, so a cold
first turn has nothing left that holds the loop for long, and another
conversation's turn, started while it runs, is answered at once. Built on the
first turn instead, the bot's imports held the loop for 0.7 to 0.8 s.

What the function loads is built without the garbage collector, then frozen
(shared.worker.long_lived). Packages a turn rarely or never uses are deferred
(shared/deferred_packages.py): none loads on a first turn. The text
recognizers (and Babel) load at the first recognition, on the recognizer
pool, then recognize as always.
"""

import gc

import pytest

from shared.worker import long_lived
from tests.cold_worker import run_in_fresh_process

TRANSPORT_PROMPT = "Please enter your mode of transport. (1) Car, (2) Bus, or (3) Bicycle"
# Generous, for a shared machine: two first turns take tens of milliseconds.
MAX_LOOP_GAP_MS = 150
RECOGNIZERS = (
    "recognizers_text", "recognizers_number", "recognizers_choice", "recognizers_date_time",
    "babel", "babel.numbers",
)


@pytest.fixture(scope="module")
def cold_worker() -> dict:
    return run_in_fresh_process()


def test_a_cold_first_turn_does_not_hold_another_conversations_turn(cold_worker):
    assert cold_worker["replies"] == cold_worker["second_replies"] == [TRANSPORT_PROMPT]
    assert cold_worker["longest_loop_gap_ms"] < MAX_LOOP_GAP_MS
    assert cold_worker["second_answered_ms"] < MAX_LOOP_GAP_MS


def test_the_first_turns_load_none_of_the_packages_the_worker_defers(cold_worker):
    assert set(cold_worker["packages_after_first_turns"].values()) == {"deferred"}


def test_later_turns_load_the_recognizers_off_the_loop_and_they_recognize_as_always(cold_worker):
    assert cold_worker["later_replies"] == [
        ["Please enter your name."],
        ["Thanks Bob", "Would you like to give your age? (1) Yes or (2) No"],
        ["Please enter your age."],  # "yes": the yes/no recognizer
        ["I have your age as 42.", "Please attach a profile picture (or type any message to skip)."],
        ["No attachments received. Proceeding without a profile picture...", "Is this ok? (1) Yes or (2) No"],
        # "2" was Bus: the number recognizer
        ["I have your mode of transport as Bus and your name as Bob and your age as 42 and no profile picture."],
    ]
    assert cold_worker["later_longest_loop_gap_ms"] < MAX_LOOP_GAP_MS
    assert cold_worker["recognized_time"] == ["T17"]  # DateTimePrompt, "at 5pm"
    loaded = [name for name, state in cold_worker["packages_at_the_end"].items() if state == "loaded"]
    assert loaded == list(RECOGNIZERS)


def test_what_the_function_loads_is_frozen_and_the_collector_stays_on(cold_worker):
    assert cold_worker["collector_on"]
    assert cold_worker["frozen_objects"] > 10_000  # the bot's modules, classes and objects


def test_long_lived_leaves_the_collector_as_it_was_and_freezes_only_a_finished_build(monkeypatch):
    frozen = []
    monkeypatch.setattr(gc, "freeze", lambda: frozen.append("frozen"))  # not this test process
    with pytest.raises(RuntimeError), long_lived():
        assert not gc.isenabled()
        raise RuntimeError("the bot could not be built")
    assert gc.isenabled() and frozen == []
    gc.disable()
    try:
        with long_lived():
            pass
        assert not gc.isenabled() and frozen == ["frozen"]
    finally:
        gc.enable()
