"""The public API: what a script imports from `indexer`."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import indexer
from indexer.store.archive import Archive
from tests.helpers import ROOT, write_config


@pytest.mark.parametrize("name", indexer.__all__)
def test_every_public_name_is_there(name: str) -> None:
    assert getattr(indexer, name) is not None


def test_search_is_callable_whichever_module_was_imported_first(sample_archive: Archive) -> None:
    import indexer.search.core  # binds the package `indexer.search` on `indexer`
    from indexer import SearchRequest, search

    page = search(sample_archive, SearchRequest(q="Tencent", limit=3))
    assert page.total > 0
    assert (
        page.hits[0].id
        == indexer.search.core.search(sample_archive, SearchRequest(q="Tencent", limit=3))
        .hits[0]
        .id
    )


def test_importing_the_package_loads_no_engine() -> None:
    """`import indexer` is cheap: the command line's --help must not pay for Whoosh."""
    code = (
        "import sys, indexer; heavy = {'whoosh', 'jieba', 'numpy'}; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "[]"


def test_the_readme_library_example_runs(
    sample_index: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    example = readme.split("```python\n", 1)[1].split("```", 1)[0]
    shutil.copytree(sample_index, tmp_path / "index")
    write_config(tmp_path, [])
    monkeypatch.chdir(tmp_path)
    exec(compile(example, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    assert "Tech giants bet on Guizhou" in printed and "馬雲" in printed
