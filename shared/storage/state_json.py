"""A state item as the document Blob, Cosmos and memory store: plain JSON.

The dialog library's objects are stored in the shapes the JavaScript SDK
gives them, so every Bot Framework SDK reads the document as data and nothing
in it names code:

    DialogState       {"dialogStack": [DialogInstance, ...]}
    DialogInstance    {"id": "...", "state": {...}}
    PromptOptions     {"prompt": Activity, "retryPrompt": Activity, "choices": [Choice],
                       "style": 2, "validations": ..., "numberOfAttempts": 0}
    Choice            {"value": "...", "action": CardAction, "synonyms": [...]}
    Activity, CardAction and the other botbuilder.schema objects: their wire JSON

On reading, the objects come back where the dialog library keeps them: a
DialogState is a conversation property or a component dialog's ``dialogs``
holding a ``dialogStack``; a prompt's instance state is ``{"options", "state"}``
(the layout of botbuilder's Prompt), its options a PromptOptions. Anything
else is read as the plain value it is. Documents older versions wrote in
jsonpickle's form are read by ``pickled_state``, which rebuilds only these
same types.
"""

from decimal import Decimal
from enum import Enum
from typing import Any, Dict

from .record_body import UnreadableBody
from ..schema_json import model_from_json, model_to_json

_PLAIN = (str, int, float, bool, type(None))


def to_document(item: object) -> Dict[str, Any]:
    """The JSON document of store item ``item``; its e_tag belongs to the record.

    TypeError, naming the type, for a value that has no JSON form here.
    """
    if not isinstance(item, dict):
        raise TypeError(f"a state item must be a dict, not {type(item).__name__}")
    return {key: _to_json(value) for key, value in item.items() if key != "e_tag"}


def from_document(document: Dict[str, Any], e_tag: str) -> Dict[str, Any]:
    """The store item ``document`` holds, carrying ``e_tag``; else UnreadableBody."""
    if _has_pickle_tags(document):
        from .pickled_state import restore_pickled  # pylint: disable=import-outside-toplevel

        item = restore_pickled(document)
    else:
        try:
            item = {key: _property_from_json(value) for key, value in document.items()}
        except (TypeError, ValueError, KeyError) as error:
            raise UnreadableBody(f"dialog state cannot be read ({type(error).__name__})") from None
    item["e_tag"] = e_tag
    return item


def _to_json(value: Any) -> Any:
    # The order puts what state holds most first: plain values, then containers.
    if isinstance(value, _PLAIN) and not isinstance(value, Enum):
        return value
    if isinstance(value, dict):
        return {_key(key): _to_json(element) for key, element in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_json(element) for element in value]
    encode = _ENCODERS.get(type(value).__name__)
    if encode is not None and type(value).__module__.startswith("botbuilder.dialogs"):
        return encode(value)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):  # a number prompt's result, before ages were ints
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(type(value), "_attribute_map") and type(value).__module__.startswith(
        "botbuilder.schema"
    ):
        return model_to_json(value)
    raise TypeError(
        f"state cannot hold a {type(value).__module__}.{type(value).__name__}: "
        "store dicts, lists, strings, numbers, booleans and None"
    )


def _key(key: Any) -> str:
    if not isinstance(key, str):
        raise TypeError(f"state keys must be strings, not {type(key).__name__}")
    return key


def _dialog_state_to_json(state) -> Dict[str, Any]:
    return {"dialogStack": [_to_json(instance) for instance in state.dialog_stack]}


def _dialog_instance_to_json(instance) -> Dict[str, Any]:
    return {"id": instance.id, "state": _to_json(instance.state)}


def _prompt_options_to_json(options) -> Dict[str, Any]:
    document = {
        "prompt": _to_json(options.prompt),
        "retryPrompt": _to_json(options.retry_prompt),
        "choices": _to_json(options.choices),
        "style": None if options.style is None else int(options.style.value),
        "validations": _to_json(options.validations),
        "numberOfAttempts": options.number_of_attempts,
    }
    return {key: value for key, value in document.items() if value is not None}


