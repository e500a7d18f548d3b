"""Settings: defaults, parsing, and errors that name the setting."""

import pytest

from shared.settings import Settings, SettingsError


def test_an_empty_environment_runs_locally_on_memory_with_the_articles_window():
    settings = Settings.from_environment({})
    assert settings.state_storage == "memory"
    assert settings.expire_after_seconds == 30
    assert not settings.authenticates_requests


def test_values_arrive_as_strings_and_are_parsed():
    settings = Settings.from_environment(
        {"ExpireAfterSeconds": " 45 ", "SweepBatchSize": "10", "StateStorage": "Memory"}
    )
    assert (settings.expire_after_seconds, settings.sweep_batch_size) == (45, 10)
    assert settings.state_storage == "memory"


@pytest.mark.parametrize(
    "environ, setting",
    [
        ({"ExpireAfterSeconds": "thirty"}, "ExpireAfterSeconds"),
        ({"ExpireAfterSeconds": "-1"}, "ExpireAfterSeconds"),
        ({"ExpireAfterSeconds": "30", "WarnBeforeSeconds": "30"}, "WarnBeforeSeconds"),
        ({"RememberExpiredSeconds": "-5"}, "RememberExpiredSeconds"),
        ({"SweepBatchSize": "-1"}, "SweepBatchSize"),
        ({"StateStorage": "redis"}, "StateStorage"),
        ({"MicrosoftAppType": "Tenant"}, "MicrosoftAppType"),
        ({"MicrosoftAppPassword": "secret"}, "MicrosoftAppId"),
        ({"MicrosoftAppType": "SingleTenant"}, "MicrosoftAppId"),
        ({"MicrosoftAppType": "SingleTenant", "MicrosoftAppId": "a"}, "MicrosoftAppPassword"),
        (
            {"MicrosoftAppType": "SingleTenant", "MicrosoftAppId": "a", "MicrosoftAppPassword": "p"},
            "MicrosoftAppTenantId",
        ),
        ({"StateStorage": "cosmos"}, "CosmosDbEndpoint"),
        ({"StateStorage": "blob"}, "BlobConnectionString"),
        ({"CosmosDbVerifyTls": "maybe"}, "CosmosDbVerifyTls"),
        ({"WEBSITE_INSTANCE_ID": "abc"}, "StateStorage"),
    ],
)
def test_a_bad_or_missing_value_names_the_setting(environ, setting):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment(environ)
    assert raised.value.setting == setting
    assert setting in str(raised.value)


def test_conversation_and_user_state_cannot_share_a_cosmos_container():
    with pytest.raises(SettingsError, match="CosmosDbConversationStateContainerId"):
        Settings.from_environment(
            {
                "StateStorage": "cosmos",
                "CosmosDbEndpoint": "https://localhost:8081",
                "CosmosDbDatabaseId": "bot",
                "CosmosDbUserStateContainerId": "state",
                "CosmosDbConversationStateContainerId": "state",
            }
        )


def test_blob_storage_may_reuse_the_function_apps_storage_account():
    settings = Settings.from_environment(
        {"StateStorage": "blob", "AzureWebJobsStorage": "UseDevelopmentStorage=true"}
    )
    assert settings.blob_connection_string == "UseDevelopmentStorage=true"


def test_in_azure_an_empty_app_id_stops_start_up_unless_anonymous_is_chosen():
    deployed = {"WEBSITE_INSTANCE_ID": "1", "StateStorage": "blob", "AzureWebJobsStorage": "x"}
    with pytest.raises(SettingsError) as refused:
        Settings.from_environment(deployed)
    assert refused.value.setting == "MicrosoftAppId"
    assert "AllowUnauthenticatedRequests" in str(refused.value)
    opted_in = Settings.from_environment({**deployed, "AllowUnauthenticatedRequests": "true"})
    assert opted_in.running_in_azure and not opted_in.authenticates_requests


def test_service_urls_may_be_listed_with_commas_or_spaces():
    settings = Settings.from_environment(
        {"AllowedServiceUrls": "https://a.example/amer/, https://b.example  http://127.0.0.1:9"}
    )
    assert settings.allowed_service_urls == (
        "https://a.example/amer/",
        "https://b.example",
        "http://127.0.0.1:9",
    )


