"""Check modules are discovered: a new check is one module in this package."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from .base import Check, CheckContext


@lru_cache(maxsize=1)
def registry() -> dict[str, type[Check]]:
    """Map rule kind -> check class, from every module in this package."""
    found: dict[str, type[Check]] = {}
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("_") or info.name == "base":
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, Check) and obj is not Check and obj.kinds:
                if obj.__module__ != module.__name__:
                    continue
                for kind in obj.kinds:
                    found[kind] = obj
    return found


__all__ = ["Check", "CheckContext", "registry"]
