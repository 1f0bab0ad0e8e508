"""The one inflector: singular and plural of nouns, and a suggestion made to
agree in number and capital with the word it replaces.

English uses the inflection rules of Pattern as shipped in TextBlob
(``textblob/en/inflect.py``, BSD licence), imported on first use and
memoised: a word is inflected once per process, not once per finding (the
loaded-terms check offers the same few suggestions thousands of times).

The answers are also kept in the cache folder (``use_disk_cache``; the
engine names its folder), one JSON file per version of the inflector's files,
so a later run answers from the file and never imports TextBlob (its rules
are ~150 regular expressions: most of a one-line draft's lint).  A missing,
damaged or foreign file is a miss; new answers are written when the process
exits (atomically, merged with what other processes wrote).
"""
from __future__ import annotations

import atexit
import hashlib
import json
import os
import threading
from functools import lru_cache
from pathlib import Path

from ..cachedir import write_atomic

FORMAT = 1
MAX_WORDS = 50_000  # per kind: words reach the file only from rule packs and drafts' matches
_KINDS = {"singular": str, "plural": str, "noun": bool}
_lock = threading.Lock()
_folder = None
_memo: dict[str, dict] | None = None
_file: Path | None = None  # the memo's file (None: not kept on disk)
_added: dict[str, dict] = {kind: {} for kind in _KINDS}
_registered = False


def use_disk_cache(folder) -> None:
    """Keep answers in ``folder`` (the cache folder); None: this process only."""
    global _folder, _memo
    with _lock:
        if folder != _folder:
            _folder, _memo = folder, None


def _fingerprint() -> str | None:
    """What the answers depend on: the inflector's and the tagger lexicon's
    files (size and modification time: an upgrade changes them) and this
    module's format.  None when TextBlob cannot be found."""
    try:
        import importlib.util

        spec = importlib.util.find_spec("textblob")
        if spec is None or not spec.submodule_search_locations:
            return None
        en = Path(list(spec.submodule_search_locations)[0]) / "en"
        h = hashlib.blake2b(f"{FORMAT}".encode(), digest_size=12)
        for name in ("inflect.py", "__init__.py", "en-lexicon.txt", "../_text.py"):
            st = (en / name).stat()
            h.update(f"\0{name}\0{st.st_size}\0{st.st_mtime_ns}".encode())
        h.update(Path(__file__).read_bytes())
        return h.hexdigest()
    except (OSError, ValueError, ImportError):
        return None


def _path() -> Path | None:
    if _folder is None or os.environ.get("COPYDESK_INFLECT_CACHE", "").lower() == "off":
        return None
    fp = _fingerprint()
    return None if fp is None else Path(_folder) / "inflect" / f"{fp}.json"


def _read(path: Path | None) -> dict[str, dict]:
    out: dict[str, dict] = {kind: {} for kind in _KINDS}
    if path is None:
        return out
    try:
        if path.stat().st_size > 16 * 1024 * 1024:
            return out
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):
        return out
    if not isinstance(data, dict):
        return out
    for kind, typ in _KINDS.items():
        table = data.get(kind)
        if isinstance(table, dict):
            out[kind] = {k: v for k, v in table.items() if isinstance(k, str) and type(v) is typ}
    return out


def _answer(kind: str, word: str, compute):
    global _memo, _file, _registered
    with _lock:
        if _memo is None:
            _file = _path()
            _memo = _read(_file)
        hit = _memo[kind].get(word)
    if hit is not None:
        return hit
    value = compute(word)
    with _lock:
        _memo[kind][word] = value
        if _file is not None and len(_added[kind]) < MAX_WORDS:
            _added[kind][word] = value
            if not _registered:
                _registered = True
                atexit.register(flush)
    return value


def flush() -> None:
    """Write this process's new answers to the cache folder (best effort)."""
    with _lock:
        added = {kind: dict(table) for kind, table in _added.items()}
        for table in _added.values():
            table.clear()
        path = _file
    if path is None or not any(added.values()):
        return
    data = _read(path)
    for kind, table in added.items():
        if len(data[kind]) + len(table) <= MAX_WORDS:
            data[kind].update(table)
    write_atomic(path, json.dumps(data, ensure_ascii=False, sort_keys=True), prefix=".inflect-")


@lru_cache(maxsize=None)
def _inflect_module():
    from .pattern_en import pattern_en_inflect  # textblob.en.inflect without NLTK

    return pattern_en_inflect()


@lru_cache(maxsize=None)
def _pos_lexicon():
    """The Pattern tagger's word -> tag lexicon shipped with TextBlob (offline)."""
    from .pattern_en import pattern_en  # textblob.en without NLTK

    return pattern_en().lexicon


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    return _answer("singular", word, lambda w: _inflect_module().singularize(w))


@lru_cache(maxsize=8192)
def plural(word: str) -> str:
    return _answer("plural", word, lambda w: _inflect_module().pluralize(w))


@lru_cache(maxsize=8192)
def is_plural(word: str) -> bool:
    """"men", "authorities", "attackers" are plural already: pluralising
    them again would give "mens"."""
    if word.endswith(("ss", "us", "is")):
        return False
    single = singular(word)
    return single != word and plural(single) == word


@lru_cache(maxsize=8192)
def is_noun(word: str) -> bool:
    """Only nouns take a plural: "armed", "dead", "advancing" stay.  The
    tagger's lexicon gives one tag per word, so words that are adjectives
    and nouns alike ("militant", "offensive", "radical") count as nouns."""
    low = word.lower()
    if low.endswith(("ed", "ing")):
        return False
    return _answer("noun", word, _is_noun)


def _is_noun(word: str) -> bool:
    low = word.lower()
    lexicon = _pos_lexicon()
    tag = lexicon.get(word) or lexicon.get(low)
    return not (tag and tag.startswith("JJ") and not low.endswith(("ant", "ist", "ive", "al")))


class Inflector:
    """What a check asks of a language's morphology."""

    singular = staticmethod(singular)
    plural = staticmethod(plural)
    is_plural = staticmethod(is_plural)
    is_noun = staticmethod(is_noun)

    @staticmethod
    @lru_cache(maxsize=8192)
    def agree(suggestion: str, matched: str) -> str:
        """Carry the plural and the capital of the matched word to a
        suggestion ("Regimes" -> "Governments")."""
        out = suggestion
        last_matched = matched.lower().rstrip("'’").rsplit(" ", 1)[-1].rsplit("-", 1)[-1]
        if is_plural(last_matched):
            head, _, last = out.rpartition(" ")
            if is_noun(last) and not is_plural(last):
                out = (head + " " if head else "") + plural(last)
        if matched[:1].isupper() and out[:1].islower():
            out = out[0].upper() + out[1:]
        return out