@pytest.mark.parametrize(
    "environ, setting",
    [
        ({"AllowedServiceUrls": "ftp://a.example/"}, "AllowedServiceUrls"),
        ({"AllowedServiceUrls": "https://user@a.example/"}, "AllowedServiceUrls"),
        ({"AllowUnauthenticatedRequests": "maybe"}, "AllowUnauthenticatedRequests"),
        ({"MaxTextLength": "0"}, "MaxTextLength"),
    ],
)
def test_security_settings_with_bad_values_name_the_setting(environ, setting):
    with pytest.raises(SettingsError) as error:
        Settings.from_environment(environ)
    assert error.value.setting == setting


def test_lifecycle_texts_have_defaults_and_an_empty_value_turns_them_off():
    defaults = Settings.from_environment({})
    assert "timed out" in defaults.expiry_notice_text and defaults.warn_before_seconds == 0
    assert defaults.remember_expired_seconds == 7 * 24 * 3600
    silent = Settings.from_environment({"ExpiryNoticeText": "", "WarningText": " "})
    assert (silent.expiry_notice_text, silent.warning_text) == ("", "")


def test_zero_means_conversations_never_expire():
    assert Settings.from_environment({"ExpireAfterSeconds": "0"}).expire_after_seconds == 0


# What each hosting plan sets, per the Functions host's own plan detection:
# App Service based plans set WEBSITE_INSTANCE_ID; Linux and Flex Consumption
# leave it empty (and set CONTAINER_NAME, as many containers do); every plan
# sets WEBSITE_SKU.
AZURE_PLANS = {
    "Flex Consumption": {"WEBSITE_SKU": "FlexConsumption", "CONTAINER_NAME": "pod-1"},
    "Linux Consumption": {"WEBSITE_SKU": "Dynamic", "CONTAINER_NAME": "container-1"},
    "Windows Consumption": {"WEBSITE_SKU": "Dynamic", "WEBSITE_INSTANCE_ID": "abc"},
    "Premium": {"WEBSITE_SKU": "ElasticPremium", "WEBSITE_INSTANCE_ID": "abc"},
    "Dedicated": {"WEBSITE_SKU": "PremiumV3", "WEBSITE_INSTANCE_ID": "abc"},
}


@pytest.mark.parametrize("plan", AZURE_PLANS)
def test_on_every_azure_plan_a_deployed_app_without_state_storage_refuses_to_start(plan):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment(AZURE_PLANS[plan])
    assert raised.value.setting == "StateStorage"
    chosen = {"StateStorage": "memory", "AllowUnauthenticatedRequests": "true"}
    assert Settings.from_environment({**AZURE_PLANS[plan], **chosen}).running_in_azure


@pytest.mark.parametrize("plan", AZURE_PLANS)
def test_on_every_azure_plan_an_app_without_credentials_refuses_to_start(plan):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({**AZURE_PLANS[plan], "StateStorage": "cosmos",
                                   "CosmosDbEndpoint": "https://x/", "CosmosDbDatabaseId": "d",
                                   "CosmosDbUserStateContainerId": "u",
                                   "CosmosDbConversationStateContainerId": "c"})
    assert raised.value.setting == "MicrosoftAppId"


def test_a_developer_machine_is_not_azure():
    # What Core Tools and the local host set locally.
    local = {"FUNCTIONS_WORKER_RUNTIME": "python", "AzureWebJobsStorage": "UseDevelopmentStorage=true",
             "WEBSITE_HOSTNAME": "localhost:7071", "WEBSITE_SKU": " ",
             "CONTAINER_NAME": "a-dev-container"}
    assert not Settings.from_environment(local).running_in_azure


MANAGED_IDENTITY = {
    "MicrosoftAppType": "UserAssignedMSI",
    "MicrosoftAppId": "11111111-1111-1111-1111-111111111111",
    "MicrosoftAppTenantId": "22222222-2222-2222-2222-222222222222",
}


def test_a_managed_identity_bot_needs_no_password_and_authenticates_requests():
    settings = Settings.from_environment(MANAGED_IDENTITY)
    assert settings.microsoft_app_type == "UserAssignedMSI"
    assert settings.microsoft_app_password == ""
    assert settings.authenticates_requests


@pytest.mark.parametrize(
    "change, setting",
    [
        ({"MicrosoftAppId": ""}, "MicrosoftAppId"),
        ({"MicrosoftAppTenantId": ""}, "MicrosoftAppTenantId"),
        ({"MicrosoftAppPassword": "left-over-secret"}, "MicrosoftAppPassword"),
    ],
)
def test_a_managed_identity_bot_names_what_is_missing_or_must_go(change, setting):
    with pytest.raises(SettingsError) as raised:
        Settings.from_environment({**MANAGED_IDENTITY, **change})
    assert raised.value.setting == setting
