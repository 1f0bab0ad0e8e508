"""The reference corpus: trusted articles the draft's figures are checked
against, indexed in a persisted SQLite database (``index.py``) or in a
newsroom's shared PostgreSQL database (``postgres.py``), both behind
``CorpusBackend`` (``backend.py``)."""
from __future__ import annotations

from ..resources import default_corpus_dir
from .backend import CorpusBackend, CorpusUnavailable
from .index import CorpusFigure, CorpusIndex, SearchHit, cache_dir, has_fts5

Corpus = CorpusIndex


def corpus_sources(config) -> list[str]:
    """The corpus folders, files and globs a config names (the bundled seeds
    by default), resolved against the config file's folder."""
    paths = config.corpus_paths if config is not None else None
    return [str(default_corpus_dir())] if paths is None else list(paths)


def open_corpus(config, lexicons: dict) -> CorpusBackend:
    """The corpus index for a config: the shared PostgreSQL index when
    ``corpus_db`` names one, else SQLite in the cache folder (nothing is
    read and no connection is made until first use)."""
    url = getattr(config, "corpus_db", None) if config is not None else None
    if url:
        from .postgres import PostgresCorpusIndex

        return PostgresCorpusIndex(url, corpus_sources(config), lexicons,
                                   password_env=config.corpus_db_password_env, timeout=config.corpus_db_timeout)
    cache = getattr(config, "cache_path", None) if config is not None else None
    return CorpusIndex(corpus_sources(config), lexicons, cache=cache)


__all__ = ["Corpus", "CorpusBackend", "CorpusFigure", "CorpusIndex", "CorpusUnavailable", "SearchHit", "cache_dir", "corpus_sources", "has_fts5",
           "open_corpus"]
