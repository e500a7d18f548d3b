"""%Name% placeholders in function.json take app settings, or name the missing one."""

import pytest

from local_run.app_settings import MissingAppSettingError, resolve_app_settings


def test_placeholders_are_replaced_by_settings():
    settings = {"SweepSchedule": "*/30 * * * * *", "Minute": "5"}
    assert resolve_app_settings("%SweepSchedule%", settings, where="x") == "*/30 * * * * *"
    assert resolve_app_settings("0 %Minute% * * * *", settings, where="x") == "0 5 * * * *"


def test_text_without_placeholders_is_unchanged():
    assert resolve_app_settings("0 */5 * * * *", {}, where="x") == "0 */5 * * * *"


def test_a_missing_setting_is_named_with_where_it_was_needed():
    with pytest.raises(MissingAppSettingError) as error:
        resolve_app_settings("%SweepSchedule%", {}, where="sweeper_function's schedule")
    assert error.value.setting == "SweepSchedule"
    message = str(error.value)
    assert "sweeper_function's schedule" in message
    assert "'SweepSchedule'" in message
    assert "local.settings.json" in message
