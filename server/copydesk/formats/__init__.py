"""Output formats: one module each, discovered by name.

A format module defines ``NAME`` and ``render(report, out, *, color, options)``
which writes the whole report to the text stream ``out``.  A format that can
be written while the run goes on also defines ``Stream`` (``add(file_report)``
per draft, in order, then ``close()``), so a run over thousands of drafts keeps
none of their findings; ``open_stream`` gives every format that interface.
"""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache
from types import ModuleType


def format_names() -> list[str]:
    """The formats' names without importing them (a format's ``NAME`` is its
    module's name: tests/test_formats.py holds them to it), so ``copydesk
    check`` imports only the format it writes."""
    return sorted(info.name for info in pkgutil.iter_modules(__path__) if not info.name.startswith("_"))


def format_module(name: str) -> ModuleType:
    if name in format_names():
        module = importlib.import_module(f"{__name__}.{name}")
        if getattr(module, "NAME", None) == name and callable(getattr(module, "render", None)):
            return module
    return formats()[name]


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


class _Collect:
    """A format that needs the whole run before it writes (counts per rule,
    per draft): the reports are kept and rendered at ``close``."""

    def __init__(self, module: ModuleType, out, *, color: bool, options: dict, rules: dict, errors: list):
        from ..report import Report

        self.module, self.out, self.color, self.options = module, out, color, options
        self.report = Report(rules=dict(rules), errors=list(errors))

    def add(self, fr) -> None:
        self.report.files.append(fr)

    def close(self) -> None:
        self.module.render(self.report, self.out, color=self.color, options=self.options)


def open_stream(name: str, out, *, color: bool = False, options: dict | None = None,
                rules: dict | None = None, errors: list | None = None):
    """A writer of format ``name`` to ``out``: ``add`` each file report in
    order, then ``close``.  ``rules`` are every rule that can appear and
    ``errors`` the run's own problems (both known before linting starts)."""
    module = format_module(name)
    cls = getattr(module, "Stream", None) or (lambda out, **kw: _Collect(module, out, **kw))
    return cls(out, color=color, options=dict(options or {}), rules=dict(rules or {}), errors=list(errors or []))
