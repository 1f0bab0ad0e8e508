"""Indexing, shared by every corpus backend (SQLite, PostgreSQL): which files
changed (by stat, then by content hash), reading and parsing them (in worker
processes when there are many), and the table rows of a batch of parsed
articles with their ids.  A backend only says how a file is keyed (its path,
or its path in the archive) and stores the rows, so both index the same
articles into the same rows.
"""
from __future__ import annotations

import hashlib
import os
import stat
import threading
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from ..files import read_regular
from ..lang.figures import Extractor, FigureLanguage, article_date, file_day, figure_context, figure_scopes, \
    lead_names, sentence_context
from .sources import BLOCK_BREAK, PAD, read_article, sentences

# Files per transaction: readers see whole batches, a killed run loses at most one.
BATCH_FILES = 400
# Fewer changed files than this are parsed in the indexing process itself.
PARALLEL_MIN_FILES = 300
# Parsed articles waiting for the writer, at most: a writer slower than the
# parsers (a database server) must not make the results pile up in memory.
MAX_IN_FLIGHT = 1024
# An article is a few kilobytes; a bigger file is not an article (a log, a
# dump, /dev/zero behind a symlink) and is skipped with a warning.
MAX_ARTICLE_BYTES = 10 * 1024 * 1024


@dataclass
class ParsedDoc:
    path: str
    sha: str
    size: int
    mtime_ns: int
    meta: dict
    sentences: list  # (line, col, text)
    figures: list  # (sentence index, line, col, end_col, group, noun, phrase, text, kind, value, low, high, factor, terms,
    #                 scope)
    date: str = ""
    names: str = ""


def parse_document(path: str, data: bytes, sha: str, size: int, mtime_ns: int,
                   extractor: Extractor) -> ParsedDoc:
    article = read_article(path, data)
    spans = sentences(article)
    mask = article.mask
    lang = extractor.lang
    sents, figs = [], []
    first = next((a for a, b in spans if mask[a:b].strip()), 0)
    day = article_date(article.meta, mask, lang, first)
    lead = lead_names(article.meta.get("title", ""), lang, title=True)
    if spans:
        lead |= lead_names(mask, lang, spans[0][0], spans[0][1])
    for si, (a, b) in enumerate(spans):
        line, col = article.line_col(a)
        text = " ".join(mask[a:b].replace(BLOCK_BREAK, " ").replace(PAD, "").split())
        sents.append((line, col, text))
        found = extractor.extract(mask, a, b)
        if not found:
            continue
        terms = sentence_context(mask, lang, a, b, spans[si - 1] if si else None)
        scopes = figure_scopes(mask, a, b, found, lang, lead=(a, b) == spans[0] and len(spans) >= 3)
        for f, scope in zip(found, scopes):
            fterms = sorted(figure_context(f, found, terms, lang, lead, scope))
            fl, fc = article.line_col(f.start)
            _, ec = article.line_col(f.end)
            figs.append((si, fl, fc, ec, f.group, f.noun, " ".join(f.phrase.split()), " ".join(f.text.split()),
                         f.kind, f.value, f.low, f.high, f.unit_factor, " ".join(fterms), scope.encode()))
    return ParsedDoc(path, sha, size, mtime_ns, article.meta, sents, figs, article_day(day, mtime_ns),
                     " ".join(sorted(lead)))


# Marks a date taken from the file, not from the article.
FILE_DATE = " file"


def article_day(day, mtime_ns: int) -> str:
    """The date stored for an article: its own (front matter, <meta>, date
    line), else the day its file was last modified ("2026-12-02 file"), so
    every corpus figure has a date the comparison window can use."""
    if day is not None:
        return day.isoformat()
    if not mtime_ns:
        return ""
    return file_day(mtime_ns).isoformat() + FILE_DATE


# ------------------------------------------------------------ what changed

