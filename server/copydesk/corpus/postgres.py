"""The corpus index on a PostgreSQL server: one newsroom archive shared by
every reporter (psycopg 3; pooled connections for readers).

- Readers (``copydesk check``, the language server, ``corpus search`` and
  ``stats``) only SELECT, in read-only transactions bounded by a statement
  timeout: a role with USAGE on the schema and SELECT on its tables is
  enough.  They never index.  A server that is down or unreachable makes
  every call raise ``CorpusUnavailable`` (one line for the user) without
  waiting: the next attempt goes to the server after a back-off, so a
  long-running language server picks the corpus up again when it returns.
- The indexer (``copydesk corpus index``) is the ingest job: it holds an
  advisory lock (one indexer at a time), migrates the schema, and syncs the
  archive by content hash like the SQLite backend, one transaction per batch
  of files (an article's old rows go in the same transaction that adds its
  new ones), so readers always see whole articles and a killed run loses
  nothing and doubles nothing.
- Articles are keyed by their path relative to the archive root (the
  folder the corpus sources share) and a stable article id derived from it;
  a reader maps that path onto its own copy of the archive when it has one.
- Search: every sentence stores the tokens of the SQLite backend's FTS5
  tokenizer (computed while indexing); a GIN full-text index on them finds
  the sentences holding every query word on the server, ranked with FTS5's
  own bm25 formula, so results equal the SQLite backend's.

The whole schema is ``MIGRATIONS`` below: a new column is one more entry.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import math
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Iterable
from urllib.parse import urlsplit, urlunsplit

from . import ingest
from .backend import CorpusBackend, CorpusUnavailable
from ..lang.figures import Extractor, FigureLanguage, Scope
from .index import FTS_TOKENIZE, CorpusFigure, FigureEvent, SearchHit, _query_words
from .sources import discover

log = logging.getLogger("copydesk.corpus")

SCHEMA = "copydesk"
SCHEMA_VERSION = 2
# Advisory lock key: one indexer per database ("copydesk" in ASCII).
LOCK_KEY = 0x636F70796465736B
DEFAULT_TIMEOUT = 5.0

# version -> statements that bring the schema from version-1 to version.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        f"CREATE TABLE {SCHEMA}.files(path text PRIMARY KEY, size bigint, mtime_ns bigint, sha text, doc bigint)",
        f"""CREATE TABLE {SCHEMA}.docs(id bigint PRIMARY KEY, article text UNIQUE, path text, sha text,
            meta text, sent_lo bigint, sent_hi bigint, fig_lo bigint, fig_hi bigint)""",
        f"""CREATE TABLE {SCHEMA}.sents(id bigint PRIMARY KEY, doc bigint, line int, col int, text text,
            toks text[] NOT NULL)""",
        f"CREATE INDEX sents_fts ON {SCHEMA}.sents USING gin (array_to_tsvector(toks))",
        f"CREATE INDEX sents_doc ON {SCHEMA}.sents(doc)",
        f"""CREATE TABLE {SCHEMA}.figures(id bigint PRIMARY KEY, doc bigint, sent bigint, line int, col int,
            end_col int, grp text, noun text, phrase text, text text, kind text, value float8, low float8,
            high float8, factor float8, terms text)""",
        f"CREATE INDEX figures_doc ON {SCHEMA}.figures(doc)",
        f"""CREATE TABLE {SCHEMA}.fig_terms(grp text COLLATE "C", term text COLLATE "C", fig bigint,
            PRIMARY KEY(grp, term, fig))""",
        f"""CREATE TABLE {SCHEMA}.term_stats(grp text COLLATE "C", term text COLLATE "C", n bigint,
            PRIMARY KEY(grp, term))""",
        # Totals bm25 needs (rows, tokens), kept by the indexer in the same
        # transactions as the rows.
        f"INSERT INTO {SCHEMA}.meta VALUES ('sentences', '0'), ('tokens', '0'), ('version', '0')",
    ],
    # The figures check compares only the same event: each article's date and
    # lead names, each figure's scope (places, actors, anchors, part/increment).
    # Rows indexed before carry no date or scope.
    2: [
        f"ALTER TABLE {SCHEMA}.docs ADD COLUMN date text NOT NULL DEFAULT '', ADD COLUMN names text NOT NULL DEFAULT ''",
        f"ALTER TABLE {SCHEMA}.figures ADD COLUMN scope text NOT NULL DEFAULT ''",
        # Every article is re-read by the next index (see _refresh).
        f"DELETE FROM {SCHEMA}.meta WHERE key = 'language'",
    ],
}


def redact(url: str) -> str:
    """The URL without a password (for messages)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "the corpus database"
    if parts.password is None:
        return url
    host = parts.hostname or ""
    netloc = f"{parts.username}@{host}" if parts.username else host
    if parts.port:
        netloc += f":{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))


