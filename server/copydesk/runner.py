"""Lint files from disk: discovery, safe reading, one engine per config.

Used by the CLI and the benchmarks; holds no analysis of its own.
"""
from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import Config, ConfigError, config_for, find_config_file, load_config
from .engine import Engine
from .report import FileReport
from .text.document import Document, language_for_path

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class InputError(Exception):
    pass


def read_draft(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a draft as UTF-8 with a clear reason when that is not possible."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise InputError("no such file (it may have been removed while linting)") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}") from None
    if size > max_bytes:
        raise InputError(
            f"file is {size / 1048576:.1f} MB, over the {max_bytes / 1048576:.0f} MB limit "
            "(raise it with --max-file-size)"
        )
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError("no such file (it may have been removed while linting)") from None
    except IsADirectoryError:
        raise InputError("is a directory") from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror or e}") from None
    return decode_draft(data)


def decode_draft(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), not a text draft")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        raise InputError(
            f"invalid UTF-8 at byte offset {e.start} (line {line}): {data[e.start:e.start + 1]!r}"
        ) from None
    return text[1:] if text.startswith("\ufeff") else text  # BOM


@dataclass
class Target:
    path: Path
    display: str
    explicit: bool  # named on the command line (not found by walking a folder)


@dataclass
class Discovery:
    targets: list[Target] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def discover(args: Iterable[str], configs: "ConfigCache", cwd: Path | None = None) -> Discovery:
    """Files to lint from paths, folders and globs (folders filtered by
    include/exclude; symlinked folders are not followed, so loops cannot hang)."""
    cwd = cwd or Path.cwd()
    out = Discovery()
    seen: set[str] = set()

    def add(p: Path, explicit: bool):
        key = os.path.realpath(p)
        if key in seen:
            return
        seen.add(key)
        out.targets.append(Target(p, _display(p, cwd), explicit))

    for arg in args:
        p = Path(arg)
        if p.is_dir():
            for f in _walk(p, configs):
                add(f, False)
        elif p.exists() or p.is_symlink():
            add(p, True)
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                out.errors.append(f"{arg}: no files match this pattern")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    for f in _walk(mp, configs):
                        add(f, False)
                else:
                    add(mp, True)
        else:
            out.errors.append(f"{arg}: no such file or directory")
    return out


def _walk(root: Path, configs: "ConfigCache") -> Iterator[Path]:
    def onerror(err: OSError):
        pass  # unreadable folders are skipped; files inside are unreachable anyway

    for folder, dirs, files in os.walk(root, onerror=onerror, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        for name in sorted(files):
            f = Path(folder) / name
            try:
                cfg = configs.for_path(f)
            except ConfigError:
                cfg = Config()
            if cfg.wants(f, root):
                yield f


def _display(p: Path, cwd: Path) -> str:
    try:
        return p.resolve().relative_to(cwd.resolve()).as_posix() if p.is_absolute() else p.as_posix()
    except ValueError:
        return p.as_posix()


class ConfigCache:
    """Configs found upward per folder, and one engine per config file."""

    def __init__(self, explicit: Config | None = None, overrides: dict | None = None,
                 engine_factory: Callable[[Config], Engine] | None = None):
        self.explicit = explicit
        self.overrides = overrides or {}
        self._by_dir: dict[str, Config] = {}
        self._engines: dict[Config, Engine] = {}
        self._factory = engine_factory or (lambda cfg: Engine(cfg))

    def for_path(self, path: Path) -> Config:
        if self.explicit is not None:
            return self.explicit
        folder = str(path.parent.resolve() if not path.is_dir() else path.resolve())
        if folder not in self._by_dir:
            found = find_config_file(Path(folder))
            cfg = load_config(found) if found else Config()
            self._by_dir[folder] = cfg.merged(**self.overrides) if self.overrides else cfg
        return self._by_dir[folder]

    def engine(self, cfg: Config) -> Engine:
        if cfg not in self._engines:
            self._engines[cfg] = self._factory(cfg)
        return self._engines[cfg]

    @property
    def engines(self) -> list[Engine]:
        return list(self._engines.values())


def lint_text(engine: Engine, text: str, display: str, language: str | None = None) -> FileReport:
    doc = Document(text, path=display, language=language or language_for_path(display))
    result = engine.lint(doc)
    return FileReport(display, doc, result.findings, result.failures)


def lint_target(target: Target, configs: ConfigCache, max_bytes: int) -> FileReport:
    try:
        cfg = configs.for_path(target.path)
    except ConfigError as e:
        return FileReport(target.display, None, error=f"configuration error: {e}")
    try:
        text = read_draft(target.path, max_bytes)
    except InputError as e:
        return FileReport(target.display, None, error=str(e))
    return lint_text(configs.engine(cfg), text, target.display)
