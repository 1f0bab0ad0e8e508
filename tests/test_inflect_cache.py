"""Inflections kept in the cache folder (lang/inflect.py): a re-run answers
from the file and never imports TextBlob, with the same findings; a damaged
or foreign file is a miss, never a wrong answer."""
import json
import os
import subprocess
import sys

from conftest import run_cli

DRAFT = ("Regimes fell. The terrorists attacked the town, officials said.\n\n"
         "A terrorist regime, the militants said, was to blame.\n")

# Lint in a fresh process and say whether TextBlob was imported.
PROBE = """
import json, sys
from copydesk.config import Config
from copydesk.engine import Engine
from copydesk.text.document import Document
r = Engine(Config()).lint(Document(open(sys.argv[1], encoding="utf-8").read(), path=sys.argv[1]))
print(json.dumps({"textblob": "textblob.en.inflect" in sys.modules,
                  "fixes": sorted(fx.title for f in r.findings for fx in f.fixes)}))
"""


def _probe(draft, cache) -> dict:
    env = {**os.environ, "COPYDESK_CACHE_DIR": str(cache)}
    out = subprocess.run([sys.executable, "-c", PROBE, str(draft)], env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    return json.loads(out.stdout)


def _memo_files(cache):
    return sorted((cache / "inflect").glob("*.json")) if (cache / "inflect").exists() else []


def test_a_rerun_answers_inflections_from_the_cache_folder(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    cache = tmp_path / "cache"
    first = _probe(draft, cache)
    assert first["textblob"] and first["fixes"]  # plural and singular fixes were inflected
    assert any("Governments" in f or "governments" in f for f in first["fixes"]), first["fixes"]
    files = _memo_files(cache)
    assert len(files) == 1
    memo = json.loads(files[0].read_text(encoding="utf-8"))
    assert memo["singular"] and memo["plural"]
    again = _probe(draft, cache)
    assert again == {"textblob": False, "fixes": first["fixes"]}


def test_a_damaged_or_foreign_memo_is_a_miss(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    fresh = _probe(draft, tmp_path / "fresh")
    cache = tmp_path / "cache"
    _probe(draft, cache)
    (path,) = _memo_files(cache)
    memo = json.loads(path.read_text(encoding="utf-8"))
    # Wrong types are ignored entry by entry; a word answered wrongly of the right type is
    # what the fingerprint (the inflector's files) guards against, not this check.
    memo["plural"] = {word: 7 for word in memo["plural"]}
    memo["noun"] = "not a table"
    path.write_text(json.dumps(memo), encoding="utf-8")
    assert _probe(draft, cache)["fixes"] == fresh["fixes"]
    path.write_bytes(b"\x00garbage{")
    assert _probe(draft, cache) == {"textblob": True, "fixes": fresh["fixes"]}
    assert json.loads(path.read_text(encoding="utf-8"))["singular"]  # rewritten whole


def test_cli_findings_identical_with_the_memo_off(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(DRAFT, encoding="utf-8")
    runs = []
    for setting in ("", "", "off"):
        env_note = {"COPYDESK_INFLECT_CACHE": setting}
        old = {k: os.environ.get(k) for k in env_note}
        os.environ.update(env_note)
        try:
            runs.append(run_cli("check", "--format", "json", "--fail-on", "never", str(draft), cwd=tmp_path).stdout)
        finally:
            for k, v in old.items():
                os.environ.pop(k) if v is None else os.environ.__setitem__(k, v)
    assert runs[0] == runs[1] == runs[2] and b"loaded-term/terrorist" in runs[0]