def _psycopg():
    try:
        import psycopg  # noqa: F401
        import psycopg_pool  # noqa: F401
    except ImportError:
        raise CorpusUnavailable(
            "corpus_db names a PostgreSQL server but psycopg is not installed: "
            "pip install 'copydesk[postgres]'") from None
    return psycopg


def _one_line(e: BaseException) -> str:
    text = " ".join(str(e).split())
    return text or type(e).__name__


def archive_root(sources: list[str]) -> str:
    """The folder every corpus source lives in (a folder source is its own
    root; a file's is its folder; a glob's is the part before the first
    wildcard)."""
    roots = []
    for s in sources:
        if any(c in s for c in "*?["):
            head = []
            for part in Path(s).parts:
                if any(c in part for c in "*?["):
                    break
                head.append(part)
            roots.append(os.path.abspath(os.path.join(*head)) if head else os.getcwd())
        elif os.path.isdir(s):
            roots.append(os.path.abspath(s))
        else:
            roots.append(os.path.dirname(os.path.abspath(s)))
    if not roots:
        return os.getcwd()
    return os.path.commonpath(roots)


def article_id(rel: str) -> str:
    """A stable id for an article: the same on every machine and across
    re-indexing (derived from its path in the archive)."""
    return hashlib.sha1(rel.encode("utf-8")).hexdigest()[:16]


class FTSTokenizer:
    """The SQLite backend's FTS5 tokenizer, run on an in-memory table: the
    tokens (lower-cased, diacritics folded, Porter-stemmed) of each text."""

    def __init__(self) -> None:
        # Not tied to its thread: the language server builds engines off its loop.
        self.con = sqlite3.connect(":memory:", check_same_thread=False)
        self.con.execute(f"CREATE VIRTUAL TABLE t USING fts5(x, tokenize='{FTS_TOKENIZE}')")
        self.con.execute("CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')")

    def tokens(self, texts: list[str]) -> list[list[str]]:
        con = self.con
        con.execute("DELETE FROM t")
        con.executemany("INSERT INTO t(rowid, x) VALUES (?, ?)", ((i + 1, t) for i, t in enumerate(texts)))
        out: list[list[tuple[int, str]]] = [[] for _ in texts]
        for term, doc, off in con.execute("SELECT term, doc, offset FROM v"):
            out[doc - 1].append((off, term))
        return [[t for _, t in sorted(toks)] for toks in out]


