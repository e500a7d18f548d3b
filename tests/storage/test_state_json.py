"""The stored document: plain JSON, read back as the dialog library's objects.

Documents in jsonpickle's form (this bot's before, botbuilder-azure's) and the
JavaScript SDK's still load; nothing a document says is ever run.
"""

import json
from datetime import datetime
from pathlib import Path

import pytest
from botbuilder.azure import CosmosDbPartitionedStorage
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import Activity, Attachment, CardAction, SuggestedActions
from jsonpickle.unpickler import Unpickler

from shared.storage.record_body import UnreadableBody
from shared.storage.state_json import from_document, to_document
from tests.storage.legacy_documents import javascript_conversation, pickled, waiting_for_transport


def prompt_of(item) -> PromptOptions:
    component = item["DialogState"].dialog_stack[0]
    return component.state["dialogs"].dialog_stack[0].state["options"]


def assert_waiting_for_transport(item, style=None):
    state = item["DialogState"]
    assert isinstance(state, DialogState)
    assert [instance.id for instance in state.dialog_stack] == ["UserProfileDialog"]
    inner = state.dialog_stack[0].state["dialogs"]
    assert [instance.id for instance in inner.dialog_stack] == ["ChoicePrompt", "WaterfallDialog"]
    assert inner.dialog_stack[1].state["instanceId"] == "instance-1"
    prompt = prompt_of(item)
    assert isinstance(prompt, PromptOptions) and isinstance(prompt.prompt, Activity)
    assert (prompt.prompt.type, prompt.prompt.text) == ("message", "Please enter your mode of transport.")
    assert [choice.value for choice in prompt.choices] == ["Car", "Bus", "Bicycle"]
    assert all(isinstance(choice, Choice) for choice in prompt.choices)
    assert prompt.style == style


def has_pickle_tags(value) -> bool:
    return "py/" in json.dumps(value)


def test_a_conversation_is_stored_as_plain_json_in_the_javascript_sdk_shapes():
    document = to_document({**waiting_for_transport(12.5, ListStyle.in_line), "e_tag": "*"})
    assert json.loads(json.dumps(document, allow_nan=False)) == document
    assert not has_pickle_tags(document) and "e_tag" not in document
    inner = document["DialogState"]["dialogStack"][0]["state"]["dialogs"]["dialogStack"]
    options = inner[0]["state"]["options"]
    assert options["prompt"] == {
        "type": "message", "text": "Please enter your mode of transport.", "inputHint": "acceptingInput",
    }
    assert options["choices"][0] == {
        "value": "Car", "action": {"type": "imBack", "title": "Car", "value": "Car"}, "synonyms": ["car"],
    }
    assert (options["style"], options["numberOfAttempts"]) == (2, 0)


@pytest.mark.parametrize("style", [None, ListStyle.in_line, ListStyle.hero_card])
def test_a_stored_conversation_reads_back_as_the_objects_it_was(style):
    item = {**waiting_for_transport(12.5, style), "e_tag": "*"}
    restored = from_document(json.loads(json.dumps(to_document(item))), "e7")
    assert restored["e_tag"] == "e7" and restored["LastAccessedTime"] == 12.5
    assert_waiting_for_transport(restored, style)
    action = prompt_of(restored).choices[0].action
    assert isinstance(action, CardAction) and (action.type, action.value) == ("imBack", "Car")
    assert to_document(restored) == to_document(item)


def test_the_document_this_bot_wrote_in_jsonpickle_form_loads():
    document = pickled(waiting_for_transport(12.5, ListStyle.list_style))
    assert has_pickle_tags(document)
    restored = from_document(document, "e1")
    assert_waiting_for_transport(restored, ListStyle.list_style)
    assert not has_pickle_tags(to_document(restored))


def test_botbuilder_azures_cosmos_documents_load():
    # pylint: disable=protected-access
    create_dict = CosmosDbPartitionedStorage._CosmosDbPartitionedStorage__create_dict
    item = waiting_for_transport(12.5)
    document = json.loads(json.dumps(create_dict(item)))
    assert_waiting_for_transport(from_document(document, "e1"))


def test_the_javascript_bots_documents_load():
    restored = from_document(javascript_conversation("2026-11-23T10:00:00.000Z"), "e1")
    assert_waiting_for_transport(restored)
    assert restored["LastAccessedTime"] == "2026-11-23T10:00:00.000Z"


