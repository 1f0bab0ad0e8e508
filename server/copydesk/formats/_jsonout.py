"""Write big JSON documents fast and still readable.

``json.dump(indent=2)`` runs the pure-Python encoder (millions of small
writes for a large report).  Here the outer structure is indented and each
element of the long lists (findings, results) is one compact line, encoded
by the C encoder.
"""
from __future__ import annotations

import json

_compact = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": "), default=str).encode


def write(out, value, long_lists: frozenset[str], indent: str = "") -> None:
    """Write ``value``; lists under a key in ``long_lists`` get one item a line."""
    if isinstance(value, dict) and value:
        inner = indent + "  "
        out.write("{\n")
        items = list(value.items())
        for i, (key, item) in enumerate(items):
            out.write(f"{inner}{_compact(key)}: ")
            if key in long_lists and isinstance(item, list) and item:
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
