"""The wheel's contents as pyproject.toml declares them: every package is listed and every data file is packed."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SETUPTOOLS = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"][
    "setuptools"
]
# emulator/, programs/ and lut/: the directories package-dir installs under `emulator`.
SOURCE_ROOTS = sorted({ROOT / folder for folder in SETUPTOOLS["package-dir"].values()})


def package_dir(package: str) -> Path:
    """Where a package's files are in the source tree, through package-dir's longest matching prefix."""
    parts = package.split(".")
    for n in range(len(parts), 0, -1):
        folder = SETUPTOOLS["package-dir"].get(".".join(parts[:n]))
        if folder is not None:
            return ROOT / folder / Path(*parts[n:])
    return ROOT / Path(*parts)


def relative(paths: set[Path]) -> list[str]:
    return sorted(str(path.relative_to(ROOT)) for path in paths)


def test_every_package_directory_is_listed() -> None:
    """A folder with an __init__.py under emulator/, programs/ or lut/ is in `packages`, so it is installed."""
    listed = {package_dir(package) for package in SETUPTOOLS["packages"]}
    found = {init.parent for root in SOURCE_ROOTS for init in root.rglob("__init__.py")}
    assert relative(found - listed) == []


def test_every_data_file_is_packed() -> None:
    """Each file beside the code that is not Python (styles, tables, data, licence) matches a package-data rule."""
    rules = SETUPTOOLS["package-data"]
    packed: set[Path] = set()
    for package in SETUPTOOLS["packages"]:
        for pattern in rules.get(package, []) + rules.get("*", []):
            packed |= set(package_dir(package).glob(pattern))
    data = {
        path
        for root in SOURCE_ROOTS
        for path in root.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    }
    assert relative(data - packed) == []
    assert {path.suffix for path in packed} >= {".tcss", ".txt", ".json"}
