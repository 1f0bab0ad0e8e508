"""Long incremental-sync fuzz: N random edits (default 10,000) through a real
client to ``copydesk serve``; after every notification the published
diagnostics must equal a fresh full lint of the editor's text.

    python bench/fuzz_lsp.py [--edits 10000] [--seed 1] [--docs 4]

Exit 0 when every check held, 1 at the first mismatch (printed with the
edit history needed to replay it).  Results go in bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "server"), str(ROOT / "tests"), str(ROOT / "tests" / "netguard")]
# The server subprocess runs this checkout, under the same network guard as the tests.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(ROOT / "server"), str(ROOT / "tests" / "netguard"), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)

from lsprotocol import types  # noqa: E402
from pygls.uris import to_fs_path  # noqa: E402

from lsp_fuzzing import PIECES, Edit, FullLint, ServerSession, ranges_hold_their_match, snap  # noqa: E402

SEED_TEXT = (ROOT / "examples" / "aleppo-draft.md").read_text(encoding="utf-8")


def random_text(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(PIECES) for _ in range(n))


def random_edit(rng: random.Random, doc: str) -> Edit:
    kind = rng.choice(["insert", "insert", "delete", "replace", "replace-lines"])
    a = snap(doc, rng.randint(0, len(doc)))
    if kind == "insert":
        b = a
    elif kind == "replace-lines":
        b = snap(doc, rng.randint(a, min(len(doc), a + 150)))
    else:
        b = snap(doc, rng.randint(a, min(len(doc), a + 40)))
    text = "" if kind == "delete" else random_text(rng, rng.randint(1, 10))
    return Edit(a, max(a, b), text)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--edits", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--docs", type=int, default=4, help="documents edited in turn")
    args = ap.parse_args()
    rng = random.Random(args.seed)
    full = FullLint()
    with tempfile.TemporaryDirectory() as tmp:
        ws = Path(tmp)
        (ws / "copydesk.toml").write_text("", encoding="utf-8")
        session = ServerSession(ws)
        try:
            docs = {}
            for i in range(args.docs):
                uri = session.new_uri()
                text = [SEED_TEXT, SEED_TEXT.replace("\n", "\r\n"), "", random_text(rng, 80)][i % 4]
                session.open(uri, text)
                docs[uri] = text
            history: dict[str, list] = {uri: [("open", text)] for uri, text in docs.items()}
            edits = checks = findings = 0
            max_len = 0
            t0 = time.perf_counter()
            while edits < args.edits:
                uri = rng.choice(list(docs))
                text = docs[uri]
                changes = []
                for _ in range(rng.choice([1, 1, 1, 2, 3])):
                    if rng.random() < 0.01:
                        text = rng.choice(["", SEED_TEXT, text + "\nThe regime fell."])
                        changes.append(types.TextDocumentContentChangeWholeDocument(text=text))
                        history[uri].append(("full", text))
                    else:
                        if len(text) > 6000:  # keep documents editor-sized
                            e = Edit(0, snap(text, 3000), "")
                        else:
                            e = random_edit(rng, text)
                        changes.append(e.change(text))
                        history[uri].append(e)
                        text = e.apply(text)
                    edits += 1
                docs[uri] = text
                max_len = max(max_len, len(text))
                session.change(uri, changes)
                got = session.published(uri)
                want = full.diagnostics(text, to_fs_path(uri))
                checks += 1
                findings += len(want)
                bad = ranges_hold_their_match(text, got or [])
                if got != want or bad:
                    print(f"MISMATCH after {edits} edits ({checks} checks) on {uri}", file=sys.stderr)
                    print(f"text={text!r}", file=sys.stderr)
                    print(f"last edits={history[uri][-5:]!r}", file=sys.stderr)
                    print(f"got={got!r}\nwant={want!r}\nbad ranges={bad}", file=sys.stderr)
                    return 1
                if checks % 500 == 0:
                    print(f"  {edits} edits, {checks} checks, {time.perf_counter() - t0:.0f} s", file=sys.stderr)
            elapsed = time.perf_counter() - t0
            errors = session.errors_logged()
        finally:
            session.close()
    print(f"OK: {edits} edits in {checks} didChange notifications over {args.docs} documents "
          f"(seed {args.seed}): published diagnostics == full lint after every one; "
          f"{findings} findings compared, longest document {max_len} chars, "
          f"{elapsed:.1f} s ({1000 * elapsed / checks:.1f} ms per change incl. full re-lint), "
          f"server errors logged: {len(errors)}")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main())
