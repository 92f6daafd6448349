"""The wheel holds the whole product: every sub-package, the data files the code loads, the
typing marker; each package's ``__init__`` declares its public API; ``--help`` stays light.

The repository root is the ``salesflow`` package (pyproject's ``package-dir``), so a folder
with an ``__init__.py`` that pyproject does not list would work in an editable install and be
missing from the wheel. These tests read pyproject and the folders, not an installed copy
(CI installs the wheel and runs ``salesflow weekly`` and mypy on it).
"""

from __future__ import annotations

import ast
import importlib
import re
import subprocess
import sys
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
SETUPTOOLS = PYPROJECT["tool"]["setuptools"]
PACKAGE_LIST: list[str] = SETUPTOOLS["packages"]
PACKAGES = set(PACKAGE_LIST)
PACKAGE_DATA: dict[str, list[str]] = SETUPTOOLS.get("package-data", {})

#: Folders in the repository root that are not part of the wheel.
NOT_SHIPPED = {"tests"}
#: Folders of Python scripts that are not packages (no ``__init__.py``) and so not shipped.
SCRIPT_FOLDERS = {"benchmarks"}
#: Folders the walk never enters: version control, caches, builds, virtual environments.
SKIPPED = re.compile(r"^(\..*|__pycache__|build|dist|.*\.egg-info|venv)$")

#: Packages whose ``__init__.py`` must declare ``__all__``. Extend as each package gets one.
DECLARE_ALL = [
    "salesflow",
    "salesflow.cli",
    "salesflow.data",
    "salesflow.data.dataset",
    "salesflow.data.distances",
    "salesflow.data.generator",
    "salesflow.data.importing",
    "salesflow.data.instances",
    "salesflow.data.outputs",
    "salesflow.data.store",
    "salesflow.forecasting",
    "salesflow.optimizer",
    "salesflow.optimizer.purchasing",
    "salesflow.optimizer.routing",
    "salesflow.optimizer.staffing",
]

#: Libraries that ``import salesflow.cli.main`` (so ``salesflow --help``) must not load.
HEAVY = ("pandas", "numpy", "scipy", "sklearn", "statsmodels", "ortools", "matplotlib",
         "openpyxl", "pyarrow", "sqlalchemy")


def _package_name(folder: Path) -> str:
    return ".".join(("salesflow", *folder.relative_to(ROOT).parts))


def _package_folder(name: str) -> Path:
    return ROOT.joinpath(*name.split(".")[1:])


def _folders() -> list[Path]:
    """Every folder under the root, but those never shipped and the skipped ones."""
    found = []
    pending = [ROOT]
    while pending:
        folder = pending.pop()
        found.append(folder)
        for child in sorted(folder.iterdir()):
            if not child.is_dir() or SKIPPED.match(child.name):
                continue
            if folder == ROOT and child.name in NOT_SHIPPED:
                continue
            pending.append(child)
    return sorted(found)


def _shipped(package: str, relative: str) -> bool:
    """Whether pyproject's package-data puts ``relative`` (from the package's folder) in the
    wheel."""
    return any(fnmatch(relative, pattern) for pattern in PACKAGE_DATA.get(package, []))


def test_every_package_folder_is_listed_in_pyproject() -> None:
    folders = {_package_name(f) for f in _folders() if (f / "__init__.py").is_file()}
    assert folders - PACKAGES == set(), (
        "add these sub-packages to [tool.setuptools] packages in pyproject.toml, or they are "
        "missing from the wheel")
    assert PACKAGES - folders == set(), "pyproject lists packages that have no __init__.py"
    assert len(PACKAGE_LIST) == len(PACKAGES), "pyproject lists a package twice"


def test_no_module_sits_outside_a_package() -> None:
    loose = [str(f.relative_to(ROOT)) for f in _folders()
             if not (f / "__init__.py").is_file() and any(f.glob("*.py"))
             and f.relative_to(ROOT).parts[0] not in SCRIPT_FOLDERS]
    assert loose == [], "these folders hold modules but no __init__.py: not in the wheel"


def test_data_files_inside_packages_are_package_data() -> None:
    """Every file that is not Python, under a package's folder (a sub-folder without an
    ``__init__.py`` is data of the package above), ships with the wheel."""
    unshipped = []
    for name in PACKAGES - {"salesflow"}:  # the root's own files are README, pyproject, ...
        folder = _package_folder(name)
        for path in folder.rglob("*"):
            relative = path.relative_to(folder)
            if (path.is_dir() or path.suffix in (".py", ".pyc")
                    or any(SKIPPED.match(part) for part in relative.parts)):
                continue
            owner = path.parent
            while not (owner / "__init__.py").is_file():
                owner = owner.parent
            if owner == folder and not _shipped(name, relative.as_posix()):
                unshipped.append(str(path.relative_to(ROOT)))
    assert unshipped == [], "add these to [tool.setuptools.package-data] in pyproject.toml"


def test_the_typing_marker_ships() -> None:
    assert (ROOT / "py.typed").is_file(), "py.typed (PEP 561) belongs in the repository root"
    assert _shipped("salesflow", "py.typed"), "py.typed must be package data of salesflow"


def test_resources_the_code_loads_ship() -> None:
    """``importlib.resources.files("pkg") / "folder"`` in the code: all of that folder ships."""
    pattern = re.compile(r"""files\(\s*["']([\w.]+)["']\s*\)\s*/\s*["']([^"']+)["']""")
    loads = [match.groups() for folder in _folders() for module in folder.glob("*.py")
             for match in pattern.finditer(module.read_text(encoding="utf-8"))]
    assert ("salesflow.data", "sample") in loads
    for package, resource in loads:
        assert package in PACKAGES, f"resources are loaded from {package}, not a package"
        target = _package_folder(package) / resource
        files = [p for p in target.rglob("*") if p.is_file()] if target.is_dir() else [target]
        assert files, f"{package}/{resource} is loaded but does not exist"
        for path in files:
            relative = path.relative_to(_package_folder(package)).as_posix()
            assert _shipped(package, relative), f"{package}: {relative} is not package data"


@pytest.mark.parametrize("package", DECLARE_ALL)
def test_init_declares_its_public_api(package: str) -> None:
    assert package in PACKAGES
    source = (_package_folder(package) / "__init__.py").read_text(encoding="utf-8")
    literal = [node.value for node in ast.parse(source).body
               if isinstance(node, ast.Assign)
               and any(isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets)]
    assert len(literal) == 1, f"{package}/__init__.py needs one `__all__ = [...]`"
    names = ast.literal_eval(literal[0])  # a literal list, as type checkers need it
    assert isinstance(names, list) and names, f"{package}.__all__ must be a non-empty list"
    assert len(set(names)) == len(names), f"{package}.__all__ repeats a name"

    module = importlib.import_module(package)
    assert module.__all__ == names
    public_dir = set(dir(module))
    for name in names:
        assert name in public_dir, f"dir({package}) lacks {name}"
        value = getattr(module, name)  # loads a lazy export
        if (_package_folder(package) / f"{name}.py").is_file() or \
                (_package_folder(package) / name / "__init__.py").is_file():
            # a public name that is also a sub-module's must be that sub-module, or the
            # name's meaning would depend on what was imported first
            assert value is importlib.import_module(f"{package}.{name}"), (
                f"{package}.{name} is both a sub-module and another object")


def test_cli_import_stays_light() -> None:
    """``salesflow --help`` imports the commands but none of the heavy libraries."""
    code = ("import sys, salesflow.cli.main; "
            f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True).stdout.strip()
    assert loaded == "", f"import salesflow.cli.main loads {loaded}: import them in commands"
