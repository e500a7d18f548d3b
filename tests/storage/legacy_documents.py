"""Conversation documents as earlier writers stored them, for the tests that read them.

- ``pickled``: jsonpickle's flattened form, which this bot wrote before its
  documents were plain JSON, and which botbuilder-azure's
  CosmosDbPartitionedStorage writes;
- ``javascript_conversation``: what the JavaScript SDK's bot stores, with
  its ISO ``LastAccessedTime``, a prompt given as text and choices as strings.
"""

from typing import Any, Dict

from botbuilder.core import MessageFactory
from botbuilder.dialogs import DialogInstance, DialogState
from botbuilder.dialogs.choices import Choice, ListStyle
from botbuilder.dialogs.prompts import PromptOptions
from botbuilder.schema import CardAction
from jsonpickle.pickler import Pickler

TRANSPORTS = ["Car", "Bus", "Bicycle"]


def pickled(value: Any) -> Any:
    """``value`` in jsonpickle's flattened form, its e_tag left out as stores did."""
    document = Pickler().flatten(value)
    if isinstance(document, dict):
        document.pop("e_tag", None)
    return document


def waiting_for_transport(last_accessed: float, style: ListStyle = None) -> Dict[str, Any]:
    """A conversation whose dialog waits at the transport question, as objects."""
    prompt = PromptOptions(
        prompt=MessageFactory.text("Please enter your mode of transport."),
        retry_prompt=MessageFactory.text("Please choose one of the options."),
        choices=[
            Choice(
                transport,
                action=CardAction(type="imBack", title=transport, value=transport),
                synonyms=[transport.lower()],
            )
            for transport in TRANSPORTS
        ],
        style=style,
    )
    waterfall = {"options": None, "values": {}, "instanceId": "instance-1", "stepIndex": 0}
    inner = DialogState(
        [DialogInstance("ChoicePrompt", {"options": prompt, "state": {}}),
         DialogInstance("WaterfallDialog", waterfall)]
    )
    return {
        "DialogState": DialogState([DialogInstance("UserProfileDialog", {"dialogs": inner})]),
        "LastAccessedTime": last_accessed,
    }


def javascript_conversation(last_accessed_iso: str) -> Dict[str, Any]:
    """The same conversation as the JavaScript SDK's bot stores it."""
    prompt = {
        "options": {
            "prompt": "Please enter your mode of transport.",
            "choices": TRANSPORTS,
        },
        "state": {},
    }
    waterfall = {"options": {}, "values": {"instanceId": "instance-1"}, "stepIndex": 0}
    return {
        "DialogState": {
            "dialogStack": [
                {
                    "id": "UserProfileDialog",
                    "state": {
                        "dialogs": {
                            "dialogStack": [
                                {"id": "ChoicePrompt", "state": prompt},
                                {"id": "WaterfallDialog", "state": waterfall},
                            ]
                        }
                    },
                }
            ]
        },
        "LastAccessedTime": last_accessed_iso,
    }
