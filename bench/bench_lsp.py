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

With ``fastFirst`` (the server's default) the server publishes the findings
that need no new parse at once and the syntactic layer's when the parse is done,
then sends ``copydesk/diagnosticsFinal``: opens and edits report both the first
publish (what the writer sees at once) and the final one.  ``--one-publish``
measures ``fastFirst: false`` (one publish, after the parse).

    python bench/bench_lsp.py [--words 5000] [--edits 100] [--opens 10] [--hovers 100] [--one-publish]
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


FINAL = "copydesk/diagnosticsFinal"  # follows the last publish of a version (lsp/server.py)


class Bench:
    def __init__(self) -> None:
        self.client = LanguageClient("copydesk-bench", "1")
        self.waiters: dict[tuple[str, int | None], asyncio.Future] = {}
        self.finals: dict[tuple[str, int | None], asyncio.Future] = {}
        self.counts: dict[str, int] = {}
        self.fast_first = True

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams):
            now = time.perf_counter()
            self.counts[params.uri] = len(params.diagnostics)
            fut = self.waiters.pop((params.uri, params.version), None)
            if fut is not None and not fut.done():
                fut.set_result(now)

        @self.client.feature(FINAL)
        def on_final(params):
            now = time.perf_counter()
            get = params.get if isinstance(params, dict) else lambda k: getattr(params, k, None)
            fut = self.finals.pop((get("uri"), get("version")), None)
            if fut is not None and not fut.done():
                fut.set_result(now)

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params):
            pass

        @self.client.feature(types.WINDOW_SHOW_MESSAGE)
        def on_show(params):
            pass

    def expect(self, uri: str, version: int) -> tuple[asyncio.Future, asyncio.Future]:
        loop = asyncio.get_running_loop()
        first, final = loop.create_future(), loop.create_future()
        self.waiters[(uri, version)] = first
        self.finals[(uri, version)] = final
        return first, final

    async def start(self) -> None:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "server"), env.get("PYTHONPATH", "")])
        cmd = os.environ.get("BENCH_SERVER_PREFIX", "").split() + ["-m", "copydesk", "serve"]
        await self.client.start_io(sys.executable, *cmd, env=env)
        options = {"debounce": 0} if self.fast_first else {"debounce": 0, "fastFirst": False}
        await self.client.initialize_async(types.InitializeParams(
            capabilities=types.ClientCapabilities(), initialization_options=options, root_uri=ROOT.as_uri()))
        self.client.initialized(types.InitializedParams())

    async def _timed(self, uri: str, version: int, send) -> tuple[float, float]:
        """Seconds from sending to the first publish of that version, and to
        its final one (copydesk/diagnosticsFinal)."""
        first, final = self.expect(uri, version)
        t0 = time.perf_counter()
        send()
        a = await asyncio.wait_for(first, 60)
        b = await asyncio.wait_for(final, 120)
        return a - t0, b - t0

    async def open(self, uri: str, text: str) -> tuple[float, float]:
        return await self._timed(uri, 1, lambda: self.client.text_document_did_open(types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text=text))))

    async def edit(self, uri: str, version: int, line: int, col: int, ch: str) -> tuple[float, float]:
        pos = types.Position(line, col)
        return await self._timed(uri, version, lambda: self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangePartial(range=types.Range(pos, pos), text=ch)])))

    def server_cpu(self) -> float:
        """CPU seconds (user + system) the server process has used so far."""
        fields = open(f"/proc/{self.client._server.pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

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
    ap.add_argument("--one-publish", action="store_true",
                    help="fastFirst off: one publish per version, after the parse")
    args = ap.parse_args()

    draft = build_draft(args.words)
    texts = [build_draft(args.words, seed=100 + i, tag=str(i)) for i in range(args.opens)]

    bench = Bench()
    bench.fast_first = not args.one_publish
    t0 = time.perf_counter()
    await bench.start()
    warm = await bench.open((ROOT / "bench" / "warmup.md").as_uri(), "The regime fell.\n")
    startup = time.perf_counter() - t0

    uri = (ROOT / "bench" / "draft.md").as_uri()
    first = await bench.open(uri, draft)
    opens = []
    for i, text in enumerate(texts):
        opens.append(await bench.open((ROOT / "bench" / f"draft{i}.md").as_uri(), text))

    cpu_before_edits = bench.server_cpu()
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
    edit_cpu = bench.server_cpu() - cpu_before_edits
    hovers = []
    for _ in range(args.hovers):
        n = rng.choice(prose)
        hovers.append(await bench.hover(uri, n, rng.randrange(len(lines[n]))))
    await bench.stop()

    ms = lambda s: f"{s * 1000:.1f} ms"  # noqa: E731

    def dist(values: list[float]) -> str:
        return f"median {ms(statistics.median(values))}, p95 {ms(p95(values))}, max {ms(max(values))}"

    mode = "fastFirst (default)" if bench.fast_first else "one publish (fastFirst off)"
    print(f"mode: {mode}")
    print(f"draft: {len(draft.split())} words, {len(draft)} characters, {bench.counts.get(uri)} diagnostics")
    print(f"server start + first tiny document: {ms(startup)} (first publish {ms(warm[0])}, final {ms(warm[1])})")
    print(f"open 5,000-word draft (cold paragraph cache): first publish {ms(first[0])}, final {ms(first[1])}")
    print(f"open {args.opens} distinct drafts: first publish {dist([o[0] for o in opens])}; "
          f"final {dist([o[1] for o in opens])}")
    print(f"one-character edit over {args.edits} edits: first publish {dist([e[0] for e in edits])}; "
          f"final {dist([e[1] for e in edits])}; server CPU per edit {ms(edit_cpu / args.edits)} "
          f"(wall per edit to the final publish {ms(statistics.mean(e[1] for e in edits))})")
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
