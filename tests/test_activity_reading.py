"""A request's activity is read without msrest's generic walk, to the same result.

``read_activity`` builds the Activity itself when every field already holds
the JSON type the schema declares, and leaves anything else to msrest, which
converts ("true" to True) or refuses. Generated activities, plain and not,
must come out exactly as msrest makes them.
"""

import json
from datetime import datetime
from enum import Enum

import pytest
from botbuilder.schema import Activity
from hypothesis import HealthCheck, given, settings, strategies as st
from msrest.serialization import Model

from shared import activity_request
from shared.activity_request import RejectedRequest, read_activity
from shared.schema_json import NotPlainJson, model_from_json, schema_class
from tests.chat_driver import message

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=6), children, max_size=3),
    max_leaves=6,
)
TIMES = ["2026-11-23T10:00:00Z", "2026-11-23T10:00:00.1234567+01:00", "2026-02-30T00:00:00Z", "soon"]
PLAIN = {
    "str": st.text(max_size=8),
    "bool": st.booleans(),
    "int": st.integers(),
    "float": st.floats(allow_nan=False, allow_infinity=False),
    "iso-8601": st.sampled_from(TIMES),
    "object": json_values,
    "bytearray": json_values,
}


def json_for(declared: str, plain: bool, depth: int = 0) -> st.SearchStrategy:
    """JSON for a field msrest declares as ``declared``; with ``plain``, of that
    JSON type (a few are still wrong, as a channel may send); else anything."""
    if declared.startswith(("[", "{")):
        inner = json_for(declared[1:-1], plain, depth + 1)
        shaped = (
            st.lists(inner, max_size=2)
            if declared.startswith("[")
            else st.dictionaries(st.text(max_size=6), inner, max_size=2)
        )
    elif declared in PLAIN:
        shaped = PLAIN[declared]
    elif depth > 2:
        shaped = st.none()
    else:
        model_class = schema_class(declared)
        optional = {
            spec["key"]: json_for(spec["type"], plain, depth + 1)
            for attribute, spec in model_class._attribute_map.items()
            if attribute != "additional_properties"
        }
        shaped = st.fixed_dictionaries(
            {}, optional={**optional, "extra": json_values}
        )
    return shaped if plain else shaped | json_values


activities = st.booleans().flatmap(lambda plain: json_for("Activity", plain))


def structure(value):
    """A model tree as comparable plain values (class names kept)."""
    if isinstance(value, Model):
        return (type(value).__name__, {key: structure(item) for key, item in vars(value).items()})
    if isinstance(value, list):
        return [structure(item) for item in value]
    if isinstance(value, dict):
        return {key: structure(item) for key, item in value.items()}
    if isinstance(value, datetime):
        return ("datetime", value.isoformat())
    if isinstance(value, Enum):
        return ("enum", value.value)
    return (type(value).__name__, value)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(payload=activities)
def test_an_activity_read_without_msrest_is_the_one_msrest_reads(payload):
    try:
        fast = model_from_json("Activity", payload)
    except NotPlainJson:
        return  # left to msrest, by read_activity
    assert structure(fast) == structure(Activity().deserialize(payload))


def test_a_channels_activity_is_plain(monkeypatch):
    """What Web Chat, Teams and the Playground send takes the fast path."""
    activity = {
        **message("hi"),
        "id": "a1",
        "timestamp": "2026-11-23T10:00:00.1234567Z",
        "localTimestamp": "2026-11-23T11:00:00.123+01:00",
        "localTimezone": "Europe/Berlin",
        "locale": "en-US",
        "recipient": {"id": "bot", "name": "Bot", "role": "bot"},
        "entities": [{"type": "ClientCapabilities", "requiresBotState": True}],
        "channelData": {"clientActivityID": "x", "tenant": {"id": "t"}},
        "attachments": [{"contentType": "image/png", "contentUrl": "https://example.test/a.png"}],
    }
    monkeypatch.setattr(
        activity_request.Activity, "deserialize", lambda *_: pytest.fail("msrest was used")
    )
    read = read_activity("POST", {"content-type": "application/json"}, json.dumps(activity).encode(), 10_000)
    assert read.text == "hi" and read.recipient.name == "Bot" and read.timestamp.tzinfo is not None


def test_fields_that_need_converting_are_converted_as_before():
    activity = {**message("hi"), "conversation": {"id": "c1", "isGroup": "true"}}
    read = read_activity("POST", {"content-type": "application/json"}, json.dumps(activity).encode(), 10_000)
    assert read.conversation.is_group is True


@pytest.mark.parametrize(
    "field, value", [("timestamp", "soon"), ("conversation", {"id": "c1", "isGroup": "perhaps"})]
)
def test_fields_that_cannot_be_read_are_refused_as_before(field, value):
    activity = {**message("hi"), field: value}
    with pytest.raises(RejectedRequest) as refused:
        read_activity("POST", {"content-type": "application/json"}, json.dumps(activity).encode(), 10_000)
    assert refused.value.result.status == 400
