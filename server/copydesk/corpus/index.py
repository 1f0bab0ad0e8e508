"""The persisted corpus index (SQLite from the standard library).

One database per (corpus sources, figure language) in the cache folder.
Files are keyed by content hash: ``refresh()`` stats every file, hashes only
those whose size or mtime changed, and re-reads only those whose hash
changed; deleted files are dropped.  Tables:

- ``files``: path -> size, mtime, sha1, doc id
- ``docs``: an article: path, front matter, its ranges of sentence and figure ids, its date
  (ISO day, or empty) and the names of its title and lead (the event's own scope)
- ``sents``: every sentence (FTS5 full-text table when this SQLite has it)
- ``figures``: every figure with its noun group, value range, context terms and scope (its
  clause's names and places, years, part / increment / past flags: ``Scope.encode``)
- ``fig_terms``: (group, term) -> figure postings, to find figures in context
- ``term_stats``: postings length per (group, term), to probe the rarest first
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sqlite3
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from . import ingest
from .backend import CorpusBackend
from .ingest import FILE_DATE, article_day  # noqa: F401  (re-exported)
from ..cachedir import cache_dir  # noqa: F401  (re-exported: corpus.cache_dir)
from ..lang.figures import Extractor, FigureLanguage, Scope
from .sources import discover

log = logging.getLogger("copydesk.corpus")

SCHEMA_VERSION = 4
# The full-text tokenizer: the PostgreSQL backend tokenizes with this same
# FTS5 tokenizer so its search matches and ranks exactly like this one.
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"


def has_fts5() -> bool:
    try:
        con = sqlite3.connect(":memory:")
        con.execute("CREATE VIRTUAL TABLE t USING fts5(x)")
        con.close()
        return True
    except sqlite3.Error:
        return False


@dataclass
class CorpusFigure:
    id: int
    path: str
    line: int
    column: int
    end_column: int
    group: str
    noun: str
    phrase: str
    text: str
    kind: str
    value: float
    low: float
    high: float
    unit_factor: float
    terms: frozenset
    sentence: str = ""
    meta: dict = field(default_factory=dict)
    scope: Scope = field(default_factory=Scope)
    date: str = ""  # the article's date, ISO day, or ""
    doc_names: frozenset = frozenset()  # names of the article's title and lead


@dataclass
class FigureEvent:
    """What tells a corpus figure's event apart, without its text: read for
    every candidate, before the full records of the few that remain."""

    id: int
    scope: Scope
    date: str
    doc_names: frozenset


@dataclass
class SearchHit:
    path: str
    line: int
    column: int
    text: str
    score: float
    meta: dict = field(default_factory=dict)


# SQLite result codes of a damaged file (the low byte of extended codes).
_SQLITE_CORRUPT, _SQLITE_NOTADB = 11, 26
# quick_check reads every page: on open only while that is fast.
QUICK_CHECK_MAX_BYTES = 64 * 1024 * 1024


def _is_damage(e: sqlite3.DatabaseError) -> bool:
    code = getattr(e, "sqlite_errorcode", None)
    if code is not None and code & 0xFF in (_SQLITE_CORRUPT, _SQLITE_NOTADB):
        return True
    text = str(e)
    return "malformed" in text or "not a database" in text or "integrity check failed" in text


def _cheap_to_check(path: str) -> bool:
    try:
        return os.path.getsize(path) <= QUICK_CHECK_MAX_BYTES
    except OSError:
        return False


class CorpusIndex(CorpusBackend):
    """Open (or create) the index for some sources; ``refresh()`` syncs it."""

    def __init__(self, sources: list[str], lexicons: dict, cache: str | Path | None = None,
                 jobs: int | None = None, in_memory: bool = False):
        self.sources = [os.path.abspath(s) if not any(c in s for c in "*?[") else s for s in sources]
        self.lexicons = {k: v for k, v in lexicons.items() if k.startswith("figure")}
        self.language = FigureLanguage(self.lexicons)
        self.extractor = Extractor(self.language)
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.fts = has_fts5()
        self.warnings: list[str] = []
        self._lock = threading.RLock()
        key = hashlib.sha1(json.dumps([SCHEMA_VERSION, sorted(self.sources), self.language.fingerprint,
                                       self.fts]).encode()).hexdigest()[:16]
        self.path: str = ":memory:"
        if not in_memory:
            folder = cache_dir(str(cache) if cache else None)
            try:
                folder.mkdir(parents=True, exist_ok=True)
                probe = tempfile.NamedTemporaryFile(dir=folder, prefix=".probe", delete=True)
                probe.close()
                self.path = str(folder / f"corpus-{key}.sqlite")
            except OSError as e:
                self.warn(f"cache folder {folder} is not writable ({e.strerror or e}); "
                          "keeping the corpus index in memory")
        self._version, self._refreshed = "0", False
        self.con = self._connect()
        self._version = self._recovering(lambda: self._meta("version", "0"))

    def after_fork(self) -> None:
        """In a forked process (``copydesk check --jobs``): a read-only
        connection of its own.  SQLite connections must not be used across a
        fork; the inherited one is kept (never used, never closed here, so
        nothing of the parent's is touched)."""
        self._lock = threading.RLock()
        if self.path == ":memory:":
            return  # a private copy of the parent's memory: nothing shared
        self._inherited = [*getattr(self, "_inherited", []), self.con]
        try:
            con = sqlite3.connect(Path(self.path).as_uri() + "?mode=ro", uri=True, check_same_thread=False,
                                  timeout=30)
            con.execute("PRAGMA temp_store=MEMORY")
            con.execute("PRAGMA cache_size=-65536")
            self.con = con
        except sqlite3.Error:
            self.con = self._connect()
        self._refreshed = True  # the parent brought it up to date before forking

    def warn(self, message: str) -> None:
        if message not in self.warnings:  # once per message (a refresh may meet the same file again)
            self.warnings.append(message)
            log.warning(message)

    # ------------------------------------------------------------- storage

    def _connect(self) -> sqlite3.Connection:
        try:
            con = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._setup(con)
            if self.path != ":memory:" and _cheap_to_check(self.path):
                row = con.execute("PRAGMA quick_check").fetchone()
                if row is None or row[0] != "ok":
                    con.close()
                    raise sqlite3.DatabaseError(f"integrity check failed: {row[0] if row else 'no answer'}")
            return con
        except sqlite3.DatabaseError as e:
            if self.path != ":memory:" and _is_damage(e):
                try:
                    return self._rebuild(e)
                except (OSError, sqlite3.Error) as e2:
                    self.warn(f"cannot rebuild {self.path} ({e2}); keeping the index in memory")
            elif self.path != ":memory:":
                self.warn(f"corpus index {self.path} unusable ({e}); keeping the index in memory")
            self.path = ":memory:"
            con = sqlite3.connect(":memory:", check_same_thread=False)
            self._setup(con)
            return con

    def _rebuild(self, error: Exception) -> sqlite3.Connection:
        """Move a damaged index aside (kept for a bug report, never reused)
        and start a new one; the caller re-indexes."""
        aside = f"{self.path}.damaged-{int(time.time())}"
        os.replace(self.path, aside)
        for suffix in ("-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.replace(self.path + suffix, aside + suffix)
        self.warn(f"corpus index {self.path} is damaged ({error}); moved it to {aside} and rebuilding it")
        con = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
        self._setup(con)
        self._version, self._refreshed = "0", False
        return con

    def _recovering(self, action):
        """Run a read or an indexing step; on a damaged database (found only
        when a damaged page is touched), rebuild once and run it again."""
        try:
            return action()
        except sqlite3.DatabaseError as e:
            if not _is_damage(e) or self.path == ":memory:":
                raise
            with contextlib.suppress(sqlite3.Error):
                self.con.close()
            self.con = self._rebuild(e)
            # Unguarded: a second failure on a fresh file is no damage to recover from.
            self._refresh()
            return action()

    def _setup(self, con: sqlite3.Connection) -> None:
        if self.path != ":memory:":
            con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=NORMAL")
        con.execute("PRAGMA temp_store=MEMORY")
        con.execute("PRAGMA cache_size=-65536")  # 64 MiB page cache
        sents = ("CREATE VIRTUAL TABLE IF NOT EXISTS sents USING fts5(text, doc UNINDEXED, line UNINDEXED, "
                 f"col UNINDEXED, tokenize='{FTS_TOKENIZE}')" if self.fts else
                 "CREATE TABLE IF NOT EXISTS sents(text TEXT, doc INT, line INT, col INT)")
        con.executescript(f"""
            CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
            CREATE TABLE IF NOT EXISTS files(path TEXT PRIMARY KEY, size INT, mtime_ns INT, sha TEXT, doc INT);
            CREATE TABLE IF NOT EXISTS docs(id INTEGER PRIMARY KEY, path TEXT, sha TEXT, meta TEXT,
                sent_lo INT, sent_hi INT, fig_lo INT, fig_hi INT, date TEXT, names TEXT);
            {sents};
            CREATE TABLE IF NOT EXISTS figures(id INTEGER PRIMARY KEY, doc INT, sent INT, line INT, col INT,
                end_col INT, grp TEXT, noun TEXT, phrase TEXT, text TEXT, kind TEXT, value REAL, low REAL,
                high REAL, factor REAL, terms TEXT, scope TEXT);
            CREATE TABLE IF NOT EXISTS fig_terms(grp TEXT, term TEXT, fig INT, PRIMARY KEY(grp, term, fig))
                WITHOUT ROWID;
            CREATE TABLE IF NOT EXISTS term_stats(grp TEXT, term TEXT, n INT, PRIMARY KEY(grp, term))
                WITHOUT ROWID;
        """)
        con.execute("INSERT OR IGNORE INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        con.commit()

    def _meta(self, key: str, default: str) -> str:
        row = self.con.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else default

    @property
    def version(self) -> str:
        """Changes whenever the indexed content changes."""
        return f"{self.path}#{self._version}"

    # ------------------------------------------------------------- refresh

    def ensure(self) -> None:
        """Index on first use (later syncs are explicit: ``refresh()``)."""
        if not self._refreshed:
            self.refresh()

    def refresh(self, progress=None) -> dict:
        """Sync the index with the files: returns counts of added, changed,
        removed and unchanged files."""
        return self._recovering(lambda: self._refresh(progress=progress))

    def _refresh(self, progress=None) -> dict:
        """Sync the index with the files: returns counts of added, changed,
        removed and unchanged files."""
        with self._lock, self._writer_lock():
            self._refreshed = True
            # Another process (the language server, a CLI run) may have
            # indexed since we opened the database.
            self._version = self._meta("version", "0")
            files = discover(self.sources)
            for src in self.sources:
                if not any(c in src for c in "*?[") and not os.path.exists(src):
                    self.warn(f"corpus source {src} does not exist")
            known = {row[0]: row[1:] for row in self.con.execute("SELECT path, size, mtime_ns, sha, doc FROM files")}
            plan = ingest.plan(files, known, key=lambda path: path, warn=self.warn)
            counts, todo, touched, gone = plan.counts, plan.todo, plan.touched, plan.gone
            if touched:
                self.con.executemany("UPDATE files SET size=?, mtime_ns=? WHERE path=?", touched)
                self.con.commit()
            if not todo and not gone:
                return counts
            with self.con:
                for path in gone + [p for p, _, _ in todo if p in known]:
                    self._delete_doc(known[path][3])
                    self.con.execute("DELETE FROM files WHERE path=?", (path,))
            self._index(todo, progress)
            self._version = str(int(self._version) + 1)
            with self.con:
                self.con.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (self._version,))
            return counts

    @contextlib.contextmanager
    def _writer_lock(self):
        """One process at a time brings a given index up to date."""
        if self.path == ":memory:":
            yield
            return
        try:
            import fcntl
        except ImportError:  # Windows: SQLite's own locking only
            yield
            return
        with open(self.path + ".lock", "a+") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def _delete_doc(self, doc: int | None) -> None:
        if doc is None:
            return
        row = self.con.execute("SELECT sent_lo, sent_hi, fig_lo, fig_hi FROM docs WHERE id=?", (doc,)).fetchone()
        if row is None:
            return
        slo, shi, flo, fhi = row
        postings = []
        for fid, grp, terms in self.con.execute("SELECT id, grp, terms FROM figures WHERE id BETWEEN ? AND ?",
                                                (flo, fhi)):
            postings.extend((grp, t, fid) for t in terms.split())
        self.con.executemany("DELETE FROM fig_terms WHERE grp=? AND term=? AND fig=?", postings)
        self.con.executemany("UPDATE term_stats SET n=n-1 WHERE grp=? AND term=?", [(g, t) for g, t, _ in postings])
        self.con.execute("DELETE FROM figures WHERE id BETWEEN ? AND ?", (flo, fhi))
        self.con.execute("DELETE FROM sents WHERE rowid BETWEEN ? AND ?", (slo, shi))
        self.con.execute("DELETE FROM docs WHERE id=?", (doc,))

    def _index(self, todo: list[tuple[str, int, int]], progress=None) -> None:
        con = self.con
        next_ids = tuple((con.execute(q).fetchone()[0] or 0) + 1 for q in (
            "SELECT max(id) FROM docs", "SELECT max(rowid) FROM sents", "SELECT max(id) FROM figures"))

        def store(batch: list[ingest.ParsedDoc]) -> None:
            nonlocal next_ids
            rows = ingest.rows(batch, next_ids, key=lambda path: path)
            next_ids = rows.next_ids
            with con:
                con.executemany("INSERT INTO docs VALUES (?,?,?,?,?,?,?,?,?,?)", rows.docs)
                con.executemany("INSERT INTO sents(rowid, doc, line, col, text) VALUES (?,?,?,?,?)", rows.sents)
                con.executemany("INSERT INTO figures VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows.figures)
                con.executemany("INSERT OR IGNORE INTO fig_terms VALUES (?,?,?)", rows.postings)
                con.executemany(
                    "INSERT INTO term_stats VALUES (?,?,?) ON CONFLICT(grp, term) DO UPDATE SET n=n+excluded.n",
                    rows.term_counts)
                con.executemany("INSERT OR REPLACE INTO files VALUES (?,?,?,?,?)", rows.files)

        ingest.in_batches(ingest.parsed(todo, self.jobs, self.lexicons, self.extractor), store, self.warn,
                          progress, len(todo))

    # ------------------------------------------------------------- queries

    def figures_in_context(self, group: str, terms: Iterable[str], min_shared: int = 2,
                           fetch: int = 100, probes: int = 5) -> list[tuple[int, frozenset]]:
        return self._recovering(lambda: self._figures_in_context(group, terms, min_shared, fetch, probes))

    def _figures_in_context(self, group: str, terms: Iterable[str], min_shared: int = 2,
                           fetch: int = 100, probes: int = 5) -> list[tuple[int, frozenset]]:
        """(figure id, context terms) of corpus figures of a noun group that
        may share at least min_shared of the terms.  Reads the postings of
        the rarest terms only (a figure sharing min_shared of k terms holds
        one of the k-min_shared+1 rarest), newest first, at most ``fetch``
        per term, so a look-up costs the same in a huge corpus."""
        self.ensure()
        terms = list(dict.fromkeys(terms))
        if len(terms) < min_shared:
            return []
        with self._lock:
            q = ",".join("?" * len(terms))
            df = self.con.execute(f"SELECT term, n FROM term_stats WHERE grp=? AND term IN ({q}) AND n>0",
                                  [group, *terms]).fetchall()
            if len(df) < min_shared:
                return []
            df.sort(key=lambda r: (r[1], r[0]))
            # The rarest terms, and those as rare as the last of them (up to
            # twice as many probes): which of equally rare terms a figure
            # shares is no reason to miss it.
            k = max(1, min(probes, len(df) - min_shared + 1))
            cut = df[k - 1][1]
            ids: set[int] = set()
            for t, _ in [r for i, r in enumerate(df) if i < k or (i < 2 * probes and r[1] == cut)]:
                ids.update(r[0] for r in self.con.execute(
                    "SELECT fig FROM fig_terms WHERE grp=? AND term=? ORDER BY fig DESC LIMIT ?", (group, t, fetch)))
            if not ids:
                return []
            rows = self.con.execute(f"SELECT id, terms FROM figures WHERE id IN ({','.join(map(str, ids))})")
            return [(fid, frozenset(ts.split())) for fid, ts in rows]

    def figure_events(self, ids: list[int]) -> list[FigureEvent]:
        return self._recovering(lambda: self._figure_events(ids))

    def _figure_events(self, ids: list[int]) -> list[FigureEvent]:
        """Scope, article date and lead names of some figures, in the order
        given."""
        if not ids:
            return []
        with self._lock:
            rows = self.con.execute(
                f"SELECT f.id, f.scope, d.date, d.names FROM figures f JOIN docs d ON d.id = f.doc "
                f"WHERE f.id IN ({','.join(map(str, ids))})").fetchall()
        by_id = {r[0]: FigureEvent(r[0], Scope.decode(r[1]), r[2] or "", frozenset((r[3] or "").split()))
                 for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def figures(self, ids: list[int]) -> list[CorpusFigure]:
        return self._recovering(lambda: self._figures(ids=ids))

    def _figures(self, ids: list[int]) -> list[CorpusFigure]:
        """Full records (with sentence and front matter) of some figures, in
        the order given."""
        if not ids:
            return []
        with self._lock:
            rows = self.con.execute(
                f"SELECT f.id, d.path, f.line, f.col, f.end_col, f.grp, f.noun, f.phrase, f.text, f.kind, f.value, "
                f"f.low, f.high, f.factor, f.terms, s.text, d.meta, f.scope, d.date, d.names FROM figures f "
                f"JOIN docs d ON d.id = f.doc JOIN sents s ON s.rowid = f.sent "
                f"WHERE f.id IN ({','.join(map(str, ids))})").fetchall()
        by_id = {r[0]: CorpusFigure(*r[:14], frozenset(r[14].split()), r[15], json.loads(r[16]) if r[16] else {},
                                    Scope.decode(r[17]), r[18] or "", frozenset((r[19] or "").split()))
                 for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        return self._recovering(lambda: self._search(query=query, limit=limit))

    def _search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Sentences matching every word of the query, best first (FTS5
        bm25 ranking; a word-overlap ranking without FTS5)."""
        self.ensure()
        words = [w for w in _query_words(query)]
        if not words:
            return []
        with self._lock:
            if self.fts:
                match = " ".join('"' + w.replace('"', '""') + '"' for w in words)
                rows = self.con.execute(
                    "SELECT s.text, d.path, s.line, s.col, bm25(sents) AS r, d.meta FROM sents s "
                    "JOIN docs d ON d.id = s.doc WHERE sents MATCH ? ORDER BY r, d.path, s.line, s.col LIMIT ?",
                    (match, limit)).fetchall()
                return [SearchHit(r[1], r[2], r[3], r[0], -r[4], json.loads(r[5]) if r[5] else {}) for r in rows]
            cond = " AND ".join("lower(s.text) LIKE ?" for _ in words)
            rows = self.con.execute(
                f"SELECT s.text, d.path, s.line, s.col, d.meta FROM sents s JOIN docs d ON d.id = s.doc "
                f"WHERE {cond} LIMIT ?", [f"%{w.lower()}%" for w in words] + [limit * 5]).fetchall()
            hits = []
            for text, path, line, col, meta in rows:
                low = text.lower()
                score = sum(low.count(w.lower()) for w in words) / (1 + len(text) / 200)
                hits.append(SearchHit(path, line, col, text, score, json.loads(meta) if meta else {}))
            hits.sort(key=lambda h: -h.score)
            return hits[:limit]

    def stats(self) -> dict:
        return self._recovering(lambda: self._stats())

    def _stats(self) -> dict:
        self.ensure()
        with self._lock:
            c = self.con
            out = {
                "index": self.path,
                "sources": self.sources,
                "files": c.execute("SELECT count(*) FROM files").fetchone()[0],
                "sentences": c.execute("SELECT count(*) FROM sents").fetchone()[0],
                "figures": c.execute("SELECT count(*) FROM figures").fetchone()[0],
                "full_text_search": "fts5" if self.fts else "fallback",
                "version": int(self._version),
            }
            out["groups"] = dict(c.execute(
                "SELECT grp, count(*) FROM figures GROUP BY grp ORDER BY count(*) DESC LIMIT 12").fetchall())
        if self.path != ":memory:":
            try:
                out["bytes"] = sum(os.path.getsize(self.path + s) for s in ("", "-wal") if os.path.exists(self.path + s))
            except OSError:
                pass
        return out

    def close(self) -> None:
        try:
            self.con.close()
        except sqlite3.Error:
            pass


def _query_words(query: str) -> list[str]:
    import re

    return re.findall(r"[^\W_]+(?:['’][^\W_]+)?", query)
