"""Resident memory per keystroke in a 400 KB one-paragraph draft, the
server's analysis path in one process (issue 18, item 5).

What the language server does per keystroke (engine lint of the whole draft,
malloc_trim, diagnostics, their JSON), with the server's allocator
(PYTHONMALLOC=malloc, set it when running this) and, with --server-gc, its
garbage-collector settings (cli/serve.py: gc.freeze, thresholds 20000/20/50).
Prints RSS (MiB) after each of 30 edits and the growth after a warm-up of 10.
The same over stdio through a real client: tests/test_lsp_long_session.py -s.

    PYTHONMALLOC=malloc PYTHONPATH=server python bench/bench_lsp_memory.py --server-gc
"""
from __future__ import annotations

import argparse
import gc
import json

from lsprotocol import types
from pygls.protocol import default_converter

from copydesk.config import Config
from copydesk.engine import Engine
from copydesk.lang import syntax
from copydesk.lsp.convert import diagnostic
from copydesk.lsp.memory import give_back, tune_allocator
from copydesk.text.document import Document
from copydesk.text.prose import keep_incremental_state

SENTENCE = ("The regime said its forces had retaken the district, while residents reported that "
            "at least 40 people were killed in the shelling of the market. ")


def rss_mib() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--server-gc", action="store_true", help="the server's gc.freeze and thresholds")
    ap.add_argument("--edits", type=int, default=30)
    args = ap.parse_args()
    tune_allocator()
    keep_incremental_state(64)
    converter = default_converter()
    if syntax.available():
        pass  # loaded now, as the server loads it at start
    engine = Engine(Config())
    if args.server_gc:
        gc.freeze()
        gc.set_threshold(20000, 20, 50)
    text = SENTENCE * (400_000 // len(SENTENCE))
    kept = None
    samples = []
    for v in range(1, args.edits + 1):
        at = 4 + v
        text = text[:at] + "x" + text[at:]
        doc = Document(text, path="/bench/long.md", language="markdown")
        result = engine.lint(doc)
        give_back()
        diags = [diagnostic(doc, f, engine.active_rules.get(f.rule_id), "utf-16") for f in result.findings]
        json.dumps(converter.unstructure(types.PublishDiagnosticsParams(uri="file:///bench/long.md",
                                                                         diagnostics=diags, version=v)))
        kept = (doc, result, diags)  # the server keeps the last analysis of each document
        samples.append(round(rss_mib(), 1))
    warm = min(10, len(samples)) - 1
    print(f"findings per lint: {len(kept[1].findings)}")
    print(f"RSS MiB per edit: {samples}")
    print(f"growth after edit {warm + 1}: {samples[-1] - samples[warm]:+.1f} MiB over {len(samples) - warm - 1} edits")


if __name__ == "__main__":
    main()
