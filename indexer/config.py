"""One frozen settings object, read from config.toml; paths resolve against the file's folder."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from indexer.errors import ConfigError

SEGMENTERS = ("jieba", "rjieba")
OPERATORS = ("and", "or")


@dataclass(frozen=True)
class Settings:
    """Every setting newsarchive reads; see the README for what each key means.

    The defaults are the shipped config.toml's values (tests/unit/test_config.py holds
    them together): running without a config file behaves as running with it. Relative
    paths resolve against the config file's folder, or the current folder without one.
    """

    index_path: Path = Path("var/index")
    source_paths: tuple[Path, ...] = (Path("corpus"),)
    segmenter: str = "rjieba"
    batch_size: int = 1000
    workers: int = -1  # worker processes beside the writer; -1: one per core
    max_segments: int = 8  # merge into one segment after a run that leaves more; 0: never
    max_file_mb: float = 50.0
    writer_timeout: float = 30.0
    default_limit: int = 10
    max_limit: int = 100
    max_query_length: int = 500
    # "or" ranks articles holding all the words first (measured on bench/relevance.py)
    default_operator: str = "or"
    snippet_chars: int = 220
    expand_names: bool = True
    aliases: Path | None = Path("aliases.toml")
    dedupe: bool = True  # group exact and near-duplicate articles into stories
    near_threshold: float = 0.7  # estimated Jaccard similarity of shingles; 1.0: exact only
    chinese_shingle: int = 4  # characters per shingle of Chinese text
    english_shingle: int = 3  # words per shingle of other text
    host: str = "127.0.0.1"
    port: int = 8080
    threads: int = 8
    config_file: Path | None = field(default=None, compare=False)

    def with_index(self, path: Path) -> Settings:
        """A copy pointing at another index folder (tests and benchmarks)."""
        return replace(self, index_path=Path(path).resolve())


# toml table -> key -> Settings attribute
_KEYS: dict[tuple[str, str], str] = {
    ("index", "path"): "index_path",
    ("index", "segmenter"): "segmenter",
    ("index", "batch_size"): "batch_size",
    ("index", "workers"): "workers",
    ("index", "max_segments"): "max_segments",
    ("index", "writer_timeout"): "writer_timeout",
    ("sources", "paths"): "source_paths",
    ("ingest", "max_file_mb"): "max_file_mb",
    ("search", "default_limit"): "default_limit",
    ("search", "max_limit"): "max_limit",
    ("search", "max_query_length"): "max_query_length",
    ("search", "default_operator"): "default_operator",
    ("search", "snippet_chars"): "snippet_chars",
    ("search", "expand_names"): "expand_names",
    ("search", "aliases"): "aliases",
    ("dedupe", "enabled"): "dedupe",
    ("dedupe", "near_threshold"): "near_threshold",
    ("dedupe", "chinese_shingle"): "chinese_shingle",
    ("dedupe", "english_shingle"): "english_shingle",
    ("server", "host"): "host",
    ("server", "port"): "port",
    ("server", "threads"): "threads",
}


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read a config file (or use the defaults) and apply keyword overrides."""
    values: dict[str, Any] = {}
    base = Path.cwd()
    if path is not None:
        path = Path(path).resolve()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from None
        base = path.parent
        values["config_file"] = path
        for table, entries in data.items():
            if not isinstance(entries, dict):
                raise ConfigError(f"{path}: [{table}] must be a table")
            for key, value in entries.items():
                attr = _KEYS.get((table, key))
                if attr is None:
                    raise ConfigError(f"{path}: unknown key {table}.{key}")
                values[attr] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    return _validate(values, base)


def _validate(values: dict[str, Any], base: Path) -> Settings:
    types = {f.name: f.type for f in fields(Settings)}
    out: dict[str, Any] = {}
    for name, value in values.items():
        if name == "index_path":
            out[name] = (base / Path(value)).resolve()
        elif name == "source_paths":
            if isinstance(value, str | Path):
                value = [value]
            out[name] = tuple((base / Path(v)).resolve() for v in value)
        elif name == "config_file":
            out[name] = value
        elif name == "aliases":
            if not isinstance(value, str | Path):
                raise ConfigError(f"setting aliases must be a path, not {value!r}")
            out[name] = (base / Path(value)).resolve()
        elif name in ("expand_names", "dedupe"):
            if not isinstance(value, bool):
                raise ConfigError(f"setting {name} must be true or false, not {value!r}")
            out[name] = value
        else:
            kind = {"int": int, "float": float, "str": str}[str(types[name])]
            if kind is float and isinstance(value, int):
                value = float(value)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ConfigError(f"setting {name} must be {kind.__name__}, not {value!r}")
            out[name] = value
    for name in ("index_path", "aliases"):
        if name not in out:
            out[name] = (base / getattr(Settings, name)).resolve()
    if "source_paths" not in out:
        out["source_paths"] = tuple((base / p).resolve() for p in Settings.source_paths)
    settings = Settings(**out)
    if settings.segmenter not in SEGMENTERS:
        raise ConfigError(f"index.segmenter must be one of {', '.join(SEGMENTERS)}")
    if settings.default_operator not in OPERATORS:
        raise ConfigError("search.default_operator must be 'and' or 'or'")
    if settings.max_segments < 0:
        raise ConfigError("index.max_segments must be 0 (never merge) or more")
    if settings.workers < -1:
        raise ConfigError("index.workers must be -1 (automatic), 0 or more")
    for name in (
        "batch_size",
        "default_limit",
        "max_limit",
        "max_query_length",
        "threads",
        "chinese_shingle",
        "english_shingle",
    ):
        if getattr(settings, name) < 1:
            raise ConfigError(f"setting {name} must be at least 1")
    if not 0.5 <= settings.near_threshold <= 1.0:
        raise ConfigError("dedupe.near_threshold must be between 0.5 and 1.0")
    return settings


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
