"""Parses of the syntactic layer kept on disk, in the user's cache folder,
so that a run that meets a sentence an earlier run parsed (lint on save,
the editor reopening a draft, CI on an unchanged tree) neither parses it
again nor loads spaCy at all.

One SQLite file per *pipeline fingerprint*: a hash of the model package's
``meta.json`` (name, version, components), spaCy's version, the components
left out and this module's record format.  Another model, another spaCy or a
new record format is another file: a parse is never read back by a pipeline
that did not make it.  Inside, a row per text: key = BLAKE2b of the text,
value = a compact record (zlib-compressed JSON of the tokens' offsets,
lemma, tags, dependency label and head; the token text is the text's own
slice), checked on reading against the text's length and the record's own
shape.

Bounded: at most ``MAX_ROWS`` texts, the oldest written dropped first.  Safe
with concurrent processes (``--jobs`` workers, several editors): SQLite in
WAL mode with a short busy timeout, one connection per process (opened
again after a fork), and every failure is a miss, never an error: a locked,
unreadable, damaged or foreign file costs a parse, and a file that is not a
database is replaced.  ``COPYDESK_PARSE_CACHE=off`` turns it off.
"""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import sys
import threading
import zlib
from pathlib import Path

FORMAT = 1  # bump when the record or what a Parse holds changes
MAX_ROWS = 50_000  # texts (sentences or paragraphs); ~0.4 KB each on disk
BUSY_MS = 200  # a write that waits longer for another process's is skipped
_SCHEMA = "CREATE TABLE IF NOT EXISTS parse (key BLOB PRIMARY KEY, rec BLOB NOT NULL)"


def fingerprint(model: str, exclude: tuple[str, ...]) -> str | None:
    """What a cached parse depends on, without importing spaCy: the model
    package's (or folder's) meta.json and spaCy's version file.  None when
    either cannot be found (then nothing is cached)."""
    try:
        import importlib.util

        path = Path(model)
        if path.is_dir():
            meta = path / "meta.json"
        else:
            spec = importlib.util.find_spec(model)
            if spec is None or not spec.submodule_search_locations:
                return None
            meta = Path(list(spec.submodule_search_locations)[0]) / "meta.json"
        spacy = importlib.util.find_spec("spacy")
        if spacy is None or spacy.origin is None:
            return None
        about = Path(spacy.origin).with_name("about.py")
        h = hashlib.blake2b(digest_size=12)
        for part in (meta.read_bytes(), about.read_bytes(), repr(sorted(exclude)).encode(), str(FORMAT).encode()):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        return h.hexdigest()
    except (OSError, ValueError, ImportError):
        return None


def _key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def encode(parse) -> bytes:
    """A Parse as a compact record: per token (start, end, lemma, tag, pos,
    dep, head[, lower when it is not the text's lower case]); sentences as
    their token ranges."""
    toks = []
    for t in parse.tokens:
        row = [t.start, t.end, t.lemma, t.tag, t.pos, t.dep, t.head]
        if t.lower != t.text.lower():
            row.append(t.lower)
        toks.append(row)
    body = json.dumps([len(parse.text), toks, [list(s) for s in parse.sentences]], ensure_ascii=False,
                      separators=(",", ":"))
    return zlib.compress(body.encode("utf-8"), 1)


def decode(text: str, rec: bytes, token_cls, parse_cls):
    """The Parse of ``text`` from its record; ValueError when the record is
    damaged or not this text's."""
    try:
        n, toks, sents = json.loads(zlib.decompress(rec).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError, TypeError) as e:
        raise ValueError(f"unreadable parse record: {e}") from None
    if n != len(text) or not isinstance(toks, list) or not isinstance(sents, list):
        raise ValueError("parse record of another text")
    count = len(toks)
    sent_of = [-1] * count
    sentences = []
    prev = 0
    for si, s in enumerate(sents):
        a, b = s
        if not (a == prev and a < b <= count):
            raise ValueError("parse record with broken sentences")
        for i in range(a, b):
            sent_of[i] = si
        sentences.append((a, b))
        prev = b
    if prev != count:
        raise ValueError("parse record with broken sentences")
    children: list[list[int]] = [[] for _ in range(count)]
    tokens = []
    intern = sys.intern  # as syntax._convert: each word and label once
    for i, row in enumerate(toks):
        start, end, lemma, tag, pos, dep, head = row[:7]
        if not (0 <= start <= end <= n and 0 <= head < count):
            raise ValueError("parse record out of range")
        word = intern(text[start:end])
        lower = intern(row[7]) if len(row) > 7 else word.lower()
        lower = word if lower == word else intern(lower)
        lemma = lower if lemma == lower else intern(lemma)
        tag, pos, dep = intern(tag), intern(pos), intern(dep)
        if head != i:
            children[head].append(i)
        tokens.append(token_cls(i, start, end, word, lower, lemma, tag, pos, dep, head, sent_of[i]))
    return parse_cls(text, tuple(tokens), tuple(sentences), tuple(tuple(c) for c in children))


