"""Output formats: one module each, discovered by name.

A format module defines ``NAME`` and ``render(report, out, *, color, options)``
which writes the whole report to the text stream ``out``.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType


@lru_cache(maxsize=1)
def formats() -> dict[str, ModuleType]:
    found = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        name = getattr(module, "NAME", None)
        if name and callable(getattr(module, "render", None)):
            found[name] = module
    return found
