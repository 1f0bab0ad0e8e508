"""The first minute in the editor: a work-done progress ($/progress) from
initialization until the first engine is built and its reference corpus
indexed, so a client shows "copydesk: starting…" and how far the first
indexing is instead of nothing.  Only when the client accepts server-initiated
progress (window.workDoneProgress)."""
from __future__ import annotations

import asyncio
import logging

from lsprotocol import types

log = logging.getLogger(__name__)

TOKEN = "copydesk-start"
GIVE_UP_SECONDS = 300  # no draft opened: the progress does not stay forever


class StartupProgress:
    def __init__(self, server) -> None:
        self.server = server
        self.open = False
        self.ready = False  # the first engine is built (with or without a progress shown)

    async def begin(self) -> None:
        window = getattr(self.server.client_capabilities, "window", None)
        if not getattr(window, "work_done_progress", False):
            return
        try:
            await asyncio.wait_for(self.server.work_done_progress.create_async(TOKEN), timeout=5)
            if self.ready:
                # A client that opens its draft at once (Neovim) had it linted
                # while this request was out: no "starting…" after the fact.
                return
            self.server.work_done_progress.begin(TOKEN, types.WorkDoneProgressBegin(
                title="copydesk", message="starting…", cancellable=False))
        except Exception as e:  # a client that refuses: no progress, nothing else changes
            log.info("no startup progress: %s", e)
            return
        self.open = True
        asyncio.get_running_loop().call_later(GIVE_UP_SECONDS, self.end)

    def report(self, message: str, percentage: int | None = None) -> None:
        if self.open:
            try:
                self.server.work_done_progress.report(TOKEN, types.WorkDoneProgressReport(
                    message=message, percentage=percentage))
            except Exception:
                log.exception("progress report failed")

    def end(self, message: str = "ready") -> None:
        if self.open:
            self.open = False
            try:
                self.server.work_done_progress.end(TOKEN, types.WorkDoneProgressEnd(message=message))
            except Exception:
                log.exception("progress end failed")

    def first_engine(self, build):
        """Run the first engine build under the progress, and index its corpus
        now (it would be at the first lint anyway) with the count of files."""
        if not self.open:
            engine = build()
            self.ready = True
            return engine
        self.report("loading the rules")
        engine = build()
        corpus = getattr(engine, "corpus", None)
        refresh = getattr(corpus, "refresh", None)
        if refresh is not None:
            self.report("indexing the reference corpus", 0)

            def step(done: int, total: int) -> None:
                self.report(f"indexing the reference corpus ({done}/{total} files)",
                            int(100 * done / total) if total else None)

            try:
                refresh(progress=step)
            except Exception as e:  # the check reports corpus problems itself
                log.info("first corpus index failed: %s", e)
        self.ready = True
        self.end()
        return engine