def test_a_document_does_not_share_objects_with_the_item_it_was_made_from():
    item = {"Lifecycle": {"Warned": False}, "RecentActivityIds": ["a"]}
    document = to_document(item)
    item["Lifecycle"]["Warned"] = True
    item["RecentActivityIds"].append("b")
    assert document == {"Lifecycle": {"Warned": False}, "RecentActivityIds": ["a"]}


@pytest.mark.parametrize(
    "value, named",
    [(datetime(2026, 1, 1), "datetime.datetime"), ({1, 2}, "builtins.set"), (object(), "builtins.object")],
)
def test_a_value_with_no_json_form_is_refused_naming_its_type(value, named):
    with pytest.raises(TypeError, match=named):
        to_document({"kept": value})


def hostile_documents(marker: Path):
    """Old-format documents that, restored by jsonpickle, open (create) ``marker``."""
    opens = {"py/reduce": [{"py/function": "builtins.open"}, {"py/tuple": [str(marker), "w"]}]}
    return {
        "a reduce calling a function": {"DialogState": opens},
        "a reduce through a type": {
            "LastAccessedTime": 1,
            "x": {"py/reduce": [{"py/type": "builtins.open"}, {"py/tuple": [str(marker), "w"]}]},
        },
        "a function deep in the state": {"values": [{"nested": {"call": opens}}]},
        "an object of a class that is not state": {
            "DialogState": {"py/object": "subprocess.Popen", "args": ["true"]}
        },
        "a repr": {"x": {"py/repr": f"builtins/open({str(marker)!r}, 'w')"}},
        "a module": {"x": {"py/mod": "os"}},
    }


@pytest.mark.parametrize("kind", list(hostile_documents(Path("unused"))))
def test_an_old_format_document_naming_code_is_unreadable_and_nothing_runs(tmp_path, kind):
    marker = tmp_path / "ran"
    document = hostile_documents(marker)[kind]
    with pytest.raises(UnreadableBody):
        from_document(json.loads(json.dumps(document)), "e1")
    assert not marker.exists()


def test_jsonpickle_itself_would_run_the_hostile_document(tmp_path):
    # The control for the test above: the payload does run where jsonpickle restores it.
    marker = tmp_path / "ran"
    Unpickler().restore(hostile_documents(marker)["a reduce calling a function"]).get("DialogState").close()
    assert marker.exists()


@pytest.mark.parametrize(
    "document",
    [
        {"DialogState": {"dialogStack": [{"state": {}}]}},
        {"DialogState": {"dialogStack": [{"id": "p", "state": {"options": {"prompt": 5}, "state": {}}}]}},
        {"DialogState": {"dialogStack": [{"id": "p", "state": {"options": {"choices": 5}, "state": {}}}]}},
        {"DialogState": {"dialogStack": [{"id": "p", "state": {"options": {"style": 9}, "state": {}}}]}},
        {"DialogState": {"dialogStack": [{"id": "p", "state": {"options": {"prompt": {"type": "message", "timestamp": "soon"}}, "state": {}}}]}},
        {"DialogState": {"dialogStack": [{"id": "p", "state": {"options": {"choices": [{"value": "a", "action": {"type": 5}}]}, "state": {}}}]}},
        {"DialogState": {"py/object": "no_such_module.NoSuchClass"}},
    ],
)
def test_a_dialog_state_that_cannot_be_rebuilt_is_unreadable(document):
    with pytest.raises(UnreadableBody):
        from_document(document, "e1")


def test_a_stored_activity_is_its_wire_json_as_channels_send_it():
    activity = Activity(
        type="message",
        text="Pick one",
        timestamp=datetime(2026, 11, 23, 12, 0, 0, 123456).astimezone(),
        suggested_actions=SuggestedActions(actions=[CardAction(type="imBack", title="Car", value="Car")]),
        attachments=[Attachment(content_type="image/png", content_url="https://example.test/a.png")],
        channel_data={"any": ["json", 1]},
    )
    prompt_state = {"options": PromptOptions(prompt=activity), "state": {}}
    document = to_document({"DialogState": DialogState([DialogInstance("p", prompt_state)])})
    stored = document["DialogState"]["dialogStack"][0]["state"]["options"]["prompt"]
    assert stored == activity.serialize()
    restored = from_document(json.loads(json.dumps(document)), "e1")
    again = restored["DialogState"].dialog_stack[0].state["options"].prompt
    assert again.serialize() == activity.serialize() and again.timestamp == activity.timestamp