@dataclass
class Plan:
    """What a sync has to do.  Keys are the backend's (a path, or a path in
    the archive); ``todo`` holds the files to (re)parse by their own path."""

    todo: list[tuple[str, int, int]] = field(default_factory=list)  # (path, size, mtime_ns)
    touched: list[tuple[int, int, str]] = field(default_factory=list)  # (size, mtime_ns, key): same content, new stat
    gone: list[str] = field(default_factory=list)  # keys of files no longer there
    counts: dict = field(default_factory=lambda: {"added": 0, "changed": 0, "removed": 0, "unchanged": 0})


def plan(files: Iterable[str], known: dict, key: Callable[[str], str], warn: Callable[[str], None]) -> Plan:
    """Compare the files found with the index's (``known``: key -> (size,
    mtime_ns, sha, …)): a file whose stat is unchanged is not read; one whose
    stat changed is hashed and re-parsed only if its content changed.  A
    FIFO or device (it would block or never end) and a file over
    ``MAX_ARTICLE_BYTES`` are skipped with a warning."""
    out = Plan()
    present = set()
    for path in files:
        k = key(path)
        present.add(k)
        try:
            st = os.stat(path)
        except OSError:
            continue
        if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_ARTICLE_BYTES:
            why = ("not a regular file (a pipe, socket or device)" if not stat.S_ISREG(st.st_mode)
                   else f"over the {MAX_ARTICLE_BYTES // 1048576} MB limit for an article")
            warn(f"{path}: skipped ({why})")
            continue
        old = known.get(k)
        if old is not None and old[0] == st.st_size and old[1] == st.st_mtime_ns:
            out.counts["unchanged"] += 1
            continue
        if old is not None:
            try:
                data = read_regular(path, MAX_ARTICLE_BYTES)
            except OSError:
                continue
            if hashlib.sha1(data).hexdigest() == old[2]:
                out.touched.append((st.st_size, st.st_mtime_ns, k))
                out.counts["unchanged"] += 1
                continue
            out.counts["changed"] += 1
        else:
            out.counts["added"] += 1
        out.todo.append((path, st.st_size, st.st_mtime_ns))
    out.gone = [k for k in known if k not in present]
    out.counts["removed"] = len(out.gone)
    return out


# ------------------------------------------------------------ parsing

# Worker state for parallel indexing.
_WORKER_EXTRACTOR: Extractor | None = None


def _worker_init(lexicons: dict, parent: int | None = None) -> None:
    global _WORKER_EXTRACTOR
    import signal

    from ..procs import die_with_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and ends the pool
    die_with_parent(parent)
    _WORKER_EXTRACTOR = Extractor(FigureLanguage(lexicons))


def _read_and_parse(job: tuple, extractor: Extractor) -> ParsedDoc | tuple:
    path, size, mtime_ns = job
    try:
        data = read_regular(path, MAX_ARTICLE_BYTES)
    except OSError as e:
        return ("error", path, str(e))
    return parse_document(path, data, hashlib.sha1(data).hexdigest(), size, mtime_ns, extractor)


def _worker_parse(job: tuple) -> ParsedDoc | tuple:
    return _read_and_parse(job, _WORKER_EXTRACTOR)


def parsed(todo: list[tuple[str, int, int]], jobs: int, lexicons: dict,
           extractor: Extractor) -> Iterator[ParsedDoc | tuple]:
    """Each file of ``todo`` parsed, in order; ``("error", path, reason)``
    for one that cannot be read.  Many files are parsed by ``jobs`` worker
    processes that die with this one."""
    if jobs > 1 and len(todo) >= PARALLEL_MIN_FILES:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        with ctx.Pool(jobs, initializer=_worker_init, initargs=(lexicons, os.getpid())) as pool:
            yield from bounded_imap(pool, _worker_parse, todo, MAX_IN_FLIGHT, chunksize=32)
        return
    for job in todo:
        yield _read_and_parse(job, extractor)


