"""botbuilder.schema objects (an Activity, its accounts, attachments, card
actions) to and from their wire JSON: the camelCase form a channel sends.

msrest's own serializer does the same with type checks a stored prompt does
not need, at ten times the cost; a dialog's state holds one or two of these
per turn, and a request's activity needs msrest's conversions only when a
field is not of its declared JSON type. Only the classes botbuilder.schema
defines are ever built.
"""

from copy import deepcopy
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Any, Dict, Optional, Tuple

_IMMUTABLE = (str, int, float, bool, type(None), datetime, Enum)


def model_to_json(model: Any) -> Dict[str, Any]:
    """``model``'s wire JSON, leaving out what is unset."""
    data: Dict[str, Any] = {}
    for attribute, key, declared in _fields(type(model)):
        value = getattr(model, attribute, None)
        if value is None:
            continue
        if declared.startswith("["):
            data[key] = [_value_to_json(element) for element in value]
        elif declared.startswith("{"):
            data[key] = {name: _value_to_json(element) for name, element in value.items()}
        else:
            data[key] = _value_to_json(value)
    extra = getattr(model, "additional_properties", None)
    if extra:
        for key, value in extra.items():
            data.setdefault(key, value)
    return data


def copy_model(value: Any) -> Any:
    """A deep copy of a schema object (or a list or dict of them), as
    ``copy.deepcopy`` makes it at under half the cost: schema objects,
    lists and dicts are rebuilt, text, numbers and times are immutable and
    shared, and anything else (a bot's own object in ``value``) is deep-copied.
    """
    if isinstance(value, _IMMUTABLE):
        return value
    if hasattr(type(value), "_attribute_map"):
        copied = type(value).__new__(type(value))
        copied.__dict__.update({name: copy_model(item) for name, item in vars(value).items()})
        return copied
    if type(value) is list:  # pylint: disable=unidiomatic-typecheck
        return [copy_model(item) for item in value]
    if type(value) is dict:  # pylint: disable=unidiomatic-typecheck
        return {key: copy_model(item) for key, item in value.items()}
    return deepcopy(value)


class NotPlainJson(ValueError):
    """JSON that is not the wire JSON of a schema object: a field of another
    JSON type than its model declares (a number given as text, a list where an
    object belongs), a time that is no time, a type msrest encodes itself."""


_PLAIN_TYPES = {"str": str, "bool": bool, "int": int, "float": float}


def model_from_json(class_name: str, data: Any) -> Any:
    """The botbuilder.schema ``class_name`` object whose wire JSON ``data`` is:
    what msrest's ``deserialize`` builds from it, at a fraction of the cost.

    Every field must already hold the JSON type its model declares; else
    NotPlainJson (a ValueError), so a caller can leave such JSON to msrest,
    which converts what it can ("true" to True). ValueError too if
    ``class_name`` names no schema class.
    """
    model_class = schema_class(class_name)
    if model_class is None:
        raise ValueError(f"{class_name} is not a botbuilder.schema class")
    return _model_from_json(model_class, data)


def _model_from_json(model_class: type, data: Any) -> Any:
    if type(data) is not dict:  # pylint: disable=unidiomatic-typecheck
        raise NotPlainJson(f"a {model_class.__name__} is not a JSON object")
    model = model_class.__new__(model_class)
    values = model.__dict__
    known = set()
    for attribute, key, declared in _fields(model_class):
        known.add(key)
        values[attribute] = _value_from_json(data.get(key), declared)
    values["additional_properties"] = {
        key: value for key, value in data.items() if key not in known
    }
    return model


def _value_from_json(value: Any, declared: str) -> Any:
    if value is None:
        return None
    plain = _PLAIN_TYPES.get(declared)
    if plain is not None:
        if type(value) is not plain:  # pylint: disable=unidiomatic-typecheck
            raise NotPlainJson(f"{value!r} is not a JSON {declared}")
        return value
    if declared == "object":
        return value
    if declared == "iso-8601" and type(value) is str:  # pylint: disable=unidiomatic-typecheck
        # pylint: disable-next=import-outside-toplevel
        from msrest.serialization import DeserializationError, Deserializer

        try:
            return Deserializer.deserialize_iso(value)
        except DeserializationError:
            raise NotPlainJson(f"{value!r} is not a time") from None
    if declared.startswith("[") and type(value) is list:  # pylint: disable=unidiomatic-typecheck
        return [_value_from_json(element, declared[1:-1]) for element in value]
    if declared.startswith("{") and type(value) is dict:  # pylint: disable=unidiomatic-typecheck
        return {name: _value_from_json(element, declared[1:-1]) for name, element in value.items()}
    model_class = schema_class(declared)
    if model_class is None:
        raise NotPlainJson(f"{value!r} is not a plain JSON {declared}")
    return _model_from_json(model_class, value)


def _value_to_json(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):  # as msrest writes it: UTC, ending in Z
        from msrest.serialization import Serializer  # pylint: disable=import-outside-toplevel

        return Serializer.serialize_iso(value)
    if hasattr(type(value), "_attribute_map"):
        return model_to_json(value)
    return value


@lru_cache(maxsize=None)
def _fields(model_class: type) -> Tuple[Tuple[str, str, str], ...]:
    """(attribute, JSON key, msrest type) of each field of ``model_class``."""
    return tuple(
        (attribute, spec["key"], spec["type"])
        for attribute, spec in getattr(model_class, "_attribute_map", {}).items()
        if attribute != "additional_properties"
    )


@lru_cache(maxsize=None)
def schema_class(name: str) -> Optional[type]:
    """The msrest model botbuilder.schema defines under ``name``, or None."""
    from botbuilder.schema import _models_py3  # pylint: disable=import-outside-toplevel
    from msrest.serialization import Model  # pylint: disable=import-outside-toplevel

    candidate = vars(_models_py3).get(name)
    if isinstance(candidate, type) and issubclass(candidate, Model):
        return candidate
    return None
