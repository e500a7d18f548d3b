"""checkov finds nothing wrong in infra/, and every skip says why, next to its resource."""

import re
import shutil
from pathlib import Path

import pytest

from tests.infra.checkov_scan import CheckovNotInstalled, scan

INFRA = Path(__file__).resolve().parents[2] / "infra"
# The modules holding resources that checkov has policies for.
SCANNED_MODULES = {"app/storage.bicep", "app/cosmos.bicep", "app/function-app.bicep"}


def declared_resources(infra: Path) -> int:
    return sum(
        len(re.findall(r"^resource ", path.read_text(), re.MULTILINE)) for path in infra.rglob("*.bicep")
    )


@pytest.fixture(scope="module")
def infra_scan():
    try:
        return scan(INFRA)
    except CheckovNotInstalled as missing:
        pytest.fail(str(missing), pytrace=False)


def test_checkov_passes_every_check_on_infra(infra_scan, capsys):
    assert infra_scan.failed == []
    with capsys.disabled():
        print(f"\ncheckov: {infra_scan.passed} passed, {len(infra_scan.failed)} failed, "
              f"{len(infra_scan.skipped)} skipped, {infra_scan.resource_count} resources, "
              f"{len(infra_scan.parsing_errors)} parsing errors")


def test_checkov_parsed_every_template(infra_scan):
    assert infra_scan.parsing_errors == []
    assert infra_scan.resource_count >= declared_resources(INFRA)
    assert SCANNED_MODULES <= infra_scan.checked_files
    assert infra_scan.passed >= 20


def test_every_skip_gives_its_reason(infra_scan):
    assert infra_scan.skipped, "the skips in infra/ are no longer seen"
    for skip in infra_scan.skipped:
        reason = (skip.get("check_result") or {}).get("suppress_comment", "")
        assert len(reason) > 20, f"{skip['check_id']} on {skip['resource']} is skipped without a reason"


def test_a_template_checkov_cannot_parse_is_reported(tmp_path):
    broken = Path(shutil.copytree(INFRA, tmp_path / "infra"))
    path = broken / "app" / "function-app.bicep"
    # Bicep allows a multi-line function call; checkov's parser does not, and would skip the file.
    path.write_text(path.read_text().replace(
        "concat(platformSettings, botSettings, stateSettings)",
        "concat(\n  platformSettings,\n  botSettings,\n  stateSettings\n)"))

    result = scan(broken)

    assert result.parsing_errors
    assert "app/function-app.bicep" not in result.checked_files
