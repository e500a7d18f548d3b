"""The package that would be published holds the function app and nothing else."""

import subprocess
import sys
import zipfile

from tools.ignore_rules import is_ignored, parse_rules
from tools.publish_package import PROJECT_ROOT, build_package

DEPLOYED_TOP_LEVEL = {"host.json", "requirements.txt", "messages_function", "sweeper_function", "shared"}


def test_the_package_holds_only_the_functions_shared_and_the_host_files(tmp_path, capsys):
    output = tmp_path / "package.zip"

    files = build_package(output)

    with zipfile.ZipFile(output) as package:
        names = package.namelist()
    assert names == files
    assert {name.split("/")[0] for name in names} == DEPLOYED_TOP_LEVEL
    assert not [name for name in names if "__pycache__" in name or name.endswith(".pyc")]
    for function in ("messages_function", "sweeper_function"):
        assert {f"{function}/__init__.py", f"{function}/function.json"} <= set(names)
    source_modules = {str(path.relative_to(PROJECT_ROOT)) for path in (PROJECT_ROOT / "shared").rglob("*.py")}
    assert source_modules <= set(names), "a shared module would be missing in Azure"
    with capsys.disabled():
        print(f"\npublish package: {len(names)} files, {output.stat().st_size / 1024:.1f} KiB zipped")


def test_development_folders_are_left_out_even_when_present(tmp_path):
    # Given a checkout with what a developer's machine accumulates
    rules = parse_rules((PROJECT_ROOT / ".funcignore").read_text().splitlines())
    for folder in (".venv", ".venv312", ".venv-checkov", "node_modules", ".azure", ".azurite",
                   "tests", "benchmarks", "load_test", "local_run", "infra", "tools", ".git",
                   "shared/__pycache__"):
        assert is_ignored(folder, True, rules), folder
    for file in ("local.settings.json", "azure.yaml", "requirements-dev.txt", "package.json",
                 "shared/settings.cpython-311.pyc"):
        assert is_ignored(file, False, rules), file
    assert not is_ignored("shared/settings.py", False, rules)


def test_the_command_lists_the_files_and_prints_the_size():
    result = subprocess.run(
        [sys.executable, "-m", "tools.publish_package"], cwd=PROJECT_ROOT, capture_output=True,
        text=True, check=True,
    )
    lines = result.stdout.splitlines()
    assert "host.json" in lines and "shared/settings.py" in lines
    assert lines[-1].endswith("bytes)") and "KiB zipped" in lines[-1]