class PostgresCorpusIndex(CorpusBackend):
    """The corpus index in a PostgreSQL database (see the module doc)."""

    def __init__(self, url: str, sources: list[str], lexicons: dict, password_env: str | None = None,
                 timeout: float | None = None, jobs: int | None = None, pool_size: int = 4):
        self.url = url
        self.display = redact(url)
        self.sources = [os.path.abspath(s) if not any(c in s for c in "*?[") else s for s in sources]
        self.root = archive_root(self.sources)
        self.lexicons = {k: v for k, v in lexicons.items() if k.startswith("figure")}
        self.language = FigureLanguage(self.lexicons)
        self.extractor = Extractor(self.language)
        self.jobs = jobs if jobs is not None else (os.cpu_count() or 1)
        self.password_env = password_env
        self.timeout = float(timeout) if timeout else DEFAULT_TIMEOUT
        self.pool_size = pool_size
        self.warnings: list[str] = []
        self.path = self.display  # where the index lives, for messages
        self._lock = threading.RLock()
        self._recent = threading.local()  # this thread's last candidates' events (figure_events)
        self._pool = None
        self._down_until = 0.0
        self._down_error: str | None = None
        self._backoff = 0.0
        self._version = "0"
        self._checked_at = 0.0
        self._root_name = ""
        self._exists: dict[str, str | None] = {}

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)
            log.warning(message)

    # --------------------------------------------------------- connections

    def _kwargs(self, reader: bool) -> dict:
        kw: dict = {"connect_timeout": max(2, int(math.ceil(self.timeout))),
                    "application_name": "copydesk" if reader else "copydesk-indexer"}
        if self.password_env:
            pw = os.environ.get(self.password_env)
            if pw is None:
                raise CorpusUnavailable(f"corpus database {self.display}: the environment variable "
                                        f"{self.password_env} (corpus_db_password_env) is not set")
            kw["password"] = pw
        options = [f"-c statement_timeout={int(self.timeout * 1000)}"] if reader else []
        if reader:
            options.append("-c default_transaction_read_only=on")
        if options:
            kw["options"] = " ".join(options)
        return kw

    def _fail(self, e: BaseException, doing: str = "cannot reach") -> CorpusUnavailable:
        """Remember an outage: calls fail at once until the back-off ends.
        One outage keeps its first message (the user is told once)."""
        self._backoff = min(60.0, max(2.0, self._backoff * 2))
        self._down_until = time.monotonic() + self._backoff
        if self._down_error is None:
            self._down_error = (f"{doing} the corpus database {self.display}: {_one_line(e)}; "
                                f"figures are not checked against the corpus (retrying)")
        return CorpusUnavailable(self._down_error)

    def _ready_pool(self):
        """The pool of read-only connections, or CorpusUnavailable while the
        server is known to be down."""
        psycopg = _psycopg()
        from psycopg_pool import ConnectionPool

        if time.monotonic() < self._down_until and self._down_error:
            raise CorpusUnavailable(self._down_error)
        with self._lock:
            if self._pool is None:
                # First use, or after an outage: one direct connection (fast
                # to fail) before a pool that would wait for its timeout.
                try:
                    psycopg.connect(self.url, **self._kwargs(True)).close()
                except psycopg.Error as e:
                    raise self._fail(e) from None
                # Autocommit: a look-up is one round trip a statement (no
                # BEGIN, no ROLLBACK when the connection goes back to the
                # pool); every statement is still read-only and time-bounded.
                self._pool = ConnectionPool(self.url, kwargs={**self._kwargs(True), "autocommit": True},
                                            min_size=0, max_size=self.pool_size, open=True,
                                            name="copydesk-corpus", timeout=self.timeout)
                self._down_error = None
                self._backoff = 0.0
            return self._pool

    def _drop_pool(self, pool) -> None:
        with self._lock:
            if self._pool is pool:
                self._pool = None
        # Its worker threads end in the background (a closed pool waits for them).
        threading.Thread(target=_close_quietly, args=(pool,), name="copydesk-corpus-close", daemon=True).start()

    def _read(self, query):
        """``query(connection)`` on a pooled read-only connection.  Pooled
        connections are not pinged before use (a round trip per look-up):
        one the server dropped since (a restart, an idle timeout) fails, and
        the query is run once more on a new pool, which first checks the
        server.  Any failure is CorpusUnavailable (one line for the user)."""
        psycopg = _psycopg()
        from psycopg_pool import PoolTimeout

        for attempt in (1, 2):
            pool = self._ready_pool()
            try:
                with pool.connection(timeout=self.timeout) as con:
                    return query(con)
            except psycopg.errors.QueryCanceled as e:
                raise CorpusUnavailable(f"a corpus query on {self.display} took longer than {self.timeout:g}s "
                                        f"and was cancelled ({_one_line(e)})") from None
            except (psycopg.OperationalError, PoolTimeout) as e:
                self._drop_pool(pool)
                if attempt == 1 and not isinstance(e, PoolTimeout):
                    continue
                raise self._fail(e) from None
            except psycopg.errors.InsufficientPrivilege as e:
                raise CorpusUnavailable(f"corpus database {self.display}: {_one_line(e)} "
                                        "(readers need USAGE on schema copydesk and SELECT on its tables)") from None
            except psycopg.errors.UndefinedTable:
                raise CorpusUnavailable(f"the corpus database {self.display} has no index yet: "
                                        "run `copydesk corpus index` (with write rights) to build it") from None
        raise AssertionError("unreachable")

    def _check_schema(self, con) -> None:
        """Refuse a schema from another copydesk version (readers)."""
        # One statement: no table yet is UndefinedTable, "no index yet" (_read).
        meta = dict(con.execute(f"SELECT key, value FROM {SCHEMA}.meta").fetchall())
        self._schema_matches(int(meta.get("schema", "0")), reader=True)
        self._version = meta.get("version", "0")
        self._root_name = meta.get("root_name", "")
        lang = meta.get("language")
        if lang and lang != self.language.fingerprint:
            self.warn(f"the shared corpus {self.display} was indexed with other figure lexicons "
                      "(rules/figures.yml differs from the indexer's); figures may be read differently")

    def _schema_matches(self, found: int, reader: bool) -> None:
        if found > SCHEMA_VERSION:
            raise CorpusUnavailable(
                f"the corpus database {self.display} has index schema version {found}, newer than this "
                f"copydesk's ({SCHEMA_VERSION}): upgrade copydesk")
        if found < SCHEMA_VERSION and reader:
            raise CorpusUnavailable(
                f"the corpus database {self.display} has index schema version {found}, older than this "
                f"copydesk's ({SCHEMA_VERSION}): run `copydesk corpus index` with this version to migrate it")

    # ------------------------------------------------------------ interface

    @property
    def version(self) -> str:
        return f"{self.display}#{self._version}"

    def ensure(self) -> None:
        """Check the server and the schema, and re-read the index version
        (at most once a second: the ingest job updates it through the day)."""
        if time.monotonic() - self._checked_at < 1.0 and not self._down_error:
            return
        self._read(self._check_schema)
        self._checked_at = time.monotonic()

    def _local_path(self, rel: str) -> str:
        """An archive path as this machine sees it: under the local copy of
        the archive when there is one, else ``root-name/rel``."""
        if rel in self._exists:
            return self._exists[rel]
        local = os.path.join(self.root, *rel.split("/"))
        out = local if os.path.exists(local) else (f"{self._root_name}/{rel}" if self._root_name else rel)
        if len(self._exists) > 100_000:
            self._exists.clear()
        self._exists[rel] = out
        return out

    def figures_in_context(self, group: str, terms: Iterable[str], min_shared: int = 2,
                           fetch: int = 100, probes: int = 5) -> list[tuple[int, frozenset]]:
        self.ensure()
        terms = list(dict.fromkeys(terms))
        if len(terms) < min_shared:
            return []
        # One round trip: the SQLite backend's probe of the rarest terms
        # (document frequency, then term; equally rare terms beside the last),
        # their newest postings, the figures, and what ``figure_events``
        # needs of them (kept for it).
        rows = self._read(lambda con: con.execute(
            f"""WITH df AS (
                  SELECT term, n, row_number() OVER (ORDER BY n, term) AS r, count(*) OVER () AS c
                  FROM {SCHEMA}.term_stats WHERE grp = %(g)s AND term = ANY(%(t)s) AND n > 0),
                k AS (SELECT greatest(1, least(%(p)s, c - %(m)s + 1)) AS k FROM df LIMIT 1),
                probe AS (
                  SELECT term FROM df, k WHERE c >= %(m)s AND (r <= k.k OR (r <= 2 * %(p)s
                    AND n = (SELECT n FROM df WHERE r = k.k))))
                SELECT f.id, f.terms, f.scope, d.date, d.names FROM {SCHEMA}.figures f
                JOIN {SCHEMA}.docs d ON d.id = f.doc
                WHERE f.id IN (
                  SELECT x.fig FROM probe, LATERAL (
                    SELECT fig FROM {SCHEMA}.fig_terms WHERE grp = %(g)s AND term = probe.term
                    ORDER BY fig DESC LIMIT %(f)s) x)""",
            {"g": group, "t": terms, "m": min_shared, "p": probes, "f": fetch}).fetchall())
        self._recent.events = {r[0]: r[2:] for r in rows}
        return [(r[0], frozenset(r[1].split())) for r in rows]

    def figures(self, ids: list[int]) -> list[CorpusFigure]:
        if not ids:
            return []
        rows = self._read(lambda con: con.execute(
            f"SELECT f.id, d.path, f.line, f.col, f.end_col, f.grp, f.noun, f.phrase, f.text, f.kind, "
            f"f.value, f.low, f.high, f.factor, f.terms, s.text, d.meta, f.scope, d.date, d.names "
            f"FROM {SCHEMA}.figures f "
            f"JOIN {SCHEMA}.docs d ON d.id = f.doc JOIN {SCHEMA}.sents s ON s.id = f.sent "
            f"WHERE f.id = ANY(%s)", (list(ids),)).fetchall())
        by_id = {}
        for r in rows:
            by_id[r[0]] = CorpusFigure(r[0], self._local_path(r[1]), *r[2:14], frozenset(r[14].split()), r[15],
                                       json.loads(r[16]) if r[16] else {}, Scope.decode(r[17]), r[18] or "",
                                       frozenset((r[19] or "").split()))
        return [by_id[i] for i in ids if i in by_id]

    def figure_events(self, ids: list[int]) -> list[FigureEvent]:
        """Scope, article date and lead names of some figures, in the order
        given: those of this thread's last ``figures_in_context`` without a
        round trip (the figures check asks for its candidates)."""
        if not ids:
            return []
        known = getattr(self._recent, "events", {})
        if all(i in known for i in ids):
            rows = [(i, *known[i]) for i in ids]
        else:
            rows = self._read(lambda con: con.execute(
                f"SELECT f.id, f.scope, d.date, d.names FROM {SCHEMA}.figures f JOIN {SCHEMA}.docs d "
                f"ON d.id = f.doc WHERE f.id = ANY(%s)", (list(ids),)).fetchall())
        by_id = {r[0]: FigureEvent(r[0], Scope.decode(r[1]), r[2] or "", frozenset((r[3] or "").split()))
                 for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def search(self, query: str, limit: int = 20) -> list[SearchHit]:
        """Sentences holding every query word (the same tokens as FTS5),
        ranked by FTS5's bm25: the SQLite backend's results, from the server."""
        self.ensure()
        words = _query_words(query)
        if not words:
            return []
        phrases = FTSTokenizer().tokens(words)
        if any(not p for p in phrases):
            return []
        lexemes = sorted({t for p in phrases for t in p})
        tsquery = " & ".join("'" + t.replace("'", "''").replace("\\", "\\\\") + "'" for t in lexemes)

        def query(con):
            meta = dict(con.execute(f"SELECT key, value FROM {SCHEMA}.meta WHERE key IN ('sentences', 'tokens')"))
            n_rows, n_tokens = int(meta.get("sentences", 0)), int(meta.get("tokens", 0))
            if not n_rows:
                return 0, 0, [], []
            rows = con.execute(
                f"SELECT s.toks, s.text, d.path, s.line, s.col, d.meta FROM {SCHEMA}.sents s "
                f"JOIN {SCHEMA}.docs d ON d.id = s.doc WHERE array_to_tsvector(s.toks) @@ %s::tsquery",
                (tsquery,)).fetchall()
            matched = [(r, [_count(r[0], p) for p in phrases]) for r in rows]
            matched = [(r, freqs) for r, freqs in matched if all(freqs)]
            # Sentences holding each phrase, over the whole corpus (bm25's idf).
            hits_per_phrase = []
            for p in phrases:
                if len(p) == 1:
                    n = con.execute(f"SELECT count(*) FROM {SCHEMA}.sents WHERE array_to_tsvector(toks) @@ %s::tsquery",
                                    ("'" + p[0].replace("'", "''").replace("\\", "\\\\") + "'",)).fetchone()[0]
                else:
                    q = " & ".join("'" + t.replace("'", "''").replace("\\", "\\\\") + "'" for t in p)
                    n = sum(1 for (toks,) in con.execute(
                        f"SELECT toks FROM {SCHEMA}.sents WHERE array_to_tsvector(toks) @@ %s::tsquery", (q,))
                        if _count(toks, p))
                hits_per_phrase.append(n)
            return n_rows, n_tokens, matched, hits_per_phrase

        n_rows, n_tokens, matched, hits_per_phrase = self._read(query)
        scored = []
        for r, freqs in matched:
            score = _bm25(freqs, len(r[0]), n_rows, n_tokens, hits_per_phrase)
            scored.append((-score, r[2], r[3], r[4], r))
        scored.sort(key=lambda x: x[:4])
        return [SearchHit(self._local_path(r[2]), r[3], r[4], r[1], -neg, json.loads(r[5]) if r[5] else {})
                for neg, _, _, _, r in scored[:limit]]

    def stats(self) -> dict:
        self.ensure()

        def query(con) -> dict:
            one = lambda q: con.execute(q).fetchone()[0]  # noqa: E731
            # The SQLite backend's fields, and the server's own.
            out = dict(index=self.display, sources=self.sources, files=one(f"SELECT count(*) FROM {SCHEMA}.files"),
                       sentences=one(f"SELECT count(*) FROM {SCHEMA}.sents"),
                       figures=one(f"SELECT count(*) FROM {SCHEMA}.figures"),
                       full_text_search="postgresql (fts5 tokens, gin)", version=int(self._version))
            out.update(backend="postgresql", schema=SCHEMA_VERSION)
            out["groups"] = dict(con.execute(
                f"SELECT grp, count(*) FROM {SCHEMA}.figures GROUP BY grp ORDER BY count(*) DESC, grp LIMIT 12"
            ).fetchall())
            out["bytes"] = int(one(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                f"JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{SCHEMA}' AND c.relkind = 'r'"))
            return out

        return self._read(query)

    def after_fork(self) -> None:
        """In a forked worker (``copydesk check --jobs``): a pool of its own.
        The inherited pool's threads did not cross the fork and its
        connections are the parent's: dropped unused, never closed here."""
        self._lock = threading.RLock()
        self._recent = threading.local()
        self._inherited = [*getattr(self, "_inherited", []), self._pool]
        self._pool = None

    def close(self) -> None:
        if self._pool is not None:
            with contextlib.suppress(Exception):
                self._pool.close()
            self._pool = None

    # ------------------------------------------------------------ indexing

    def refresh(self, progress=None, wait: float = 0.0) -> dict:
        """The ingest job: sync the shared index with the archive files.
        ``wait``: seconds to wait for another indexer's lock (0: fail at once)."""
        psycopg = _psycopg()
        try:
            con = psycopg.connect(self.url, **self._kwargs(False))
        except psycopg.Error as e:
            raise CorpusUnavailable(f"cannot reach the corpus database {self.display}: {_one_line(e)}") from None
        try:
            self._take_lock(con, wait)
            try:
                return self._refresh(con, progress)
            finally:
                with contextlib.suppress(psycopg.Error):
                    con.rollback()
                    con.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
                    con.commit()
        except psycopg.errors.InsufficientPrivilege as e:
            raise CorpusUnavailable(f"corpus database {self.display}: {_one_line(e)} "
                                    "(`corpus index` needs a role that may create and write the copydesk schema)"
                                    ) from None
        except psycopg.OperationalError as e:
            raise CorpusUnavailable(f"lost the corpus database {self.display} while indexing: {_one_line(e)}; "
                                    "re-run `copydesk corpus index` (what was committed is kept)") from None
        finally:
            con.close()

    def _take_lock(self, con, wait: float) -> None:
        deadline = time.monotonic() + max(0.0, wait)
        while True:
            got = con.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]
            con.commit()
            if got:
                return
            if time.monotonic() >= deadline:
                holder = con.execute(
                    "SELECT a.pid, a.client_addr, a.backend_start FROM pg_locks l "
                    "LEFT JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
                    "AND l.granted AND l.objid = %s LIMIT 1", (LOCK_KEY & 0xFFFFFFFF,)).fetchone()
                con.commit()
                who = f" (server process {holder[0]}, connected since {holder[2]:%Y-%m-%d %H:%M:%S})" \
                    if holder and holder[0] and holder[2] else ""
                raise CorpusUnavailable(
                    f"another `copydesk corpus index` is indexing {self.display}{who}; "
                    + (f"gave up after waiting {wait:g}s" if wait else "run again later or pass --wait SECONDS"))
            time.sleep(min(1.0, max(0.05, deadline - time.monotonic())))

    def migrate(self, con) -> None:
        """Create or upgrade the schema (the indexer, under the lock)."""
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {SCHEMA}")
        con.execute(f"CREATE TABLE IF NOT EXISTS {SCHEMA}.meta(key text PRIMARY KEY, value text)")
        row = con.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'schema'").fetchone()
        found = int(row[0]) if row else 0
        self._schema_matches(found, reader=False)
        for v in range(found + 1, SCHEMA_VERSION + 1):
            for stmt in MIGRATIONS[v]:
                con.execute(stmt)
            con.execute(f"INSERT INTO {SCHEMA}.meta VALUES ('schema', %s) ON CONFLICT (key) DO UPDATE "
                        "SET value = excluded.value", (str(v),))
        con.commit()

    def _set_meta(self, con, key: str, value: str) -> None:
        con.execute(f"INSERT INTO {SCHEMA}.meta VALUES (%s, %s) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value))

    def _rel(self, path: str) -> str:
        return Path(os.path.relpath(path, self.root)).as_posix()

    def _refresh(self, con, progress) -> dict:
        self.migrate(con)
        meta = dict(con.execute(f"SELECT key, value FROM {SCHEMA}.meta").fetchall())
        if meta.get("language") != self.language.fingerprint:
            # Other figure lexicons or extractor: every article is re-read
            # (article by article, so readers keep a whole corpus meanwhile).
            con.execute(f"UPDATE {SCHEMA}.files SET sha = '', size = -1")
            self._set_meta(con, "language", self.language.fingerprint)
        self._set_meta(con, "root_name", os.path.basename(self.root.rstrip(os.sep)) or self.root)
        con.commit()
        files = discover(self.sources)
        for src in self.sources:
            if not any(c in src for c in "*?[") and not os.path.exists(src):
                self.warn(f"corpus source {src} does not exist")
        known = {r[0]: r[1:] for r in con.execute(f"SELECT path, size, mtime_ns, sha, doc FROM {SCHEMA}.files")}
        con.commit()
        plan = ingest.plan(files, known, key=self._rel, warn=self.warn)
        counts, todo, touched, gone = plan.counts, plan.todo, plan.touched, plan.gone
        with con.cursor() as cur:
            if touched:
                cur.executemany(f"UPDATE {SCHEMA}.files SET size = %s, mtime_ns = %s WHERE path = %s", touched)
                con.commit()
            if not todo and not gone:
                return counts
            if gone:
                for rel in gone:
                    self._delete_doc(cur, known[rel][3])
                cur.execute(f"DELETE FROM {SCHEMA}.files WHERE path = ANY(%s)", (gone,))
                self._bump(cur)
                con.commit()
        self._index(con, todo, {rel: v[3] for rel, v in known.items()}, progress)
        return counts

    def _bump(self, cur) -> None:
        cur.execute(f"UPDATE {SCHEMA}.meta SET value = (value::bigint + 1)::text WHERE key = 'version' "
                    "RETURNING value")
        self._version = cur.fetchone()[0]

    def _delete_doc(self, cur, doc: int | None) -> None:
        if doc is None:
            return
        cur.execute(f"DELETE FROM {SCHEMA}.docs WHERE id = %s RETURNING id", (doc,))
        if cur.fetchone() is None:
            return
        cur.execute(f"DELETE FROM {SCHEMA}.figures WHERE doc = %s RETURNING id, grp, terms", (doc,))
        postings = [(grp, t, fid) for fid, grp, terms in cur.fetchall() for t in terms.split()]
        if postings:
            cur.executemany(f"DELETE FROM {SCHEMA}.fig_terms WHERE grp = %s AND term = %s AND fig = %s", postings)
            stats: dict[tuple[str, str], int] = {}
            for g, t, _ in postings:
                stats[(g, t)] = stats.get((g, t), 0) + 1
            cur.executemany(f"UPDATE {SCHEMA}.term_stats SET n = n - %s WHERE grp = %s AND term = %s",
                            [(n, g, t) for (g, t), n in stats.items()])
        cur.execute(f"DELETE FROM {SCHEMA}.sents WHERE doc = %s RETURNING cardinality(toks)", (doc,))
        lens = [r[0] for r in cur.fetchall()]
        self._add_totals(cur, -len(lens), -sum(lens))

    def _add_totals(self, cur, sentences: int, tokens: int) -> None:
        cur.executemany(f"UPDATE {SCHEMA}.meta SET value = (value::bigint + %s)::text WHERE key = %s",
                        [(sentences, "sentences"), (tokens, "tokens")])

    def _index(self, con, todo, old_docs: dict, progress=None) -> None:
        tokenizer = FTSTokenizer()

        def store(batch: list[ingest.ParsedDoc]) -> None:
            with con.cursor() as cur:
                # Ids continue from the largest (one indexer at a time: the lock).
                cur.execute(f"SELECT (SELECT coalesce(max(id), 0) FROM {SCHEMA}.docs), "
                            f"(SELECT coalesce(max(id), 0) FROM {SCHEMA}.sents), "
                            f"(SELECT coalesce(max(id), 0) FROM {SCHEMA}.figures)")
                next_ids = tuple(x + 1 for x in cur.fetchone())
                for d in batch:  # an article's old rows go in the transaction that adds its new ones
                    self._delete_doc(cur, old_docs.get(self._rel(d.path)))
                rows = ingest.rows(batch, next_ids, key=self._rel)
                toks = tokenizer.tokens([s[4] for s in rows.sents])
                # docs: the stable article id beside the path in the archive.
                cur.executemany(f"INSERT INTO {SCHEMA}.docs VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)",
                                [(r[0], article_id(r[1]), *r[1:]) for r in rows.docs])
                _copy(cur, f"{SCHEMA}.sents (id, doc, line, col, text, toks)",
                      [(*r, t) for r, t in zip(rows.sents, toks)])
                _copy(cur, f"{SCHEMA}.figures", rows.figures)
                _copy(cur, f"{SCHEMA}.fig_terms", rows.postings)
                cur.executemany(
                    f"INSERT INTO {SCHEMA}.term_stats VALUES (%s,%s,%s) ON CONFLICT (grp, term) "
                    "DO UPDATE SET n = term_stats.n + excluded.n", rows.term_counts)
                cur.executemany(
                    f"INSERT INTO {SCHEMA}.files VALUES (%s,%s,%s,%s,%s) ON CONFLICT (path) DO UPDATE SET "
                    "size = excluded.size, mtime_ns = excluded.mtime_ns, sha = excluded.sha, doc = excluded.doc",
                    rows.files)
                self._add_totals(cur, len(rows.sents), sum(map(len, toks)))
                self._bump(cur)
            con.commit()

        ingest.in_batches(ingest.parsed(todo, self.jobs, self.lexicons, self.extractor), store, self.warn,
                          progress, len(todo))


def _close_quietly(pool) -> None:
    with contextlib.suppress(Exception):
        pool.close(timeout=10)


def _copy(cur, table: str, rows: list) -> None:
    if not rows:
        return
    with cur.copy(f"COPY {table} FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)


def _count(toks: list[str], phrase: list[str]) -> int:
    """Occurrences of a phrase (consecutive tokens) in a token list."""
    n, k = 0, len(phrase)
    if k == 1:
        return toks.count(phrase[0])
    for i in range(len(toks) - k + 1):
        if toks[i:i + k] == phrase:
            n += 1
    return n


def _bm25(freqs: list[int], length: int, n_rows: int, n_tokens: int, hits: list[int]) -> float:
    """FTS5's bm25() (k1 1.2, b 0.75), term for term as fts5_aux.c computes
    it, negated back to a positive score."""
    k1, b = 1.2, 0.75
    avgdl = float(n_tokens) / float(n_rows)
    score = 0.0
    for f, n_hit in zip(freqs, hits):
        idf = math.log((n_rows - n_hit + 0.5) / (n_hit + 0.5))
        if idf <= 0.0:
            idf = 1e-6
        score += idf * ((f * (k1 + 1.0)) / (f + k1 * (1 - b + b * length / avgdl)))
    return -(-1.0 * score)

