"""What differs between the Azure templates and the app: an empty list means no drift.

The app's side comes from its code: the setting names are the string
arguments of the ``env.<reader>("Name", ...)`` calls in shared/settings.py
(the one place the code reads settings) plus the ``%Name%`` references in the
functions' function.json (which the host resolves, e.g. ``%SweepSchedule%``),
and the Cosmos containers from
shared/storage/cosmos_containers.py. The template's side comes from
infra/app/function-app.bicep (the app settings, in ``var *Settings`` lists),
infra/app/cosmos.bicep (the containers) and infra/main.bicep (the values
passed in), read with :mod:`tests.infra.bicep_reader`.
"""

import ast
import re
from pathlib import Path
from typing import Any, Dict, List

from shared.settings import Settings, SettingsError
from shared.storage.cosmos_containers import PARTITION_KEY_PATH, conversation_indexing_policy
from tests.infra.bicep_reader import Expression, declarations

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SETTING_READERS = {"text", "choice", "boolean", "integer", "optional_integer"}

# Settings the template sets for the Functions host and the Azure SDKs, not for
# the app's code, and who reads each.
PLATFORM_SETTINGS = {
    "AzureWebJobsStorage__credential": "Functions host: host storage signs in with an identity",
    "AzureWebJobsStorage__clientId": "Functions host: which user-assigned identity",
    "AzureWebJobsStorage__blobServiceUri": "Functions host: timer locks and status blobs",
    "AZURE_CLIENT_ID": "azure-identity's DefaultAzureCredential: the identity the state stores use",
    "APPLICATIONINSIGHTS_CONNECTION_STRING": "Functions host: where telemetry goes",
    "APPLICATIONINSIGHTS_AUTHENTICATION_STRING": "Functions host: Entra sign-in for telemetry",
}

# Settings Flex Consumption replaced with functionAppConfig or does not
# support, and the key-based host storage connection (shared keys are off).
FLEX_UNSUPPORTED_SETTINGS = (
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_WORKER_RUNTIME_VERSION",
    "FUNCTIONS_EXTENSION_VERSION",
    "FUNCTIONS_MAX_HTTP_CONCURRENCY",
    "FUNCTIONS_WORKER_PROCESS_COUNT",
    "WEBSITE_RUN_FROM_PACKAGE",
    "WEBSITE_CONTENTAZUREFILECONNECTIONSTRING",
    "WEBSITE_CONTENTSHARE",
    "WEBSITE_CONTENTOVERVNET",
    "WEBSITE_SKIP_CONTENTSHARE_VALIDATION",
    "WEBSITE_TIME_ZONE",
    "WEBSITE_NODE_DEFAULT_VERSION",
    "WEBSITE_MAX_DYNAMIC_APPLICATION_SCALE_OUT",
    "WEBSITE_VNET_ROUTE_ALL",
    "WEBSITE_DNS_SERVER",
    "SCM_DO_BUILD_DURING_DEPLOYMENT",
    "ENABLE_ORYX_BUILD",
    "AzureWebJobsStorage",
)

APP_SETTING_GROUPS = ("botSettings", "cosmosStateSettings", "blobStateSettings")
STATE_GROUPS = {"cosmos": "cosmosStateSettings", "blob": "blobStateSettings"}


