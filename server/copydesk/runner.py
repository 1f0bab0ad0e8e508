"""Lint files from disk: discovery, safe reading, one engine per config.

Used by the CLI and the benchmarks; holds no analysis of its own.
"""
from __future__ import annotations

import errno
import glob
import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable, Iterator

from .config import Config, ConfigError, find_config_file, load_config
from .engine import Engine
from .findings import apply_fixes
from .procs import die_with_parent
from .text.encoding import DecodeError, decode_utf8
from .report import FileReport
from .text.document import Document, language_for_path

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


class InputError(Exception):
    pass


def read_draft(path: Path, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """Read a draft as UTF-8 with a clear reason when that is not possible."""
    try:
        st = path.stat()
    except OSError as e:
        raise InputError(_os_reason(path, e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise InputError("is a directory")
    if not stat.S_ISREG(st.st_mode):
        # A FIFO or device would block or never end.
        raise InputError("not a regular file (a pipe, socket or device); use - to read stdin")
    if st.st_size > max_bytes:
        raise InputError(
            f"file is {st.st_size / 1048576:.1f} MB, over the {_mb(max_bytes)} limit "
            "(raise it with --max-file-size)"
        )
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)  # the file may have grown since stat
    except OSError as e:
        raise InputError(_os_reason(path, e)) from None
    if len(data) > max_bytes:
        raise InputError(f"file is over the {_mb(max_bytes)} limit (raise it with --max-file-size)")
    return decode_draft(data)


def _mb(n: int) -> str:
    return f"{n / 1048576:g} MB" if n >= 1048576 else f"{n} bytes"


def _os_reason(path: Path, e: OSError) -> str:
    if e.errno == errno.ELOOP:
        return "symbolic link loop (too many levels of symbolic links)"
    if e.errno == errno.ENOENT:
        if path.is_symlink():
            try:
                target = os.readlink(path)
            except OSError:
                target = "?"
            return f"broken symbolic link (points to {target}, which does not exist)"
        return "no such file (it may have been removed while linting)"
    if e.errno in (errno.EACCES, errno.EPERM):
        return "permission denied: cannot read this file"
    if e.errno == errno.EISDIR:
        return "is a directory"
    return f"cannot read: {e.strerror or e}"


def decode_draft(data: bytes) -> str:
    if b"\x00" in data[:8192]:
        raise InputError("binary file (contains NUL bytes), not a text draft")
    try:
        return decode_utf8(data)  # a byte-order mark is dropped
    except DecodeError as e:
        raise InputError(str(e)) from None


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
    """Files to lint from paths, folders and globs.

    Files named on the command line are always linted; files found in a
    folder are filtered by the include/exclude of their config.  Symlinked
    folders are not followed (a link loop cannot hang the walk); unreadable
    folders and folders without drafts are reported.
    """
    cwd = cwd or Path.cwd()
    out = Discovery()
    seen: set[str] = set()

    def add(p: Path, explicit: bool, key: str | None = None):
        key = key or os.path.realpath(p)
        if key in seen:
            return
        seen.add(key)
        out.targets.append(Target(p, _display(p, cwd), explicit))

    def walk(folder: Path, label: str) -> None:
        before = len(out.targets)
        for f, key in _walk(folder, configs, out.errors, cwd):
            add(f, False, key)
        if len(out.targets) == before and not any(e.startswith(label) for e in out.errors):
            out.errors.append(f"{label}: no drafts found in this folder (looked for {_patterns(configs, folder)})")

    for arg in args:
        p = Path(arg)
        try:
            is_dir = p.is_dir()
            exists = is_dir or p.exists() or p.is_symlink()
        except OSError as e:  # e.g. a name too long
            out.errors.append(f"{arg}: {e.strerror or e}")
            continue
        if is_dir:
            walk(p, arg)
        elif exists:
            add(p, True)
        elif glob.has_magic(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                out.errors.append(f"{arg}: no files match this pattern")
            for m in matches:
                mp = Path(m)
                if mp.is_dir():
                    walk(mp, m)
                elif mp.is_file() or mp.is_symlink():
                    add(mp, True)
        else:
            out.errors.append(f"{arg}: no such file or directory")
    return out


def _patterns(configs: "ConfigCache", folder: Path) -> str:
    try:
        return ", ".join(configs.for_path(folder / "x").include)
    except ConfigError:
        return ", ".join(Config().include)


def _walk(root: Path, configs: "ConfigCache", errors: list[str], cwd: Path) -> Iterator[tuple[Path, str]]:
    """(path, real path) of every draft under root, in a stable order."""

    def onerror(err: OSError):
        errors.append(f"{_display(Path(err.filename or root), cwd)}: cannot read folder: {err.strerror or err}")

    real_root = Path(os.path.realpath(root))
    for folder, dirs, files in os.walk(root, onerror=onerror, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "node_modules")
        real = os.path.realpath(folder)  # once per folder, not per file
        try:
            cfg = configs.for_path(Path(folder) / "x")
        except ConfigError:
            cfg = Config()
        # Globs match paths relative to the config's folder (or the folder
        # searched); outside it, the bare file name.
        base = cfg.root or str(real_root)
        prefix = None
        if real == base or real.startswith(base.rstrip(os.sep) + os.sep):
            rel_folder = os.path.relpath(real, base)
            prefix = "" if rel_folder == "." else rel_folder.replace(os.sep, "/") + "/"
        for name in sorted(files):
            rel = prefix + name if prefix is not None else name
            if cfg.wants_relative(rel):
                yield Path(folder) / name, os.path.join(real, name)


def _display(p: Path, cwd: Path) -> str:
    try:
        return p.resolve().relative_to(cwd.resolve()).as_posix() if p.is_absolute() else p.as_posix()
    except ValueError:
        return p.as_posix()


class ConfigCache:
    """Configs found upward per folder, and one engine per config file."""

    def __init__(self, explicit: Config | None = None, overrides: dict | None = None,
                 engine_factory: Callable[[Config], Engine] | None = None):
        self.overrides = overrides or {}
        # --config FILE and flags together: the flags still apply.
        self.explicit = explicit.merged(**self.overrides) if explicit is not None and self.overrides else explicit
        self._by_dir: dict[str, Config] = {}
        self._engines: dict[Config, Engine] = {}
        # A CLI run rarely sees a paragraph twice: a small paragraph cache
        # keeps memory flat over 100,000 files.
        self._factory = engine_factory or (lambda cfg: Engine(cfg, cache_size=512))

    def for_path(self, path: Path) -> Config:
        """The config of a file (a file's folder is looked up once)."""
        if self.explicit is not None:
            return self.explicit
        key = str(path.parent)
        cfg = self._by_dir.get(key)
        if cfg is None:
            found = find_config_file(path.parent.resolve())
            cfg = load_config(found) if found else Config()
            cfg = cfg.merged(**self.overrides) if self.overrides else cfg
            self._by_dir[key] = cfg
        return cfg

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
    return FileReport(display, doc, result.findings, result.failures, notes=result.notes)


def lint_target(target: Target, configs: ConfigCache, max_bytes: int = DEFAULT_MAX_BYTES) -> FileReport:
    try:
        cfg = configs.for_path(target.path)
    except ConfigError as e:
        return FileReport(target.display, None, error=f"configuration error: {e}")
    try:
        text = read_draft(target.path, max_bytes)
    except InputError as e:
        return FileReport(target.display, None, error=str(e))
    return lint_text(configs.engine(cfg), text, target.display)


MAX_FIX_ROUNDS = 10


def fix_target(target: Target, configs: ConfigCache, max_bytes: int = DEFAULT_MAX_BYTES) -> tuple[FileReport, int]:
    """Apply every safe fix to a draft, write it back, and report the
    findings that are left (with how many fixes were applied).  Fixes are
    applied in rounds until none is left: a fix may reveal another."""
    try:
        cfg = configs.for_path(target.path)
    except ConfigError as e:
        return FileReport(target.display, None, error=f"configuration error: {e}"), 0
    try:
        original = read_draft(target.path, max_bytes)
    except InputError as e:
        return FileReport(target.display, None, error=str(e)), 0
    engine = configs.engine(cfg)
    text, applied = original, 0
    report = lint_text(engine, text, target.display)
    for _ in range(MAX_FIX_ROUNDS):
        if report.failures:
            break  # a crashed check: do not rewrite on partial results
        fixed, n = apply_fixes(text, report.findings)
        if not n or fixed == text:
            break
        text, applied = fixed, applied + n
        report = lint_text(engine, text, target.display)
    if text != original:
        try:
            _write_back(target.path, text)
        except OSError as e:
            return FileReport(target.display, None, error=f"cannot write the fixed draft: {e.strerror or e}"), 0
    return report, applied


def _write_back(path: Path, text: str) -> None:
    """Replace a draft's text atomically, keeping its byte-order mark and mode
    (through a symbolic link: the link stays, its target is rewritten)."""
    path = Path(os.path.realpath(path))
    with open(path, "rb") as fh:
        bom = fh.read(3) == b"\xef\xbb\xbf"
    data = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    tmp = path.with_name(f".{path.name}.copydesk-fix")
    with open(tmp, "wb") as fh:
        fh.write(data)
    try:
        os.chmod(tmp, stat.S_IMODE(path.stat().st_mode))
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise


# ------------------------------------------------------------ many drafts


def default_jobs() -> int:
    """Every core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


# A forked worker finds its state here (inherited from the parent, never
# pickled): the targets, the configs with their engines, what to do with a
# report before it is sent back.
_POOL_STATE: tuple | None = None
# Fewer drafts than this are linted in the parent: forking costs more.
PARALLEL_MIN_TARGETS = 4


def lint_targets(targets: list[Target], configs: ConfigCache, max_bytes: int = DEFAULT_MAX_BYTES,
                 jobs: int = 1, finish: Callable[[FileReport], FileReport] | None = None) -> Iterator[FileReport]:
    """The report of every target, in the order of ``targets``, each passed
    through ``finish`` (which should drop what the formats do not need:
    with ``jobs`` > 1 reports come back from worker processes).

    ``jobs`` > 1 lints in that many forked worker processes (one engine each,
    inherited from the parent, so rule errors were already reported once);
    the output is the same as with ``jobs=1``, in the same order.  Workers
    die with the parent.  If a worker dies, the drafts it had not returned
    are linted again in the parent.
    """
    finish = finish or (lambda fr: fr)
    if jobs <= 1 or len(targets) < PARALLEL_MIN_TARGETS or not _can_fork():
        for t in targets:
            yield finish(lint_target(t, configs, max_bytes))
        return
    yield from _lint_parallel(targets, configs, max_bytes, min(jobs, len(targets)), finish)


def _can_fork() -> bool:
    import multiprocessing

    return "fork" in multiprocessing.get_all_start_methods()


def _lint_parallel(targets, configs, max_bytes, jobs, finish) -> Iterator[FileReport]:
    import gc
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    global _POOL_STATE
    for engine in configs.engines:
        engine.prepare()  # e.g. bring the corpus index up to date once, here, not in every worker
    _POOL_STATE = (targets, configs, max_bytes, finish)
    # Objects alive now are shared with the workers copy-on-write; frozen,
    # the collector never touches (so never copies) their pages.
    gc.collect()
    gc.freeze()
    done = 0
    chunk = max(1, min(16, len(targets) // (jobs * 8)))
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork"),
                                 initializer=_worker_start, initargs=(os.getpid(),)) as pool:
            try:
                for fr in pool.map(_worker_lint, range(len(targets)), chunksize=chunk):
                    done += 1
                    yield fr
            except BrokenProcessPool:
                pass  # a worker died (killed, out of memory): the parent finishes the job
            except BaseException:
                # Interrupted, or the consumer stopped early: do not wait for the queue to drain.
                pool.shutdown(wait=False, cancel_futures=True)
                _kill_workers(pool)
                raise
    finally:
        _POOL_STATE = None
        gc.unfreeze()
    for t in targets[done:]:
        yield finish(lint_target(t, configs, max_bytes))


def _kill_workers(pool) -> None:
    for p in list(getattr(pool, "_processes", {}).values()):
        try:
            p.kill()
        except Exception:
            pass


def _worker_start(parent: int) -> None:
    import signal

    # Ctrl-C is the parent's to handle; the parent ends the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent(parent)  # exits at once if the parent already died
    _targets, configs, _max, _finish = _POOL_STATE
    for engine in configs.engines:
        engine.after_fork()


def _worker_lint(i: int) -> FileReport:
    targets, configs, max_bytes, finish = _POOL_STATE
    return finish(lint_target(targets[i], configs, max_bytes))
