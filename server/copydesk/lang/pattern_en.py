"""TextBlob's Pattern English module (``textblob.en``) without NLTK.

``textblob.en`` (the tagger lexicon, the sentiment lexicon, the inflector)
is plain Python and data files, but importing it runs ``textblob/__init__``,
which imports ``textblob.blob`` and with it NLTK and NumPy: about 0.3 s of
a one-line ``copydesk check``, for nothing copydesk uses.  ``pattern_en()``
registers the ``textblob`` package without running its ``__init__`` and
imports ``textblob.en`` (and, when asked, ``textblob.en.inflect``) from it.  The package's
``__init__`` runs the first time something asks the package for a name it
does not have yet (``from textblob import TextBlob``), so a program that
uses the rest of TextBlob still gets it whole.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types
from functools import lru_cache


@lru_cache(maxsize=1)
def pattern_en_inflect() -> types.ModuleType:
    """``textblob.en.inflect`` (its ~150 regular expressions compile on
    import: only when a word is inflected), never importing NLTK."""
    pattern_en()
    return importlib.import_module("textblob.en.inflect")


@lru_cache(maxsize=1)
def pattern_en() -> types.ModuleType:
    """``textblob.en`` (the tagger lexicon, sentiment), never importing NLTK."""
    if "textblob" not in sys.modules:
        spec = importlib.util.find_spec("textblob")  # locates the package; runs nothing
        if spec is not None and spec.loader is not None and spec.submodule_search_locations:
            package = importlib.util.module_from_spec(spec)

            def __getattr__(name: str):
                # First use of anything but a submodule: run the real __init__ now.
                if name.startswith("__"):
                    raise AttributeError(name)
                package.__dict__.pop("__getattr__", None)
                spec.loader.exec_module(package)
                return getattr(package, name)

            package.__getattr__ = __getattr__
            sys.modules["textblob"] = package
    return importlib.import_module("textblob.en")
