"""The reference corpus: trusted articles the draft's figures are checked
against, indexed in a persisted SQLite database (see ``index.py``)."""
from __future__ import annotations

from ..resources import default_corpus_dir
from .index import CorpusFigure, CorpusIndex, SearchHit, cache_dir, has_fts5

Corpus = CorpusIndex


def corpus_sources(config) -> list[str]:
    """The corpus folders, files and globs a config names (the bundled seeds
    by default), resolved against the config file's folder."""
    paths = config.corpus_paths if config is not None else None
    return [str(default_corpus_dir())] if paths is None else list(paths)


def open_corpus(config, lexicons: dict) -> CorpusIndex:
    """The corpus index for a config (nothing is read until first use)."""
    cache = getattr(config, "cache_path", None) if config is not None else None
    return CorpusIndex(corpus_sources(config), lexicons, cache=cache)


__all__ = ["Corpus", "CorpusFigure", "CorpusIndex", "SearchHit", "cache_dir", "corpus_sources", "has_fts5",
           "open_corpus"]