def _choice_to_json(choice) -> Dict[str, Any]:
    document = {
        "value": choice.value,
        "action": _to_json(choice.action),
        "synonyms": _to_json(choice.synonyms),
    }
    return {key: value for key, value in document.items() if value is not None}


_ENCODERS = {
    "DialogState": _dialog_state_to_json,
    "DialogInstance": _dialog_instance_to_json,
    "PromptOptions": _prompt_options_to_json,
    "Choice": _choice_to_json,
}


def _property_from_json(value: Any) -> Any:
    if _is_dialog_state(value):
        return _dialog_state_from_json(value)
    return value


def _is_dialog_state(value: Any) -> bool:
    return isinstance(value, dict) and isinstance(value.get("dialogStack"), list)


def _dialog_state_from_json(document: Dict[str, Any]):
    # pylint: disable-next=import-outside-toplevel
    from botbuilder.dialogs import DialogInstance, DialogState

    stack = []
    for instance in document["dialogStack"]:
        if not isinstance(instance, dict) or not isinstance(instance.get("id"), str):
            raise ValueError("a dialog on the stack has no id")
        state = instance.get("state") or {}
        if not isinstance(state, dict):
            raise ValueError("a dialog's state is not an object")
        stack.append(DialogInstance(instance["id"], _instance_state_from_json(state)))
    return DialogState(stack)


def _instance_state_from_json(state: Dict[str, Any]) -> Dict[str, Any]:
    state = dict(state)
    if _is_dialog_state(state.get("dialogs")):  # a component dialog's inner stack
        state["dialogs"] = _dialog_state_from_json(state["dialogs"])
    if _is_prompt_state(state):
        state["options"] = _prompt_options_from_json(state["options"])
    values = state.get("values")
    if "stepIndex" in state and "instanceId" not in state and isinstance(values, dict):
        # The JavaScript SDK's waterfall keeps its instance id among its values.
        state["instanceId"] = values.get("instanceId")
    return state


def _is_prompt_state(state: Dict[str, Any]) -> bool:
    """True for the state botbuilder's Prompt keeps: its options and its own state."""
    return (
        isinstance(state.get("options"), dict)
        and isinstance(state.get("state"), dict)
        and "values" not in state
    )


def _prompt_options_from_json(document: Dict[str, Any]):
    from botbuilder.dialogs.choices import ListStyle  # pylint: disable=import-outside-toplevel
    from botbuilder.dialogs.prompts import PromptOptions  # pylint: disable=import-outside-toplevel

    style = document.get("style")
    return PromptOptions(
        prompt=_activity_from_json(document.get("prompt")),
        retry_prompt=_activity_from_json(document.get("retryPrompt")),
        choices=_choices_from_json(document.get("choices")),
        style=None if style is None else ListStyle(str(style)),
        validations=document.get("validations"),
        number_of_attempts=document.get("numberOfAttempts", 0),
    )


def _activity_from_json(document: Any):
    if document is None:
        return None
    if isinstance(document, str):  # the JavaScript SDK allows a prompt's text alone
        document = {"type": "message", "text": document}
    return model_from_json("Activity", document)


def _choices_from_json(documents: Any):
    from botbuilder.dialogs.choices import Choice  # pylint: disable=import-outside-toplevel

    if documents is None:
        return None
    if not isinstance(documents, list):
        raise ValueError("a prompt's choices are not a JSON array")
    choices = []
    for document in documents:
        if isinstance(document, str):  # the JavaScript SDK allows a choice's value alone
            document = {"value": document}
        if not isinstance(document, dict):
            raise ValueError("a choice is not a JSON object")
        action = document.get("action")
        choices.append(
            Choice(
                value=document.get("value"),
                action=None if action is None else model_from_json("CardAction", action),
                synonyms=document.get("synonyms"),
            )
        )
    return choices


def _has_pickle_tags(value: Any) -> bool:
    """True if ``value`` holds jsonpickle's tags anywhere: a document older versions wrote."""
    if isinstance(value, dict):
        for key, element in value.items():
            if key.startswith("py/") or _has_pickle_tags(element):
                return True
    elif isinstance(value, list):
        for element in value:
            if _has_pickle_tags(element):
                return True
    return False
