#!/usr/bin/env python3
"""Language server latency: drive the real ``copydesk serve`` over stdio.

A 5,000-word draft built from the seed corpus (curly quotes, loaded terms);
debounce 0.  Measures

- open:  didOpen -> publishDiagnostics (first open: engine already warm from
  one small document; then N more drafts with distinct text, so the paragraph
  cache does not help)
- edit:  a one-character didChange (incremental) -> the next
  publishDiagnostics for that version, over 100 edits at random places
- hover: a hover request at a random place in the prose of the edited draft
  (after its diagnostics arrived) -> the response, 100 hovers

With ``--fast-first`` the server publishes the findings that need no new
parse at once and the syntactic layer's when the parse is done (the
``fastFirst`` setting); opens then report both the first publish and the
whole set (the publish whose count equals an in-process ``Engine.lint`` of
the same text), and edits the first publish.

    python bench/bench_lsp.py [--words 5000] [--edits 100] [--opens 10] [--hovers 100] [--fast-first]
"""
from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parents[1]

LOADED = [
    "The regime’s forces regrouped near the city.",
    "Witnesses described the attack as a blitzkrieg.",
    "Officials blamed terrorist cells for the blasts.",
    "The jihadist fighters withdrew overnight.",
]


def seed_sentences() -> list[str]:
    out = []
    for f in sorted((ROOT / "seeds").glob("*.txt")):
        text = f.read_text(encoding="utf-8")
        for line in text.splitlines():
            for s in re.split(r"(?<=[.!?])\s+", line.strip()):
                if len(s.split()) >= 6:
                    out.append(s.replace('"', "“", 1).replace('"', "”", 1).replace("'", "’"))
    return out


