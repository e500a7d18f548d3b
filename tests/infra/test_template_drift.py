"""The Azure templates set exactly the settings and containers the app uses."""

import shutil
from pathlib import Path

import pytest

from tests.infra.template_drift import (
    FLEX_UNSUPPORTED_SETTINGS,
    Templates,
    drift_problems,
    read_text,
    replace_in,
    settings_the_app_reads,
    settings_the_bindings_read,
)

PROJECT_ROOT = Path(__file__).resolve().parents[2]
INFRA = PROJECT_ROOT / "infra"
SETTINGS_PY = PROJECT_ROOT / "shared" / "settings.py"


@pytest.fixture
def infra_copy(tmp_path) -> Path:
    return Path(shutil.copytree(INFRA, tmp_path / "infra"))


def test_the_templates_and_the_app_agree():
    assert drift_problems(INFRA, read_text(SETTINGS_PY)) == []


def test_the_app_side_is_read_from_settings_py_and_the_bindings():
    assert {"StateStorage", "MicrosoftAppId", "MicrosoftAppType", "CosmosDbEndpoint",
            "BlobAccountUrl", "ExpireAfterSeconds"} <= settings_the_app_reads(read_text(SETTINGS_PY))
    assert settings_the_bindings_read(PROJECT_ROOT) == {"SweepSchedule"}


def test_a_deployment_with_cosmos_gets_the_managed_identity_bot_settings():
    settings = Templates(INFRA).environment("cosmos")
    assert settings["StateStorage"] == "cosmos"
    assert settings["MicrosoftAppType"] == "UserAssignedMSI"
    assert "MicrosoftAppPassword" not in settings and "CosmosDbAuthKey" not in settings
    assert settings["AzureWebJobsStorage__credential"] == "managedidentity"
    assert (settings["CosmosDbDatabaseId"], settings["CosmosDbConversationStateContainerId"],
            settings["CosmosDbUserStateContainerId"]) == ("bot-state", "conversation-state", "user-state")
    assert not set(settings) & set(FLEX_UNSUPPORTED_SETTINGS)


def test_renaming_a_setting_in_the_template_is_drift(infra_copy):
    replace_in(infra_copy / "app" / "function-app.bicep", "name: 'CosmosDbEndpoint'", "name: 'CosmosDbEndPoint'")

    problems = drift_problems(infra_copy, read_text(SETTINGS_PY))

    assert any("CosmosDbEndPoint" in problem and "never reads" in problem for problem in problems)
    assert any("refuse to start" in problem and "CosmosDbEndpoint" in problem for problem in problems)


def test_renaming_a_setting_in_the_app_is_drift():
    renamed = read_text(SETTINGS_PY).replace('"MicrosoftAppTenantId"', '"MicrosoftTenantId"')

    problems = drift_problems(INFRA, renamed)

    assert any("MicrosoftAppTenantId" in problem and "never reads" in problem for problem in problems)


def test_renaming_a_binding_expression_is_drift(tmp_path):
    for function in ("messages_function", "sweeper_function"):
        shutil.copytree(PROJECT_ROOT / function, tmp_path / function)
    replace_in(tmp_path / "sweeper_function" / "function.json", "%SweepSchedule%", "%SweepCron%")

    problems = drift_problems(INFRA, read_text(SETTINGS_PY), project_root=tmp_path)

    assert any("SweepSchedule" in problem and "never reads" in problem for problem in problems)


@pytest.mark.parametrize(
    "old, new, complaint",
    [
        ("        name: 'FUNCTIONS_WORKER_RUNTIME'", "", None),
        ("'/document/LastAccessedTime/?'", "'/document/lastAccessedTime/?'", "indexing policy"),
        ("          '/id'\n        ]\n        kind: 'Hash'\n      }\n      defaultTtl",
         "          '/pk'\n        ]\n        kind: 'Hash'\n      }\n      defaultTtl", "partitioned on"),
        ("param cosmosTimeToLive int = 86400", "param cosmosTimeToLive int = 60", "before ExpireAfterSeconds"),
        ("var userStateId = 'user-state'", "var userStateId = 'users'", None),
    ],
)
def test_a_changed_container_or_setting_is_drift(infra_copy, old, new, complaint):
    if old.startswith("        name: 'FUNCTIONS_WORKER_RUNTIME'"):
        # Given a template that adds a setting Flex Consumption rejects
        replace_in(infra_copy / "app" / "function-app.bicep", "var platformSettings = [\n",
                   "var platformSettings = [\n  {\n    name: 'FUNCTIONS_WORKER_RUNTIME'\n    value: 'python'\n  }\n")
        complaint = "Flex Consumption does not support"
    else:
        target = "main.bicep" if old.startswith(("param ", "var ")) else "app/cosmos.bicep"
        replace_in(infra_copy / target, old, new)

    problems = drift_problems(infra_copy, read_text(SETTINGS_PY))

    if complaint is None:
        # Renaming a container everywhere at once is not drift: app and template still agree.
        assert problems == []
    else:
        assert any(complaint in problem for problem in problems), problems


def test_the_user_container_has_no_ttl_and_the_conversation_container_has_one():
    templates = Templates(INFRA)
    user = templates.cosmos[("resource", "userContainer")]["body"]["properties"]["resource"]
    conversation = templates.cosmos[("resource", "conversationContainer")]["body"]["properties"]["resource"]
    assert "defaultTtl" not in user
    assert int(templates.resolve_in_module(conversation["defaultTtl"], "cosmos")) == 86400
