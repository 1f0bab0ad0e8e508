"""Write big JSON documents fast and still readable.

``json.dump(indent=2)`` runs the pure-Python encoder (millions of small
writes for a large report).  Here the outer structure is indented and each
element of the long lists (findings, results) is one compact line, encoded
by the C encoder.
"""
from __future__ import annotations

import json
import shutil
import tempfile

_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=str).encode


class Spool:
    """A long list written as its elements come (each encoded at once to a
    temporary file, one a line), so a run over thousands of drafts holds none
    of them; ``write`` copies it into the document where the list belongs."""

    def __init__(self) -> None:
        self.n = 0
        self._fh = None

    def append(self, element) -> None:
        if self._fh is None:
            self._fh = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")
        # The compact encoding escapes every line break a string may hold.
        self._fh.write(_compact(element) + "\n")
        self.n += 1

    def __len__(self) -> int:
        return self.n

    def write_items(self, out, indent: str) -> None:
        fh = self._fh
        if fh is None:
            return
        fh.seek(0)
        last = self.n - 1
        for j, line in enumerate(fh):
            out.write(indent + line[:-1] + (",\n" if j < last else "\n"))

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


def copy_spooled(fh, out) -> None:
    """Copy a temporary text file (written from the start) into ``out``."""
    fh.seek(0)
    shutil.copyfileobj(fh, out, 1 << 16)


def write(out, value, long_lists: frozenset[str], indent: str = "") -> None:
    """Write ``value``; lists under a key in ``long_lists`` get one item a line
    (a ``Spool`` there is copied in, one item a line)."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        out.write("{\n")
        items = list(value.items())
        for i, (key, item) in enumerate(items):
            out.write(f"{inner}{_compact(key)}: ")
            if isinstance(item, Spool):
                if item.n:
                    out.write("[\n")
                    item.write_items(out, inner + "  ")
                    out.write(inner + "]")
                else:
                    out.write("[]")
            elif key in long_lists and isinstance(item, list) and item:
                out.write("[\n")
                for j, element in enumerate(item):
                    out.write(inner + "  " + _compact(element) + (",\n" if j + 1 < len(item) else "\n"))
                out.write(inner + "]")
            else:
                write(out, item, long_lists, inner)
            out.write(",\n" if i + 1 < len(items) else "\n")
        out.write(indent + "}")
    elif isinstance(value, list) and value and any(isinstance(v, (dict, list)) for v in value):
        inner = indent + "  "
        out.write("[\n")
        for j, element in enumerate(value):
            out.write(inner)
            write(out, element, long_lists, inner)
            out.write(",\n" if j + 1 < len(value) else "\n")
        out.write(indent + "]")
    else:
        out.write(_compact(value))
