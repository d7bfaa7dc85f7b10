"""The dependency rule of the hexagon, checked on the source text: the domain imports only
the standard library and attrs; the application adds nothing but itself."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

import cultureup

PACKAGE_ROOT = Path(cultureup.__file__).parent
STDLIB = frozenset(sys.stdlib_module_names)


def module_name(path: Path, root: Path) -> str:
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path, root: Path) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) for every import in the file, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = module_name(path, root).split(".")
    if path.name != "__init__.py":
        package = package[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)]
                module = ".".join([*base, *([node.module] if node.module else [])])
            else:
                module = node.module or ""
            if module == "cultureup":
                # `from cultureup import domain` imports the subpackage.
                for alias in node.names:
                    yield node.lineno, f"cultureup.{alias.name}"
            else:
                yield node.lineno, module


def is_within(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def forbidden_imports(layer: str, allowed_packages: tuple[str, ...],
                      root: Path = PACKAGE_ROOT) -> list[str]:
    found = []
    for path in sorted((root / layer).rglob("*.py")):
        for line, module in imported_modules(path, root):
            top = module.split(".")[0]
            if top in STDLIB or any(is_within(module, allowed) for allowed in allowed_packages):
                continue
            found.append(f"{path.relative_to(root.parent).as_posix()}:{line} imports {module}")
    return found


def test_the_domain_imports_only_the_standard_library_and_attrs() -> None:
    assert forbidden_imports("domain", ("attrs", "__future__", "cultureup.domain")) == []


def test_the_application_imports_only_the_standard_library_attrs_and_inner_layers() -> None:
    allowed = ("attrs", "__future__", "cultureup.domain", "cultureup.application")
    assert forbidden_imports("application", allowed) == []


@pytest.mark.parametrize("layer", ["domain", "application"])
def test_each_layer_is_found_and_has_modules(layer: str) -> None:
    assert len(list((PACKAGE_ROOT / layer).rglob("*.py"))) > 3


def test_the_checker_sees_third_party_relative_and_outer_layer_imports(tmp_path: Path
                                                                       ) -> None:
    fake_root = tmp_path / "cultureup"
    domain = fake_root / "domain"
    domain.mkdir(parents=True)
    (fake_root / "__init__.py").write_text("")
    (domain / "__init__.py").write_text("")
    (domain / "bad.py").write_text(
        "from __future__ import annotations\n"
        "import json, sqlalchemy.orm\n"
        "import attrs\n"
        "from . import money\n"
        "from ..adapters import db\n"
        "from cultureup import application\n"
        "from cultureup.domain.hiring.jobs import Job\n"
    )
    allowed = ("attrs", "__future__", "cultureup.domain")
    assert forbidden_imports("domain", allowed, root=fake_root) == [
        "cultureup/domain/bad.py:2 imports sqlalchemy.orm",
        "cultureup/domain/bad.py:5 imports cultureup.adapters",
        "cultureup/domain/bad.py:6 imports cultureup.application",
    ]
