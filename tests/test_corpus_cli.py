"""The corpus and figures through the command line, as a user runs them."""
import json
import os
from pathlib import Path

from conftest import SEEDS, run_cli, run_json

SEED_004 = "004_1ed8f723cc3f719b.txt"
SEED_001 = "001_f2b34387c5484f8c.txt"


def test_corpus_index_then_stats_then_search(tmp_path):
    cache = tmp_path / "cache"
    env_args = ("--cache", str(cache))
    first = run_cli("corpus", "index", *env_args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr_text
    assert "5 added" in first.stdout_text and "figures" in first.stdout_text
    again = run_cli("corpus", "index", "--json", *env_args, cwd=tmp_path)
    counts = json.loads(again.stdout_text)
    assert (counts["added"], counts["unchanged"], counts["files"]) == (0, 5, 5)
    assert Path(counts["index"]).parent == cache

    stats = run_cli("corpus", "stats", "--json", *env_args, cwd=tmp_path)
    s = json.loads(stats.stdout_text)
    assert s["files"] == 5 and s["figures"] > 20 and s["groups"]["deaths"] >= 3
    human = run_cli("corpus", "stats", *env_args, cwd=tmp_path)
    assert "sentences:" in human.stdout_text and str(SEEDS) in human.stdout_text

    found = run_cli("corpus", "search", "civilians Idlib", *env_args, cwd=tmp_path)
    assert found.returncode == 0
    first_line = found.stdout_text.splitlines()[0]
    assert first_line.startswith(f"{SEEDS / SEED_004}:28:1: They reported that strikes")
    hits = json.loads(run_cli("corpus", "search", "412 deaths", "--json", *env_args, cwd=tmp_path).stdout_text)
    assert [(Path(h["path"]).name, h["line"]) for h in hits] == [(SEED_004, 56)]
    none = run_cli("corpus", "search", "Valencia floods", *env_args, cwd=tmp_path)
    assert none.returncode == 1 and "no corpus sentence" in none.stderr_text


def test_corpus_commands_follow_the_config_and_write_only_to_the_cache(tmp_path):
    proj = tmp_path / "newsroom"
    (proj / "archive").mkdir(parents=True)
    (proj / "archive" / "toll.md").write_text(
        "---\ntitle: Toll rises\noutlet: Wire Desk\ndate: 2024-12-02\n---\n\n"
        "The Observatory said strikes on Idlib have killed at least 70 civilians since Wednesday.\n",
        encoding="utf-8")
    (proj / "copydesk.toml").write_text('corpus = ["archive/"]\ncache = "cache"\n', encoding="utf-8")
    before = set(os.listdir(proj))
    r = run_cli("corpus", "index", cwd=proj)
    assert r.returncode == 0 and "1 added" in r.stdout_text
    assert set(os.listdir(proj)) == before | {"cache"}
    r = run_cli("corpus", "search", "Idlib civilians", "--json", cwd=proj)
    [hit] = json.loads(r.stdout_text)
    assert hit["line"] == 7 and hit["meta"]["outlet"] == "Wire Desk"

    draft = proj / "draft.md"
    # Dated like the archive's article (an undated draft is today: outside the comparison window).
    draft.write_text("---\ndate: 2024-12-02\n---\n\nStrikes on Idlib have killed at least 150 civilians since "
                     "Wednesday, the Observatory said.\n", encoding="utf-8")
    code, out = run_json(str(draft), cwd=proj)
    assert code == 1
    [f] = [f for f in out["findings"] if f["rule_id"] == "figures/figure-mismatch"]
    [ev] = f["related"]
    assert ev["path"] == str(proj / "archive" / "toll.md") and ev["line"] == 7
    assert ev["meta"] == {"title": "Toll rises", "outlet": "Wire Desk", "date": "2024-12-02"}


def test_check_json_shows_related_evidence_and_fixes(tmp_path):
    draft = tmp_path / "draft.md"
    draft.write_text(
        "# Aleppo\n\nRebels swept into the city. The fighting has left 250 deaths, including at least "
        "61 civilians.\n", encoding="utf-8")
    code, out = run_json(str(draft), "--disable", "loaded-term", cwd=tmp_path)
    assert code == 1
    [f] = [f for f in out["findings"] if f["rule_id"].startswith("figures/")]
    assert f["rule_id"] == "figures/figure-mismatch" and f["text"] == "250 deaths"
    col = len("Rebels swept into the city. The fighting has left ") + 1
    assert (f["line"], f["column"]) == (3, col)
    assert {(Path(r["path"]).name, r["line"]) for r in f["related"]} == {(SEED_004, 56), (SEED_001, 8)}
    assert any("over 412 deaths" in r["text"] for r in f["related"])
    assert [x["edits"][0]["new_text"] for x in f["fixes"]] == ["over 412", "more than 300"]
    assert f["fixes"][0]["edits"][0]["start"] == {"line": 3, "column": col}
    assert f["fixes"][0]["edits"][0]["end"] == {"line": 3, "column": col + len("250")}


def test_bundled_example_reports_the_toll_and_exits_1():
    r = run_cli("check", str(Path(__file__).resolve().parents[1] / "examples" / "aleppo-draft.md"))
    assert r.returncode == 1
    assert "figures/figure-mismatch" in r.stdout_text and "over 412 deaths" in r.stdout_text


def test_check_with_figures_disabled_does_not_touch_the_cache(tmp_path):
    cache = Path(os.environ["COPYDESK_CACHE_DIR"])
    draft = tmp_path / "d.md"
    draft.write_text("The fighting has left over 500 deaths.\n", encoding="utf-8")
    r = run_cli("check", str(draft), "--disable", "figures", "--fail-on", "never", cwd=tmp_path)
    assert r.returncode == 0, r.stderr_text
    assert "figures/" not in r.stdout_text
    # No corpus work: only the validated rule packs (packs/) may be cached.
    assert not cache.exists() or [p.name for p in cache.iterdir()] in ([], ["packs"])
    assert not list(cache.glob("corpus-*"))