def settings_the_app_reads(settings_source: str) -> set:
    """Every name passed to an ``env.<reader>(...)`` call in settings.py's source."""
    names = set()
    for node in ast.walk(ast.parse(settings_source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SETTING_READERS
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "env"
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
        ):
            names.add(node.args[0].value)
    return names


class Templates:
    """The declarations of main.bicep and the modules this check reads."""

    def __init__(self, infra: Path):
        self.main = declarations((infra / "main.bicep").read_text(encoding="utf-8"))
        self.function_app = declarations((infra / "app" / "function-app.bicep").read_text(encoding="utf-8"))
        self.cosmos = declarations((infra / "app" / "cosmos.bicep").read_text(encoding="utf-8"))

    def setting_groups(self) -> Dict[str, Dict[str, Any]]:
        """``{var name: {setting: value}}`` for each ``var *Settings`` list."""
        return {
            name: {entry["name"]: entry["value"] for entry in value}
            for (kind, name), value in self.function_app.items()
            if kind == "var" and name.endswith("Settings") and isinstance(value, list)
        }

    def module_params(self, module: str) -> Dict[str, Any]:
        return self.main[("module", module)]["body"]["params"]

    def resolve_in_main(self, value: Any) -> Any:
        """A value in main.bicep: a literal, a var or param default, else a placeholder."""
        if not isinstance(value, Expression):
            return value
        for kind in ("var", "param"):
            found = self.main.get((kind, value.text))
            if found is not None and not isinstance(found, Expression):
                return found
        return f"<set at deployment: {value.text}>"

    def resolve_in_module(self, value: Any, module: str) -> Any:
        """A value in a module, through the parameter main.bicep passes it."""
        if not isinstance(value, Expression):
            return value
        as_string = re.fullmatch(r"string\((\w+)\)", value.text)
        if as_string:
            return str(self.resolve_in_module(Expression(as_string.group(1)), module))
        params = self.module_params(module)
        if value.text in params:
            return self.resolve_in_main(params[value.text])
        return f"<set at deployment: {value.text}>"

    def environment(self, state_storage: str) -> Dict[str, str]:
        """The app settings a deployment with ``state_storage`` gives the function app."""
        groups = self.setting_groups()
        environment = {}
        for group in ("platformSettings", "botSettings", STATE_GROUPS[state_storage]):
            for name, value in groups.get(group, {}).items():
                environment[name] = str(self.resolve_in_module(value, "functionApp"))
        return environment


def settings_the_bindings_read(project_root: Path) -> set:
    """The ``%Name%`` app settings the functions' bindings refer to."""
    names = set()
    for function_json in project_root.glob("*/function.json"):
        names.update(re.findall(r"%(\w+)%", function_json.read_text(encoding="utf-8")))
    return names


def drift_problems(infra: Path, settings_source: str, project_root: Path = PROJECT_ROOT) -> List[str]:
    """Every way the templates and the app disagree, as sentences."""
    templates = Templates(infra)
    problems = []
    app_reads = settings_the_app_reads(settings_source) | settings_the_bindings_read(project_root)
    groups = templates.setting_groups()
    for group in groups:
        if group not in APP_SETTING_GROUPS + ("platformSettings",):
            problems.append(f"function-app.bicep sets an unknown group of settings: {group}")
    for group in APP_SETTING_GROUPS:
        for name in groups.get(group, {}):
            if name not in app_reads:
                problems.append(f"the template sets {name} ({group}), which the app never reads")
    for name in groups.get("platformSettings", {}):
        if name not in PLATFORM_SETTINGS:
            problems.append(f"the template sets {name}, which neither the app nor a known platform part reads")
    for group, settings in groups.items():
        for name in settings:
            if name in FLEX_UNSUPPORTED_SETTINGS:
                problems.append(f"the template sets {name}, which Flex Consumption does not support")
    for state_storage in STATE_GROUPS:
        problems += _problems_loading(templates, state_storage)
    problems += _container_problems(templates)
    return problems


def _problems_loading(templates: Templates, state_storage: str) -> List[str]:
    """Load the deployed settings the way the app does, on Flex Consumption."""
    environment = {**templates.environment(state_storage), "WEBSITE_SKU": "FlexConsumption"}
    try:
        settings = Settings.from_environment(environment)
    except SettingsError as error:
        return [f"with stateStorage={state_storage} the deployed app would refuse to start: {error}"]
    expected = {
        "running_in_azure": True,
        "state_storage": state_storage,
        "microsoft_app_type": "UserAssignedMSI",
        "authenticates_requests": True,
    }
    return [
        f"with stateStorage={state_storage} the deployed app has {name}={getattr(settings, name)!r}, "
        f"not {value!r}"
        for name, value in expected.items()
        if getattr(settings, name) != value
    ]


def _container_problems(templates: Templates) -> List[str]:
    """The containers cosmos.bicep creates against those the app would create."""
    problems = []
    settings = templates.environment("cosmos")
    cosmos_params = templates.module_params("cosmos")
    resolve = templates.resolve_in_main
    containers = {
        "conversation": templates.cosmos[("resource", "conversationContainer")]["body"],
        "user": templates.cosmos[("resource", "userContainer")]["body"],
    }
    expected_ids = {
        "conversation": settings.get("CosmosDbConversationStateContainerId"),
        "user": settings.get("CosmosDbUserStateContainerId"),
    }
    template_ids = {
        "conversation": resolve(cosmos_params["conversationContainerId"]),
        "user": resolve(cosmos_params["userContainerId"]),
    }
    for role, container in containers.items():
        resource = container["properties"]["resource"]
        if template_ids[role] != expected_ids[role]:
            problems.append(
                f"the {role} container is {template_ids[role]!r} but the app is told {expected_ids[role]!r}"
            )
        paths = resource.get("partitionKey", {}).get("paths")
        if paths != [PARTITION_KEY_PATH]:
            problems.append(f"the {role} container is partitioned on {paths}, not [{PARTITION_KEY_PATH!r}]")
    if resolve(cosmos_params["databaseId"]) != settings.get("CosmosDbDatabaseId"):
        problems.append("the database the template creates is not the one the app is told")
    conversation = containers["conversation"]["properties"]["resource"]
    if conversation.get("indexingPolicy") != conversation_indexing_policy():
        problems.append(
            f"the conversation container's indexing policy {conversation.get('indexingPolicy')} "
            f"is not the app's {conversation_indexing_policy()}"
        )
    ttl = templates.resolve_in_module(conversation.get("defaultTtl"), "cosmos")
    if str(ttl) != settings.get("CosmosDbTimeToLive"):
        problems.append(f"the conversation container's TTL {ttl} is not CosmosDbTimeToLive")
    elif not int(ttl) > int(settings["ExpireAfterSeconds"]):
        problems.append("the TTL would delete conversations before ExpireAfterSeconds")
    if "defaultTtl" in containers["user"]["properties"]["resource"]:
        problems.append("the user container has a TTL: the user's profile must never expire")
    return problems


def read_text(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def replace_in(path: Path, old: str, new: str) -> None:
    """For the tests that rename a setting on one side."""
    text = read_text(path)
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")