class DiskCache:
    """One pipeline's parses in ``folder``; every method is safe to call
    from any thread and never raises."""

    def __init__(self, folder: Path, fingerprint: str):
        self.path = Path(folder) / "parses" / f"parses-{fingerprint}.sqlite"
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._broken = False
        self._failures = 0  # failed connections in a row
        self._inherited: list = []  # connections from before a fork: never used or closed in the child

    # -- connection --------------------------------------------------------
    def _connect(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        if self._conn is not None:  # forked: SQLite connections must not cross a fork
            self._inherited.append(self._conn)
            self._conn = None
        for attempt in (0, 1):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = sqlite3.connect(str(self.path), timeout=BUSY_MS / 1000, isolation_level=None,
                                       check_same_thread=False)
                try:
                    conn.execute("PRAGMA journal_mode=WAL")
                    conn.execute("PRAGMA synchronous=NORMAL")
                    conn.execute(_SCHEMA)
                    conn.execute("SELECT key, rec FROM parse LIMIT 1").fetchall()
                except sqlite3.DatabaseError:
                    conn.close()
                    raise
            except sqlite3.OperationalError:
                # locked by another process for longer than the timeout (tried
                # again on the next call), or a folder it cannot write: after
                # a few failures in a row, no disk cache for this process
                self._failures += 1
                if self._failures >= 3:
                    self._broken = True
                return None
            except sqlite3.DatabaseError:
                # not a database (damaged, or something else under that name):
                # put it aside once and start afresh
                if attempt == 0 and self._discard():
                    continue
                self._broken = True
                return None
            except OSError:
                self._broken = True
                return None
            self._conn, self._pid, self._failures = conn, os.getpid(), 0
            return conn
        return None

    def _discard(self) -> bool:
        try:
            for suffix in ("", "-wal", "-shm"):
                p = Path(str(self.path) + suffix)
                if p.exists():
                    p.unlink()
            return True
        except OSError:
            return False

    # -- reading and writing -----------------------------------------------
    def get_many(self, texts: list[str], token_cls, parse_cls) -> dict[str, object]:
        """The parses of those texts that are on disk."""
        out: dict[str, object] = {}
        if not texts:
            return out
        keys = {_key(t): t for t in texts}
        with self._lock:
            conn = self._connect()
            if conn is None:
                return out
            rows = []
            try:
                items = list(keys)
                for i in range(0, len(items), 500):
                    chunk = items[i:i + 500]
                    rows += conn.execute(f"SELECT key, rec FROM parse WHERE key IN ({','.join('?' * len(chunk))})",
                                         chunk).fetchall()
            except sqlite3.OperationalError:
                return out  # busy or unreadable for now: a miss
            except sqlite3.DatabaseError:
                self._reset(discard=True)
                return out
        bad = []
        for key, rec in rows:
            text = keys.get(bytes(key))
            if text is None:
                continue
            try:
                out[text] = decode(text, bytes(rec), token_cls, parse_cls)
            except (ValueError, TypeError):
                bad.append(bytes(key))  # a damaged record is a miss, and is written again after the parse
        if bad:
            with self._lock:
                conn = self._connect()
                if conn is not None:
                    try:
                        conn.executemany("DELETE FROM parse WHERE key = ?", [(k,) for k in bad])
                    except sqlite3.DatabaseError:
                        pass
        return out

    def put_many(self, parses) -> None:
        rows = []
        for p in parses:
            try:
                rows.append((_key(p.text), encode(p)))
            except (TypeError, ValueError):
                continue
        if not rows:
            return
        with self._lock:
            conn = self._connect()
            if conn is None:
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                try:
                    conn.executemany("INSERT OR REPLACE INTO parse (key, rec) VALUES (?, ?)", rows)
                    # The oldest written go first once the file holds more than MAX_ROWS texts.
                    conn.execute("DELETE FROM parse WHERE rowid <= (SELECT max(rowid) FROM parse) - ?", (MAX_ROWS,))
                    conn.execute("COMMIT")
                except BaseException:
                    conn.execute("ROLLBACK")
                    raise
            except sqlite3.OperationalError:
                pass  # busy: another process is writing; this batch is simply not kept
            except sqlite3.DatabaseError:
                self._reset(discard=True)

    def _reset(self, discard: bool = False) -> None:
        """The file went bad while in use (damaged): close it and start a
        new one on the next call."""
        conn, self._conn = self._conn, None
        if conn is not None and self._pid == os.getpid():
            try:
                conn.close()
            except sqlite3.Error:
                pass
        if discard and not self._discard():
            self._broken = True
