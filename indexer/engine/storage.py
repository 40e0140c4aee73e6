"""Opening an index generation's files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from whoosh.filedb.filestore import FileStorage


def open_segments(directory: Path, mapped: bool = False) -> Any:
    """The Whoosh index in `directory`, its segment files read (or memory-mapped if `mapped`)."""
    return FileStorage(str(directory), supports_mmap=mapped).open_index()
