"""Runs checkov, the pinned infrastructure scanner, over Bicep templates, offline.

checkov lives in its own virtualenv (.venv-checkov, made by
``scripts/setup --dev`` from requirements-checkov.txt). A template it cannot
parse is silently left out of its results, so the scan also reports which
files it parsed and how many resources it saw.
"""

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List, Set

PROJECT_ROOT = Path(__file__).resolve().parents[2]
CHECKOV = PROJECT_ROOT / ".venv-checkov" / "bin" / "checkov"


class CheckovNotInstalled(RuntimeError):
    pass


@dataclass
class Scan:
    passed: int
    failed: List[str]
    skipped: List[dict]
    parsing_errors: List[str]
    resource_count: int
    checked_files: Set[str]


def scan(directory: Path) -> Scan:
    if not CHECKOV.exists():
        raise CheckovNotInstalled(f"{CHECKOV} is missing: run scripts/setup --dev")
    result = subprocess.run(
        [str(CHECKOV), "--directory", str(directory), "--framework", "bicep", "--skip-download",
         "--output", "json"],
        capture_output=True, text=True, timeout=300,
        env={"PATH": "/usr/bin:/bin", "HOME": str(directory), "BC_SKIP_MAPPING": "TRUE"},
    )
    if result.returncode not in (0, 1):  # 1: some check failed
        raise RuntimeError(f"checkov exited {result.returncode}: {result.stderr[-2000:]}")
    report = json.loads(result.stdout)
    if isinstance(report, list):
        [report] = [part for part in report if part.get("check_type") == "bicep"]
    if "results" not in report:  # nothing parsed at all
        return Scan(0, [], [], ["(no results)"], 0, set())
    results = report["results"]
    everything = results["passed_checks"] + results["failed_checks"] + results["skipped_checks"]
    return Scan(
        passed=len(results["passed_checks"]),
        failed=[f"{c['check_id']} {c['resource']} ({c['file_path']}): {c['check_name']}"
                for c in results["failed_checks"]],
        skipped=results["skipped_checks"],
        parsing_errors=list(results.get("parsing_errors", [])),
        resource_count=report["summary"]["resource_count"],
        checked_files={c["file_path"].lstrip("/") for c in everything},
    )