def bounded_imap(pool, func: Callable, jobs: Iterable, window: int, chunksize: int = 1) -> Iterator:
    """``pool.imap`` with at most ``window`` jobs handed out and not yet
    consumed.  The pool's feeder thread takes the next job only when the
    consumer has taken a result; when the consumer stops early the feeder
    ends too, so the pool can be terminated (it joins that thread)."""
    free = threading.Semaphore(max(window, chunksize))  # a whole chunk must fit, or nothing moves
    stop = threading.Event()

    def feed():
        source = iter(jobs)
        while True:
            while not free.acquire(timeout=0.1):
                if stop.is_set():
                    return
            job = next(source, stop)  # taken from the source only once there is room
            if job is stop or stop.is_set():
                return
            yield job

    try:
        for result in pool.imap(func, feed(), chunksize=chunksize):
            free.release()
            yield result
    finally:
        stop.set()


def in_batches(items: Iterable[ParsedDoc | tuple], store: Callable[[list[ParsedDoc]], None],
               warn: Callable[[str], None], progress=None, total: int = 0) -> None:
    """Hand parsed articles to ``store`` ``BATCH_FILES`` at a time (one
    transaction each), reporting progress after each batch."""
    batch: list[ParsedDoc] = []
    done = 0
    for item in items:
        if isinstance(item, tuple):
            warn(f"{item[1]}: cannot read ({item[2]})")
            continue
        batch.append(item)
        done += 1
        if len(batch) >= BATCH_FILES:
            store(batch)
            batch = []
            if progress:
                progress(done, total)
    if batch:
        store(batch)
    if progress:
        progress(done, total)


# ------------------------------------------------------------ rows

@dataclass
class Rows:
    """One batch of articles as table rows, ids assigned (the same in every backend)."""

    docs: list[tuple] = field(default_factory=list)  # (id, key, sha, meta JSON or "", sent_lo, sent_hi, fig_lo,
    #                                                   fig_hi, date, names)
    sents: list[tuple] = field(default_factory=list)  # (id, doc, line, col, text)
    figures: list[tuple] = field(default_factory=list)  # (id, doc, sentence id, line, col, end_col, group, noun,
    #                                                      phrase, text, kind, value, low, high, factor, terms, scope)
    postings: list[tuple] = field(default_factory=list)  # (group, term, figure id), each once
    term_counts: list[tuple] = field(default_factory=list)  # (group, term, postings added)
    files: list[tuple] = field(default_factory=list)  # (key, size, mtime_ns, sha, doc)
    next_ids: tuple[int, int, int] = (1, 1, 1)  # the next doc, sentence and figure ids


def rows(batch: list[ParsedDoc], next_ids: tuple[int, int, int], key: Callable[[str], str]) -> Rows:
    """The rows of a batch of parsed articles; ids continue from ``next_ids``
    (doc, sentence, figure): an article's sentences and figures have
    consecutive ids, its doc row their ranges."""
    import json

    next_doc, next_sent, next_fig = next_ids
    out = Rows()
    posts: dict[tuple, None] = {}
    counts: dict[tuple[str, str], int] = {}
    for d in batch:
        doc = next_doc
        next_doc += 1
        slo, flo = next_sent, next_fig
        for line, col, text in d.sentences:
            out.sents.append((next_sent, doc, line, col, text))
            next_sent += 1
        for (si, line, col, ecol, grp, noun, phrase, text, kind, value, low, high, factor, terms, scope) in d.figures:
            out.figures.append((next_fig, doc, slo + si, line, col, ecol, grp, noun, phrase, text, kind, value,
                                low, high, factor, terms, scope))
            for t in terms.split():
                posts[(grp, t, next_fig)] = None
                counts[(grp, t)] = counts.get((grp, t), 0) + 1
            next_fig += 1
        k = key(d.path)
        out.docs.append((doc, k, d.sha, json.dumps(d.meta, ensure_ascii=False) if d.meta else "",
                         slo, next_sent - 1, flo, next_fig - 1, d.date, d.names))
        out.files.append((k, d.size, d.mtime_ns, d.sha, doc))
    out.postings = list(posts)
    out.term_counts = [(g, t, n) for (g, t), n in counts.items()]
    out.next_ids = (next_doc, next_sent, next_fig)
    return out