def build_draft(words: int, seed: int = 7, tag: str = "") -> str:
    rng = random.Random(seed)
    sentences = seed_sentences()
    paras, count = ["# Rebels take Aleppo — a draft 🙂\n"], 0
    while count < words:
        par = [rng.choice(sentences) for _ in range(rng.randint(3, 6))]
        if rng.random() < 0.4:
            par.insert(rng.randrange(len(par) + 1), rng.choice(LOADED))
        if rng.random() < 0.3:
            par.append("“We will not give up,” a commander told reporters.")
        if tag:
            par.append(f"Draft {tag}.")
        body = " ".join(par)
        count += len(body.split())
        paras.append(body + "\n")
    return "\n".join(paras)


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("copydesk-bench", "1")
        self.waiters: dict[tuple[str, int | None], asyncio.Future] = {}
        self.whole: dict[tuple[str, int | None, int], asyncio.Future] = {}
        self.counts: dict[str, int] = {}
        self.fast_first = False

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams):
            now = time.perf_counter()
            self.counts[params.uri] = len(params.diagnostics)
            fut = self.waiters.pop((params.uri, params.version), None)
            if fut is not None and not fut.done():
                fut.set_result(now)
            fut = self.whole.pop((params.uri, params.version, len(params.diagnostics)), None)
            if fut is not None and not fut.done():
                fut.set_result(now)

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params):
            pass

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_show(params):
            pass

    def expect(self, uri: str, version: int) -> asyncio.Future:
        fut = asyncio.get_running_loop().create_future()
        self.waiters[(uri, version)] = fut
        return fut

    async def start(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "server"), env.get("PYTHONPATH", "")])
        cmd = os.environ.get("BENCH_SERVER_PREFIX", "").split() + ["-m", "copydesk", "serve"]
        await self.client.start_io(sys.executable, *cmd, env=env)
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"debounce": 0, "fastFirst": self.fast_first},
            root_uri=ROOT.as_uri()))
        self.client.initialized(types.InitializedParams())

    async def open(self, uri: str, text: str, expected: int | None = None) -> float | tuple[float, float]:
        """Seconds to the first publish; with ``expected`` (a count of
        findings), also to the publish of that many (the whole set)."""
        fut = self.expect(uri, 1)
        whole = None
        if expected is not None:
            whole = self.whole[(uri, 1, expected)] = asyncio.get_running_loop().create_future()
        t0 = time.perf_counter()
        self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text)))
        first = (await asyncio.wait_for(fut, 60)) - t0
        if whole is None:
            return first
        return first, (await asyncio.wait_for(whole, 120)) - t0

    async def edit(self, uri: str, version: int, line: int, col: int, ch: str) -> float:
        fut = self.expect(uri, version)
        pos = types.Position(line, col)
        t0 = time.perf_counter()
        self.client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[types.TextDocumentContentChangePartial(range=types.Range(pos, pos), text=ch)]))
        return (await asyncio.wait_for(fut, 30)) - t0

    async def hover(self, uri: str, line: int, col: int) -> float:
        t0 = time.perf_counter()
        await asyncio.wait_for(self.client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line, col))), 30)
        return time.perf_counter() - t0

    async def stop(self) -> None:
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--words", type=int, default=5000)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--opens", type=int, default=10)
    ap.add_argument("--hovers", type=int, default=100)
    ap.add_argument("--fast-first", action="store_true",
                    help="the fastFirst setting: fast findings at once, the syntactic layer's after the parse")
    args = ap.parse_args()

    draft = build_draft(args.words)
    texts = [build_draft(args.words, seed=100 + i, tag=str(i)) for i in range(args.opens)]
    expected: dict[str, int] = {}
    if args.fast_first:
        # The whole set's size, from the engine in this process (before the
        # server starts, so it takes no CPU from the timed part).
        sys.path.insert(0, str(ROOT / "server"))
        from copydesk.runner import ConfigCache
        from copydesk.text.document import Document

        configs = ConfigCache()
        for name, text in [("draft.md", draft)] + [(f"draft{i}.md", t) for i, t in enumerate(texts)]:
            path = ROOT / "bench" / name
            engine = configs.engine(configs.for_path(path))
            expected[path.as_uri()] = len(engine.lint(Document(text, path=str(path), language="markdown")).findings)
        del configs, engine

    bench = Bench()
    bench.fast_first = args.fast_first
    t0 = time.perf_counter()
    await bench.start()
    warm = await bench.open((ROOT / "bench" / "warmup.md").as_uri(), "The regime fell.\n")
    startup = time.perf_counter() - t0

    uri = (ROOT / "bench" / "draft.md").as_uri()
    first = await bench.open(uri, draft, expected.get(uri))
    opens = []
    for i, text in enumerate(texts):
        u = (ROOT / "bench" / f"draft{i}.md").as_uri()
        opens.append(await bench.open(u, text, expected.get(u)))

    rng = random.Random(1)
    lines = draft.split("\n")
    prose = [i for i, line in enumerate(lines) if len(line) > 20 and not line.startswith("#")]
    edits = []
    for version in range(2, args.edits + 2):
        n = rng.choice(prose)
        col = rng.randrange(len(lines[n]))
        ch = rng.choice("abcdefghijklmnopqrstuvwxyz ,")
        lines[n] = lines[n][:col] + ch + lines[n][col:]
        # the draft has no astral characters on prose lines: columns are UTF-16
        edits.append(await bench.edit(uri, version, n, col, ch))
    hovers = []
    for _ in range(args.hovers):
        n = rng.choice(prose)
        hovers.append(await bench.hover(uri, n, rng.randrange(len(lines[n]))))
    await bench.stop()

    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731
    print(f"draft: {len(draft.split())} words, {len(draft)} characters, {bench.counts.get(uri)} diagnostics")
    print(f"server start + first tiny document: {ms(startup)} (first publish {ms(warm)})")
    if args.fast_first:
        fo, wo = [o[0] for o in opens], [o[1] for o in opens]
        print(f"open 5,000-word draft (cold paragraph cache), fastFirst: first publish {ms(first[0])}, whole set "
              f"{ms(first[1])}; {args.opens} distinct drafts: first publish median {ms(statistics.median(fo))} "
              f"(p95 {ms(p95(fo))}), whole set median {ms(statistics.median(wo))} (p95 {ms(p95(wo))})")
    else:
        print(f"open 5,000-word draft (cold paragraph cache): first {ms(first)}; "
              f"{args.opens} distinct drafts median {ms(statistics.median(opens))}, p95 {ms(p95(opens))}")
    print(f"one-character edit -> publishDiagnostics over {args.edits} edits: "
          f"median {ms(statistics.median(edits))}, p95 {ms(p95(edits))}, max {ms(max(edits))}")
    if hovers:
        print(f"hover at a random place over {args.hovers} hovers: median {ms(statistics.median(hovers))}, "
              f"p95 {ms(p95(hovers))}, max {ms(max(hovers))}")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
          f"server CPU (user+sys of children so far): {_children_cpu():.1f} s")


def _children_cpu() -> float:
    r = __import__("resource").getrusage(__import__("resource").RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


if __name__ == "__main__":
    asyncio.run(main())
