"""botbuilder.schema objects (an Activity, its accounts, attachments, card
actions) to and from their wire JSON: the camelCase form a channel sends.

msrest's own serializer does the same with type checks a stored prompt does
not need, at ten times the cost; a dialog's state holds one or two of these
per turn. A request's activity needs msrest's conversions only when a field
is not of its declared JSON type: ``model_from_plain_json`` reads the rest.
Only the classes botbuilder.schema defines are ever built.
"""

from copy import deepcopy
from datetime import datetime
from enum import Enum
from functools import lru_cache
from typing import Any, Dict, List, Optional, Tuple

# (attribute, JSON key, element kind, model class or None); kind is one of
# "value", "list", "dict" and "time".
_Field = Tuple[str, str, str, Optional[type]]
_IMMUTABLE = (str, int, float, bool, type(None), datetime, Enum)


def model_to_json(model: Any) -> Dict[str, Any]:
    """``model``'s wire JSON, leaving out what is unset."""
    data: Dict[str, Any] = {}
    for attribute, key, kind, _ in _fields(type(model)):
        value = getattr(model, attribute, None)
        if value is None:
            continue
        if kind == "list":
            data[key] = [_value_to_json(element) for element in value]
        elif kind == "dict":
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


def model_from_json(class_name: str, data: Any) -> Any:
    """The botbuilder.schema ``class_name`` object ``data`` describes.

    ValueError if ``data`` is not a JSON object or names no schema class.
    """
    model_class = schema_class(class_name)
    if model_class is None:
        raise ValueError(f"{class_name} is not a botbuilder.schema class")
    return _model_from_json(model_class, data)


def _model_from_json(model_class: type, data: Any) -> Any:
    if not isinstance(data, dict):
        raise ValueError(f"a {model_class.__name__} is not a JSON object")
    model = model_class.__new__(model_class)
    values = model.__dict__
    known = set()
    for attribute, key, kind, element_class in _fields(model_class):
        known.add(key)
        value = data.get(key)
        if value is not None:
            value = _field_from_json(value, kind, element_class)
        values[attribute] = value
    values["additional_properties"] = {
        key: value for key, value in data.items() if key not in known
    }
    return model


class NotPlainJson(ValueError):
    """JSON that becomes the model only through msrest's conversions: a number
    given as text, a list where an object belongs, a type msrest decodes."""


_PLAIN_TYPES = {"str": str, "bool": bool, "int": int, "float": float}


def model_from_plain_json(class_name: str, data: Any) -> Any:
    """What msrest's ``deserialize`` builds from ``data``, when every field of
    ``data`` already holds the JSON type its model declares; NotPlainJson when
    one does not, so the caller can leave that JSON to msrest.

    A channel's activity is plain in this sense; reading it here costs a
    fraction of msrest's generic walk.
    """
    model_class = schema_class(class_name)
    if model_class is None:
        raise ValueError(f"{class_name} is not a botbuilder.schema class")
    return _plain_model(model_class, data)


def _plain_model(model_class: type, data: Any) -> Any:
    if type(data) is not dict:  # pylint: disable=unidiomatic-typecheck
        raise NotPlainJson(f"a {model_class.__name__} is not a JSON object")
    model = model_class.__new__(model_class)
    values = model.__dict__
    known = set()
    for attribute, key, declared in _declared_types(model_class):
        known.add(key)
        value = data.get(key)
        values[attribute] = _plain_value(value, declared)
    values["additional_properties"] = {
        key: value for key, value in data.items() if key not in known
    }
    return model


def _plain_value(value: Any, declared: str) -> Any:
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
        from msrest.serialization import Deserializer  # pylint: disable=import-outside-toplevel

        return Deserializer.deserialize_iso(value)
    if declared.startswith("[") and type(value) is list:  # pylint: disable=unidiomatic-typecheck
        return [_plain_value(element, declared[1:-1]) for element in value]
    if declared.startswith("{") and type(value) is dict:  # pylint: disable=unidiomatic-typecheck
        return {name: _plain_value(element, declared[1:-1]) for name, element in value.items()}
    model_class = schema_class(declared)
    if model_class is None:
        raise NotPlainJson(f"{value!r} is not a plain JSON {declared}")
    return _plain_model(model_class, value)


def _field_from_json(value: Any, kind: str, element_class: Optional[type]) -> Any:
    if kind == "time":
        from msrest.serialization import Deserializer  # pylint: disable=import-outside-toplevel

        return Deserializer.deserialize_iso(value)
    if element_class is None:
        return value
    if kind == "list":
        if not isinstance(value, list):
            raise ValueError("a list of schema objects is not a JSON array")
        return [_model_from_json(element_class, element) for element in value]
    if kind == "dict":
        if not isinstance(value, dict):
            raise ValueError("a map of schema objects is not a JSON object")
        return {name: _model_from_json(element_class, element) for name, element in value.items()}
    return _model_from_json(element_class, value)


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
def _fields(model_class: type) -> Tuple[_Field, ...]:
    """How each attribute of ``model_class`` maps to JSON, worked out once per class."""
    fields: List[_Field] = []
    for attribute, spec in getattr(model_class, "_attribute_map", {}).items():
        if attribute == "additional_properties":
            continue
        declared = spec["type"]
        kind = "value"
        if declared.startswith("[") and declared.endswith("]"):
            kind, declared = "list", declared[1:-1]
        elif declared.startswith("{") and declared.endswith("}"):
            kind, declared = "dict", declared[1:-1]
        elif declared == "iso-8601":
            kind = "time"
        fields.append((attribute, spec["key"], kind, schema_class(declared)))
    return tuple(fields)


@lru_cache(maxsize=None)
def _declared_types(model_class: type) -> Tuple[Tuple[str, str, str], ...]:
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
