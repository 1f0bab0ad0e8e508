"""A check that exists only in tests (added to copydesk.checks' search path
by the server command of test_lsp_checks.py): it raises on paragraphs that
say KABOOM and answers hovers on figures, like the figures check does."""
from __future__ import annotations

import re

from copydesk.checks.base import Check


class Probe(Check):
    kinds = ("probe",)
    schemas = {"probe": {"properties": {}}}

    def check_paragraph(self, par):
        if "KABOOM" in par.text:
            raise RuntimeError("probe exploded on purpose")
        return ()

    def hover(self, model, offset):
        for m in re.finditer(r"\d[\d,]*", model.doc.text):
            if m.start() <= offset < m.end():
                return f"**Corpus** on {m.group(0)}: “over 412 deaths” (seeds/001.txt:3)"
        return None
