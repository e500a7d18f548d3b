"""Function folders are read like the Functions host reads them, and refused clearly."""

import json

import pytest

from local_run.function_app import FunctionLoadError, discover_function_folders, load_function_app
from local_run.ncrontab import NCrontabSchedule
from tests.local_run.function_folders import HTTP_BINDINGS, timer_bindings, write_function

ASYNC_HTTP = """
    import azure.functions as func

    async def main(req: func.HttpRequest) -> func.HttpResponse:
        return func.HttpResponse("ok")
"""

ASYNC_TIMER = """
    import azure.functions as func

    async def main(timer: func.TimerRequest) -> None:
        pass
"""


def test_folders_with_a_function_json_are_functions(app_root):
    write_function(app_root, "b_function", HTTP_BINDINGS, ASYNC_HTTP)
    write_function(app_root, "a_function", timer_bindings("0 * * * * *"), ASYNC_TIMER)
    (app_root / "shared").mkdir()

    assert [folder.name for folder in discover_function_folders(app_root)] == [
        "a_function",
        "b_function",
    ]


def test_an_http_function_has_its_route_methods_and_entry_point(app_root):
    write_function(app_root, "echo_function", HTTP_BINDINGS, ASYNC_HTTP)

    app = load_function_app(app_root, {})

    (function,) = app.http_functions
    assert (function.name, function.route, function.methods) == ("echo_function", "echo", ("POST",))
    assert function.binding_name == "req"
    assert function.main.__module__ == "echo_function"


def test_the_route_defaults_to_the_function_name_and_methods_to_any(app_root):
    bindings = [dict(HTTP_BINDINGS[0]), HTTP_BINDINGS[1]]
    del bindings[0]["route"], bindings[0]["methods"]
    write_function(app_root, "plain_function", bindings, ASYNC_HTTP)

    (function,) = load_function_app(app_root, {}).http_functions

    assert (function.route, function.methods) == ("plain_function", ())


def test_the_route_prefix_comes_from_host_json(app_root):
    (app_root / "host.json").write_text(
        json.dumps({"version": "2.0", "extensions": {"http": {"routePrefix": "bots"}}})
    )
    assert load_function_app(app_root, {}).route_prefix == "bots"


def test_the_route_prefix_defaults_to_api(app_root):
    assert load_function_app(app_root, {}).route_prefix == "api"


def test_a_timer_schedule_is_resolved_from_settings_and_parsed(app_root):
    write_function(app_root, "sweep_function", timer_bindings("%SweepSchedule%", True), ASYNC_TIMER)

    app = load_function_app(app_root, {"SweepSchedule": "*/30 * * * * *"})

    (timer,) = app.timer_functions
    assert isinstance(timer.schedule, NCrontabSchedule)
    assert timer.schedule.expression == "*/30 * * * * *"
    assert timer.schedule_source == "%SweepSchedule%"
    assert timer.run_on_startup is True


def test_a_missing_schedule_setting_is_named(app_root):
    write_function(app_root, "sweep_function", timer_bindings("%SweepSchedule%"), ASYNC_TIMER)

    with pytest.raises(FunctionLoadError) as error:
        load_function_app(app_root, {})

    assert "sweep_function" in str(error.value)
    assert "'SweepSchedule'" in str(error.value)


def test_a_bad_schedule_is_refused_naming_function_and_expression(app_root):
    write_function(app_root, "sweep_function", timer_bindings("%SweepSchedule%"), ASYNC_TIMER)

    with pytest.raises(FunctionLoadError) as error:
        load_function_app(app_root, {"SweepSchedule": "*/5 * * * *"})

    assert "sweep_function" in str(error.value)
    assert "'*/5 * * * *'" in str(error.value)


def test_a_schedule_that_never_fires_is_refused(app_root):
    write_function(app_root, "sweep_function", timer_bindings("0 0 0 30 2 *"), ASYNC_TIMER)

    with pytest.raises(FunctionLoadError, match="never fires"):
        load_function_app(app_root, {})


def test_main_must_take_the_binding_name_as_the_python_worker_requires(app_root):
    source = """
        async def main(request):
            pass
    """
    write_function(app_root, "misnamed_function", HTTP_BINDINGS, source)

    with pytest.raises(FunctionLoadError, match="'req'"):
        load_function_app(app_root, {})


def test_unsupported_triggers_are_skipped_with_a_reason(app_root):
    bindings = [{"type": "queueTrigger", "direction": "in", "name": "msg", "queueName": "q"}]
    write_function(app_root, "queue_function", bindings, ASYNC_TIMER)

    app = load_function_app(app_root, {})

    assert app.http_functions == () and app.timer_functions == ()
    assert app.skipped == ("queue_function: queueTrigger triggers are not supported by local_run",)


def test_other_output_bindings_are_refused(app_root):
    bindings = [HTTP_BINDINGS[0], {"type": "queue", "direction": "out", "name": "msg"}]
    write_function(app_root, "queue_out_function", bindings, ASYNC_HTTP)

    with pytest.raises(FunctionLoadError, match="queue 'msg'"):
        load_function_app(app_root, {})


def test_an_import_error_names_the_function(app_root):
    write_function(app_root, "broken_function", HTTP_BINDINGS, "raise RuntimeError('boom')\n")

    with pytest.raises(FunctionLoadError, match="broken_function.*boom"):
        load_function_app(app_root, {})


def test_a_root_that_is_not_on_sys_path_is_explained(tmp_path):
    write_function(tmp_path, "unreachable_function", HTTP_BINDINGS, ASYNC_HTTP)

    with pytest.raises(FunctionLoadError, match="run the host from the function app root"):
        load_function_app(tmp_path, {})
