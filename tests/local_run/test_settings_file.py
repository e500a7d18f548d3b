"""local.settings.json fills the environment; the environment wins; the example is the
fallback on a fresh clone, without its <placeholders>."""

import json
from pathlib import Path

import pytest

from local_run.settings_file import SettingsFileError, load_local_settings


def write_settings(path, values, **document):
    path.write_text(json.dumps({"IsEncrypted": False, "Values": values, **document}))


def test_values_from_local_settings_are_applied(tmp_path):
    write_settings(tmp_path / "local.settings.json", {"ExpireAfterSeconds": "10"})
    environ = {}

    loaded = load_local_settings(tmp_path, environ)

    assert environ == {"ExpireAfterSeconds": "10"}
    assert loaded.path == tmp_path / "local.settings.json"
    assert loaded.applied == ["ExpireAfterSeconds"]


def test_variables_already_set_are_never_overridden(tmp_path):
    write_settings(tmp_path / "local.settings.json", {"ExpireAfterSeconds": "10", "A": "file"})
    environ = {"ExpireAfterSeconds": "99"}

    loaded = load_local_settings(tmp_path, environ)

    assert environ == {"ExpireAfterSeconds": "99", "A": "file"}
    assert loaded.kept_from_environment == ["ExpireAfterSeconds"]
    assert "environment kept for ExpireAfterSeconds" in loaded.describe()


def test_local_settings_wins_over_the_example(tmp_path):
    write_settings(tmp_path / "local.settings.json", {"StateStorage": "blob"})
    write_settings(tmp_path / "local.settings.json.example", {"StateStorage": "memory", "B": "1"})
    environ = {}

    load_local_settings(tmp_path, environ)

    assert environ == {"StateStorage": "blob"}


def test_without_local_settings_the_example_is_used_minus_placeholders(tmp_path):
    write_settings(
        tmp_path / "local.settings.json.example",
        {"StateStorage": "memory", "MicrosoftAppId": "", "CosmosDbEndpoint": "<your-endpoint>"},
    )
    environ = {}

    loaded = load_local_settings(tmp_path, environ)

    assert environ == {"StateStorage": "memory", "MicrosoftAppId": ""}
    assert loaded.skipped_placeholders == ["CosmosDbEndpoint"]
    assert loaded.describe().startswith(
        "Settings: local.settings.json.example (local.settings.json not found)"
    )


def test_placeholders_in_local_settings_are_taken_as_written(tmp_path):
    write_settings(tmp_path / "local.settings.json", {"CosmosDbEndpoint": "<mine>"})
    environ = {}

    load_local_settings(tmp_path, environ)

    assert environ == {"CosmosDbEndpoint": "<mine>"}


def test_with_no_file_nothing_changes(tmp_path):
    environ = {"A": "1"}

    loaded = load_local_settings(tmp_path, environ)

    assert environ == {"A": "1"}
    assert loaded.path is None
    assert "environment only" in loaded.describe()


def test_the_real_example_gives_a_working_local_setup(tmp_path):
    """The committed example must start the bot with memory storage on a fresh clone."""
    example = Path(__file__).resolve().parents[2] / "local.settings.json.example"
    (tmp_path / example.name).write_text(example.read_text())
    environ = {}

    load_local_settings(tmp_path, environ)

    assert environ["StateStorage"] == "memory"
    assert environ["SweepSchedule"]
    assert not any(value.startswith("<") for value in environ.values())


@pytest.mark.parametrize(
    ("content", "complaint"),
    [
        ("{not json", "cannot read it as JSON"),
        ('{"IsEncrypted": true, "Values": {}}', "func settings decrypt"),
        ('{"Values": ["a"]}', '"Values" must be an object'),
        ('{"Values": {"ExpireAfterSeconds": 30}}', "quote ExpireAfterSeconds"),
    ],
)
def test_unusable_files_are_refused_naming_the_file(tmp_path, content, complaint):
    path = tmp_path / "local.settings.json"
    path.write_text(content)

    with pytest.raises(SettingsFileError) as error:
        load_local_settings(tmp_path, {})

    assert str(path) in str(error.value)
    assert complaint in str(error.value)
