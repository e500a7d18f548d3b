"""Builds the zip that `func azure functionapp publish` or `azd deploy` would upload.

Usage: python -m tools.publish_package [--output package.zip]

Lists every file the project's .funcignore lets through and prints the zip's
size, so what is deployed can be checked before anything is deployed.
"""

import argparse
import sys
import tempfile
import zipfile
from pathlib import Path
from typing import List

from .ignore_rules import included_files, parse_rules

PROJECT_ROOT = Path(__file__).resolve().parents[1]


def package_files(root: Path = PROJECT_ROOT) -> List[str]:
    """The project's files that .funcignore keeps, relative to ``root``."""
    rules = parse_rules((root / ".funcignore").read_text(encoding="utf-8").splitlines())
    return included_files(root, rules)


def build_package(output: Path, root: Path = PROJECT_ROOT) -> List[str]:
    """Write the zip to ``output``; return the files in it."""
    files = package_files(root)
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as package:
        for name in files:
            package.write(root / name, name)
    return files


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, help="where to write the zip (default: a temporary file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        output = args.output or Path(scratch) / "package.zip"
        files = build_package(output)
        for name in files:
            print(name)
        size = output.stat().st_size
        print(f"{len(files)} files, {size / 1024:.1f} KiB zipped ({size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
