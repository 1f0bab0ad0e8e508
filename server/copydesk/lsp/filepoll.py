"""File watching for clients that cannot watch files for the server (no
``workspace/didChangeWatchedFiles`` dynamic registration: Neovim 0.7, some
other editors): the server polls the modification times of the files it uses
itself and reloads when one changes.

What is polled: the rule files of every engine (and the folders they came
from, so a new pack is seen), the config files that apply to the open
documents (and where one could appear), the corpus folders and up to
``MAX_FILES`` corpus files.  One ``os.stat`` each, every ``interval`` seconds,
in a daemon thread: the cost is bounded whatever the corpus size (beyond the
cap, a folder's own mtime still shows files added, removed or renamed).  A
change found is one reload on the server's event loop, and one log line.
"""
from __future__ import annotations

import asyncio
import logging
import os
import threading
from pathlib import Path
from typing import Callable

from ..config import CONFIG_NAMES
from ..resources import default_corpus_dir, default_rules_dir

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 2.0  # seconds
MAX_FILES = 5000  # files stat'ed per poll, corpus included


def _stamp(path: str):
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


class FilePoller:
    """Polls the files ``paths()`` names; ``changed(paths, config_changed)``
    runs on ``loop`` when some changed."""

    def __init__(self, paths: Callable[[], list[str]], changed: Callable[[list[str], bool], None],
                 loop: asyncio.AbstractEventLoop, interval: float = DEFAULT_INTERVAL,
                 ready: Callable[[int], None] | None = None) -> None:
        self._paths = paths
        self._changed = changed
        self._ready = ready  # called on ``loop`` with the count once the first baseline is taken
        self._loop = loop
        self.interval = interval
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._relisted = False  # under _lock, with the list it announces
        self._watched: list[str] = []
        self._baseline: dict[str, object] = {}  # the listed files' stamps as refresh() found them
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self.refresh()
        self._thread = threading.Thread(target=self._run, name="copydesk-filepoll", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def refresh(self) -> None:
        """The set of files in use changed (a new engine): list them again.
        Called on the event loop, which owns the engines."""
        try:
            paths = list(dict.fromkeys(self._paths()))[:MAX_FILES]
        except Exception:  # never take the server down for watching
            log.exception("listing the files to poll failed")
            return
        # Files new to the list are stamped now, on the loop, as the engine that
        # reads them is installed: stamped later by the thread (up to an
        # interval later), an edit made meanwhile would become the baseline and
        # never be seen.
        with self._lock:
            known = self._baseline
        baseline = {p: known[p] if p in known else _stamp(p) for p in paths}
        with self._lock:  # the list and its flag together: the thread never sees one without the other
            self._watched = paths
            self._baseline = baseline
            self._relisted = True

    def _run(self) -> None:
        snapshot: dict[str, object] = {}
        while not self._stop.is_set():
            with self._lock:
                paths = self._watched
                baseline = self._baseline
                relisted, self._relisted = self._relisted, False
            if relisted:
                # New list: a file first seen has not "changed" since refresh()
                # stamped it; keep stamps of files already known so an edit
                # racing the refresh is not lost.
                snapshot = {p: snapshot[p] if p in snapshot else baseline[p] if p in baseline else _stamp(p)
                            for p in paths}
                if self._ready is not None:  # from now on a change is seen
                    self._loop.call_soon_threadsafe(self._ready, len(paths))
                    self._ready = None
            else:
                changed = []
                for p in paths:
                    now = _stamp(p)
                    if (snapshot[p] if p in snapshot else baseline.get(p, now)) != now:
                        changed.append(p)
                    snapshot[p] = now
                if changed:
                    config = any(Path(p).name in CONFIG_NAMES for p in changed)
                    self._loop.call_soon_threadsafe(self._changed, changed, config)
            self._stop.wait(self.interval)


def files_in_use(server) -> list[str]:
    """What the server's engines read: rule files and folders, config files
    (and the places one could be created), corpus folders and files."""
    from ..corpus.sources import discover

    out: list[str] = []
    folders: set[str] = {str(default_rules_dir())}
    corpus_specs: list[str] = []
    for engine in list(server.pool.engines.values()):
        cfg = engine.config
        out.extend(getattr(engine.ruleset, "sources", []))
        for p in cfg.rule_paths:
            folders.add(p if Path(p).is_dir() else str(Path(p).parent))
            out.append(p)
        corpus_specs.extend(cfg.corpus_paths if cfg.corpus is not None else [str(default_corpus_dir())])
        if cfg.path:
            out.append(cfg.path)
    # Config files: the folders of the open documents up to the one found.
    for uri in list(server.workspace.text_documents):
        if not uri.startswith("file:"):
            continue
        here = Path(server.workspace.get_text_document(uri).path).parent
        for folder in (here, *here.parents):
            out.extend(str(folder / name) for name in CONFIG_NAMES)
            if any((folder / name).is_file() for name in CONFIG_NAMES[:2]):
                break
    corpus_specs = list(dict.fromkeys(corpus_specs))
    for spec in corpus_specs:
        if Path(spec).is_dir():
            folders.update(str(Path(f)) for f, _d, _n in _walk_dirs(spec))
    out.extend(sorted(folders))
    room = MAX_FILES - len(out)
    if room > 0 and corpus_specs:
        out.extend(discover(corpus_specs)[:room])
    return out


def _walk_dirs(root: str, limit: int = 500):
    """The folders under a corpus folder (their mtimes show added and
    removed files), at most ``limit``."""
    for n, entry in enumerate(os.walk(root, followlinks=False)):
        if n >= limit:
            return
        entry[1][:] = [d for d in entry[1] if not d.startswith(".")]
        yield entry


def start_polling(server) -> FilePoller | None:
    """Poll when the client cannot watch files for the server (initialization
    option ``pollInterval``: milliseconds, 0 to turn polling off)."""
    caps = server.client_capabilities
    watch = getattr(getattr(caps, "workspace", None), "did_change_watched_files", None)
    if watch is not None and getattr(watch, "dynamic_registration", False):
        return None
    try:
        seconds = float(server.init_settings.raw.get("pollInterval", DEFAULT_INTERVAL * 1000)) / 1000
    except (TypeError, ValueError):
        seconds = DEFAULT_INTERVAL
    if seconds <= 0:
        return None
    seconds = max(seconds, 0.05)

    def changed(paths: list[str], config: bool) -> None:
        names = ", ".join(Path(p).name for p in paths[:3]) + (" …" if len(paths) > 3 else "")
        server.log(f"copydesk: {len(paths)} file(s) changed ({names}); reloading rules, config and corpus")
        server.reload(config_changed=config)
        poller.refresh()

    def ready(count: int) -> None:
        server.log(f"copydesk: the client does not watch files; checking {count} files for changes "
                   f"every {seconds:g} s")

    poller = FilePoller(lambda: files_in_use(server), changed, asyncio.get_running_loop(), seconds, ready)
    poller.start()
    return poller
