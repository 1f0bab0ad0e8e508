"""What every corpus index backend offers (SQLite on the reporter's machine,
PostgreSQL for a newsroom's shared archive).

The figures check, ``copydesk corpus`` and the language server use only
these methods, so a backend is chosen by the config (``corpus_db``) and
nothing else changes.
"""
from __future__ import annotations

import abc
from typing import Iterable


class CorpusUnavailable(RuntimeError):
    """The index cannot be used right now (a database server down or
    unreachable, a schema from another copydesk version, a missing driver).
    The message is one line meant for the user."""


class CorpusBackend(abc.ABC):
    """A corpus index.  ``sources`` are the corpus folders, files and globs
    (for display and, for an indexer, what to read); ``warnings`` collects
    one-line notes for the user; ``version`` changes whenever the indexed
    content changes (cached results are keyed by it)."""

    sources: list[str]
    warnings: list[str]

    @property
    @abc.abstractmethod
    def version(self) -> str: ...

    @abc.abstractmethod
    def ensure(self) -> None:
        """Make the index usable before a look-up (the SQLite backend indexes
        on first use; a shared server is only checked)."""

    @abc.abstractmethod
    def refresh(self, progress=None) -> dict:
        """Sync the index with the files: counts of added, changed, removed
        and unchanged files."""

    @abc.abstractmethod
    def figures_in_context(self, group: str, terms: Iterable[str], min_shared: int = 2,
                           fetch: int = 100, probes: int = 3) -> list[tuple[int, frozenset]]:
        """(figure id, context terms) of candidate figures of a noun group."""

    @abc.abstractmethod
    def figures(self, ids: list[int]) -> list:
        """Full ``CorpusFigure`` records of some figures, in the order given."""

    @abc.abstractmethod
    def search(self, query: str, limit: int = 20) -> list:
        """``SearchHit``s: sentences containing every word of the query, best first."""

    @abc.abstractmethod
    def stats(self) -> dict:
        """files, sentences, figures, groups, index location …"""

    @abc.abstractmethod
    def close(self) -> None: ...
