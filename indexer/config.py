"""One frozen settings object, read from config.toml; paths resolve against the file's folder."""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from indexer.errors import ConfigError

SEGMENTERS = ("jieba", "rjieba")
OPERATORS = ("and", "or")


@dataclass(frozen=True)
class Settings:
    """Every setting newsarchive reads; docs/configuration.md says what each key means.

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


# Settings attribute -> its name in config.toml, for messages
_NAMES = {attr: f"{table}.{key}" for (table, key), attr in _KEYS.items()}

_HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?!-)[A-Za-z0-9-]{1,63}(?<!-)(?:\.(?!-)[A-Za-z0-9-]{1,63}(?<!-))*\.?$"
)


def host_problem(host: object) -> str | None:
    """Why a value cannot be an address to listen on (None when it can): an IPv4 or IPv6
    address, or a host name."""
    if not isinstance(host, str) or not host:
        return f"must be an IP address or a host name, not {host!r}"
    try:
        ipaddress.ip_address(host.strip("[]"))
        return None
    except ValueError:
        pass
    if _HOSTNAME.match(host) and not host.replace(".", "").isdigit():
        return None
    return f"must be an IP address or a host name, not {host!r}"


def load_settings(path: str | Path | None = None, **overrides: Any) -> Settings:
    """Read a config file (or use the defaults) and apply keyword overrides.

    Every value is checked here, at once: a bad one is a ConfigError naming it as
    `section.key`, before any command starts its work.
    """
    values: dict[str, Any] = {}
    base = Path.cwd()
    where = ""
    if path is not None:
        path = Path(path).resolve()
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise ConfigError(f"config file not found: {path}") from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"cannot read config file {path}: {exc}") from None
        base = path.parent
        where = f"{path}: "
        values["config_file"] = path
        for table, entries in data.items():
            if not isinstance(entries, dict):
                raise ConfigError(f"{where}[{table}] must be a table")
            for key, value in entries.items():
                attr = _KEYS.get((table, key))
                if attr is None:
                    raise ConfigError(f"{where}unknown key {table}.{key}")
                values[attr] = value
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return _validate(values, base)
    except ConfigError as exc:
        raise ConfigError(f"{where}{exc}") from None


_KINDS = {int: "a whole number", float: "a number", str: "a string"}


def _validate(values: dict[str, Any], base: Path) -> Settings:
    types = {f.name: f.type for f in fields(Settings)}
    out: dict[str, Any] = {}
    for name, value in values.items():
        label = _NAMES.get(name, name)
        if name == "index_path":
            if not isinstance(value, str | Path) or not str(value):
                raise ConfigError(f"{label} must be a folder path, not {value!r}")
            out[name] = (base / Path(value)).resolve()
        elif name == "source_paths":
            if isinstance(value, str | Path):
                value = [value]
            if not isinstance(value, list | tuple) or not all(
                isinstance(v, str | Path) and str(v) for v in value
            ):
                raise ConfigError(f"{label} must be a list of paths, not {value!r}")
            out[name] = tuple((base / Path(v)).resolve() for v in value)
        elif name == "config_file":
            out[name] = value
        elif name == "aliases":
            if not isinstance(value, str | Path):
                raise ConfigError(f"{label} must be a path, not {value!r}")
            out[name] = (base / Path(value)).resolve()
        elif name in ("expand_names", "dedupe"):
            if not isinstance(value, bool):
                raise ConfigError(f"{label} must be true or false, not {value!r}")
            out[name] = value
        else:
            kind = {"int": int, "float": float, "str": str}[str(types[name])]
            if kind is float and isinstance(value, int) and not isinstance(value, bool):
                value = float(value)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise ConfigError(f"{label} must be {_KINDS[kind]}, not {value!r}")
            out[name] = value
    for name in ("index_path", "aliases"):
        if name not in out:
            out[name] = (base / getattr(Settings, name)).resolve()
    if "source_paths" not in out:
        out["source_paths"] = tuple((base / p).resolve() for p in Settings.source_paths)
    settings = Settings(**out)
    if settings.segmenter not in SEGMENTERS:
        raise ConfigError(
            f"index.segmenter must be one of {', '.join(SEGMENTERS)}, not {settings.segmenter!r}"
        )
    if settings.default_operator not in OPERATORS:
        raise ConfigError(
            f"search.default_operator must be 'and' or 'or', not {settings.default_operator!r}"
        )
    if settings.max_segments < 0:
        raise ConfigError(
            f"index.max_segments must be 0 (never merge) or more, not {settings.max_segments}"
        )
    if settings.workers < -1:
        raise ConfigError(
            f"index.workers must be -1 (one per core), 0 or more, not {settings.workers}"
        )
    for name in (
        "batch_size",
        "default_limit",
        "max_limit",
        "max_query_length",
        "snippet_chars",
        "threads",
        "chinese_shingle",
        "english_shingle",
    ):
        if getattr(settings, name) < 1:
            raise ConfigError(f"{_NAMES[name]} must be at least 1, not {getattr(settings, name)}")
    if settings.default_limit > settings.max_limit:
        raise ConfigError(
            f"search.default_limit ({settings.default_limit}) must not exceed "
            f"search.max_limit ({settings.max_limit})"
        )
    if not settings.max_file_mb > 0:
        raise ConfigError(f"ingest.max_file_mb must be more than 0, not {settings.max_file_mb:g}")
    if not settings.writer_timeout >= 0:
        raise ConfigError(
            f"index.writer_timeout must be 0 seconds or more, not {settings.writer_timeout:g}"
        )
    if not 0.5 <= settings.near_threshold <= 1.0:
        raise ConfigError(
            f"dedupe.near_threshold must be between 0.5 and 1.0, not {settings.near_threshold:g}"
        )
    if not 1 <= settings.port <= 65535:
        raise ConfigError(f"server.port must be between 1 and 65535, not {settings.port}")
    problem = host_problem(settings.host)
    if problem:
        raise ConfigError(f"server.host {problem}")
    return settings


def cores() -> int:
    """The cores this process may run on."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1
