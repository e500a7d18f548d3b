"""Reading documents in jsonpickle's form, which older versions of this bot and
botbuilder-azure's CosmosDbPartitionedStorage wrote.

jsonpickle would import and call whatever such a document names
(``py/function``, ``py/reduce``, any ``py/object``), so anyone able to write
to the store could run code in the bot. Here a document is checked first:
its objects may only be the dialog library's state types, botbuilder.schema's
objects and enums, and a Decimal (a number prompt's result); anything else
makes it unreadable, and jsonpickle then rebuilds only what was checked.
The next save writes the document as plain JSON (``state_json``).
"""

from enum import Enum
from typing import Any, Dict

from .record_body import UnreadableBody

# Classes a document may name, by module. Each module is botbuilder's own.
_STATE_CLASSES = {
    "botbuilder.dialogs.dialog_state": {"DialogState"},
    "botbuilder.dialogs.dialog_instance": {"DialogInstance"},
    "botbuilder.dialogs.prompts.prompt_options": {"PromptOptions"},
    "botbuilder.dialogs.choices.choice": {"Choice"},
}
_SCHEMA_MODULES = ("botbuilder.schema._models_py3",)
_ENUM_MODULES = (
    "botbuilder.schema._connector_client_enums",
    "botbuilder.dialogs.choices.list_style",
)
_STRUCTURE_TAGS = {"py/tuple", "py/set", "py/id"}


def restore_pickled(document: Dict[str, Any]) -> Dict[str, Any]:
    """The store item in jsonpickle ``document``, or UnreadableBody."""
    _check(document)
    from jsonpickle.errors import ClassNotFoundError  # pylint: disable=import-outside-toplevel
    from jsonpickle.unpickler import Unpickler  # pylint: disable=import-outside-toplevel

    try:
        item = Unpickler(on_missing="error").restore(document)
    except (Exception, ClassNotFoundError) as error:  # pylint: disable=broad-except
        # ClassNotFoundError is a BaseException, hence named.
        raise UnreadableBody(f"document cannot be restored ({type(error).__name__})") from None
    if not isinstance(item, dict):
        raise UnreadableBody("document is not a state object")
    return item


def _check(value: Any) -> None:
    """UnreadableBody unless every tag in ``value`` names an allowed type."""
    if isinstance(value, list):
        for element in value:
            _check(element)
        return
    if not isinstance(value, dict):
        return
    for key, element in value.items():
        if key == "py/object":
            _require(_is_state_class(element), "names a class that is not state")
        elif key == "py/type":
            _require(
                _is_enum(element) or element == "decimal.Decimal", "names a type that is not state"
            )
        elif key == "py/reduce":
            _check_reduce(element)
            continue
        elif key.startswith("py/"):
            _require(key in _STRUCTURE_TAGS, f"holds the tag {key}")
        _check(element)


def _check_reduce(arguments: Any) -> None:
    """A reduce may only rebuild an allowed enum member or a Decimal from plain values."""
    _require(isinstance(arguments, list) and len(arguments) == 2, "holds an unknown reduce")
    made_by, given = arguments
    _require(
        isinstance(made_by, dict) and set(made_by) == {"py/type"}, "holds a reduce of a non-type"
    )
    _check(made_by)
    _require(
        isinstance(given, dict)
        and set(given) == {"py/tuple"}
        and isinstance(given["py/tuple"], list)
        and all(isinstance(part, (str, int, float)) for part in given["py/tuple"]),
        "holds a reduce with arguments that are not plain values",
    )


def _is_state_class(name: Any) -> bool:
    if not isinstance(name, str):
        return False
    module, _, class_name = name.rpartition(".")
    if class_name in _STATE_CLASSES.get(module, ()):
        return True
    if module in _SCHEMA_MODULES:
        from ..schema_json import schema_class  # pylint: disable=import-outside-toplevel

        return schema_class(class_name) is not None
    return False


def _is_enum(name: Any) -> bool:
    if not isinstance(name, str):
        return False
    module, _, class_name = name.rpartition(".")
    if module not in _ENUM_MODULES:
        return False
    import importlib  # pylint: disable=import-outside-toplevel

    candidate = getattr(importlib.import_module(module), class_name, None)
    return isinstance(candidate, type) and issubclass(candidate, Enum)


def _require(condition: bool, reason: str) -> None:
    if not condition:
        raise UnreadableBody(f"document in the old format {reason}")

