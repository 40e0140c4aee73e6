"""The architecture holds: only indexer/engine reaches under Whoosh's public API."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.helpers import ROOT

#: Whoosh modules that are internals: the engine's business alone.
INTERNAL = ("whoosh.codec", "whoosh.filedb", "whoosh.matching", "whoosh.system", "whoosh.util")
ENGINE = ROOT / "indexer" / "engine"


def _outside_engine() -> list[Path]:
    files = sorted((ROOT / "indexer").rglob("*.py")) + sorted((ROOT / "webapp").rglob("*.py"))
    return [f for f in files if ENGINE not in f.parents]


def _internal_imports(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        names: list[str] = []
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
        found += [n for n in names if n.startswith(INTERNAL)]
    return found


def _private_reads(tree: ast.AST) -> list[str]:
    """`obj._name` where obj is not self/cls: reading another object's private state."""
    found = []
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
            and not (isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"})
        ):
            found.append(f"line {node.lineno}: .{node.attr}")
    return found


@pytest.mark.parametrize("path", _outside_engine(), ids=lambda p: str(p.relative_to(ROOT)))
def test_no_whoosh_internals_outside_the_engine(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    assert _internal_imports(tree) == []
    assert _private_reads(tree) == []


def test_the_check_finds_what_it_looks_for() -> None:
    tree = ast.parse(
        "from whoosh.codec.whoosh3 import W3Codec\nimport whoosh.util\n"
        "from whoosh import matching\nx = reader._terms\ny = self._own\n"
    )
    assert _internal_imports(tree) == [
        "whoosh.codec.whoosh3",
        "whoosh.codec.whoosh3.W3Codec",
        "whoosh.util",
        "whoosh.matching",
    ]
    assert _private_reads(tree) == ["line 4: ._terms"]


def test_the_engine_says_which_internals_it_relies_on() -> None:
    import indexer.engine

    doc = indexer.engine.__doc__ or ""
    for module in sorted(ENGINE.glob("*.py")):
        if module.stem != "__init__":
            assert f"``{module.stem}``" in doc, module.stem
