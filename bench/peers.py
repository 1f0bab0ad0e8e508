#!/usr/bin/env python3
"""copydesk beside its peers, on the same drafts, interleaved, in one run.

    python bench/peers.py SCRATCH [DRAFTS] [--repeat 3] [--no-install]

SCRATCH is a folder of your choice: the peers are installed there from the
registries (npm: textlint 15 with textlint-rule-prh and
textlint-rule-terminology, write-good; PyPI: proselint, in its own
virtualenv), with a prh file and a terminology list made from the same terms
as copydesk's loaded-term pack (read from rules/loaded-term.yml now, so
they stay in step), and copydesk's cache folder.  Nothing is written
elsewhere.  DRAFTS defaults to SCRATCH/drafts, filled by gen_drafts.py
(1,000 drafts).

Every tool runs over the whole folder as a user would run it (one process
tree, start-up included), round-robin, ``--repeat`` times; the table shows
the median words/s by wall time and by CPU time (user + system of the whole
process tree), the peak RSS of the largest process, and the occurrences each
tool reported.  A second table times a one-line draft (cold start).  Note
the machine's load: wall-time ratios within one run are what matters.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"

NPM_PACKAGES = ["textlint@15.8.0", "textlint-rule-prh@6.1.0", "textlint-rule-terminology@5.2.16",
                "write-good@1.0.8"]
PIP_PACKAGES = ["proselint==0.16.0"]
TIME = shutil.which("time") and "/usr/bin/time"


def sh(cmd, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, check=True, **kw)


def install(scratch: Path) -> None:
    npm = scratch / "npm"
    npm.mkdir(parents=True, exist_ok=True)
    if not (npm / "package.json").exists():
        (npm / "package.json").write_text('{"name": "copydesk-peers", "private": true}\n', encoding="utf-8")
    sh(["npm", "install", "--no-audit", "--no-fund", "--save-exact", *NPM_PACKAGES], cwd=npm,
       stdout=subprocess.DEVNULL)
    venv = scratch / "venv"
    if not (venv / "bin" / "python").exists():
        sh([sys.executable, "-m", "venv", str(venv)])
    sh([str(venv / "bin" / "pip"), "install", "-q", *PIP_PACKAGES])


# ------------------------------------------------------------ same terms


def loaded_terms() -> list[tuple[list[str], str]]:
    """(terms, first suggestion) of every loaded-terms rule that lists terms."""
    import yaml

    pack = yaml.safe_load((ROOT / "rules" / "loaded-term.yml").read_text(encoding="utf-8"))
    out = []
    for rule in pack.get("rules", []):
        terms = rule.get("terms") or []
        if terms:
            out.append((terms, (rule.get("suggestions") or [terms[0]])[0]))
    return out


def _term_regex(term: str) -> str:
    # The plural and possessive forms copydesk matches too.
    # Escapes JavaScript's /u regexes accept (not re.escape's "\\-").
    words = [re.sub(r"([\\^$.*+?()\[\]{}|/])", r"\\\1", w) for w in term.split()]
    return r"\b" + r"\s+".join(words) + r"(?:s|es)?(?:['’]s?)?\b"


def write_configs(scratch: Path) -> None:
    npm = scratch / "npm"
    terms = loaded_terms()
    prh = ["version: 1", "rules:"]
    for group, expected in terms:
        prh.append(f"  - expected: {json.dumps(expected)}")
        prh.append("    patterns:")
        for t in group:
            prh.append(f"      - {json.dumps('/' + _term_regex(t) + '/i')}")
    (npm / "prh.yml").write_text("\n".join(prh) + "\n", encoding="utf-8")
    (npm / "prh.textlintrc.json").write_text(json.dumps(
        {"rules": {"prh": {"rulePaths": [str(npm / "prh.yml")]}}}, indent=2), encoding="utf-8")
    terminology = [[_term_regex(t)[2:-2], expected] for group, expected in terms for t in group]
    (npm / "terminology.textlintrc.json").write_text(json.dumps(
        {"rules": {"terminology": {"defaultTerms": False, "terms": terminology}}}, indent=2), encoding="utf-8")


# ------------------------------------------------------------ the tools


def copydesk_cmd(*args: str) -> list[str]:
    return [sys.executable, "-m", "copydesk", "check", "--format", "json", "--fail-on", "never", "--no-progress",
            *args]


def count_copydesk(out: str) -> int:
    return len(json.loads(out)["findings"])


def count_textlint(out: str) -> int:
    return sum(len(f["messages"]) for f in json.loads(out))


def count_lines(out: str) -> int:
    return sum(1 for line in out.splitlines() if line.strip())


def count_proselint(out: str) -> int:
    # proselint 0.16 `check --output-format json`: {"result": {path: {"diagnostics": [...]}}}
    data = json.loads(out)
    result = data.get("result", data)
    total = 0
    for v in result.values():
        if isinstance(v, dict):
            total += len(v.get("diagnostics", v.get("errors", [])))
        elif isinstance(v, list):
            total += len(v)
    return total


# The copydesk rows parse every sentence afresh (the parse cache in the cache
# folder off), as a first run over new drafts does; the re-run row reads the
# parses the untimed warm-up run left there, as a second run over the same
# drafts does.
FRESH = {"COPYDESK_PARSE_CACHE": "off"}
ENVS = {"copydesk, all checks (--jobs default: 2 cores)": FRESH, "copydesk, all checks, --jobs 1": FRESH}


def tools(scratch: Path, drafts: Path, files: list[str]) -> dict[str, tuple[list[str], callable, Path]]:
    npm = scratch / "npm"
    bin_ = npm / "node_modules" / ".bin"
    others = ["attribution", "figures"]
    only_terms = [a for n in others for a in ("--disable", n)]
    return {
        "copydesk, all checks (--jobs default: 2 cores)": (copydesk_cmd(str(drafts)), count_copydesk, ROOT),
        "copydesk, all checks, --jobs 1": (copydesk_cmd("--jobs", "1", str(drafts)), count_copydesk, ROOT),
        "copydesk, all checks, re-run (parses from the cache folder)": (copydesk_cmd(str(drafts)), count_copydesk,
                                                                         ROOT),
        "copydesk, loaded-terms rules only (2 cores)": (copydesk_cmd(*only_terms, str(drafts)), count_copydesk, ROOT),
        "copydesk, loaded-terms rules only, --jobs 1": (copydesk_cmd("--jobs", "1", *only_terms, str(drafts)),
                                                        count_copydesk, ROOT),
        "textlint 15 + prh (same terms)": ([str(bin_ / "textlint"), "--config", str(npm / "prh.textlintrc.json"),
                                            "--format", "json", "--no-color", *files], count_textlint, npm),
        "textlint 15 + terminology (same terms)": ([str(bin_ / "textlint"), "--config",
                                                    str(npm / "terminology.textlintrc.json"), "--format", "json",
                                                    "--no-color", *files], count_textlint, npm),
        "write-good (default checks)": ([str(bin_ / "write-good"), "--parse", *files], count_lines, npm),
        "proselint (default checks)": ([str(scratch / "venv" / "bin" / "proselint"), "check", "--output-format",
                                        "json", *files], count_proselint, scratch),
    }


def run(cmd: list[str], cwd: Path, env: dict) -> tuple[float, float, int, str]:
    """(wall s, CPU s of the whole tree, peak RSS KiB of the largest process, stdout)."""
    stats = Path(env["COPYDESK_CACHE_DIR"]).parent / ".peers-time" if TIME else None
    full = [TIME, "-f", "%e %U %S %M", "-o", str(stats), *cmd] if TIME else cmd
    before = os.times()
    t = time.perf_counter()
    proc = subprocess.run(full, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    rss = 0
    if stats and stats.exists():
        last = stats.read_text().strip().splitlines()[-1].split()
        rss = int(last[3])
        stats.unlink()
    # Linters exit non-zero when they find something (write-good: 255); only no output is a failure.
    if proc.returncode not in (0, 1) and not proc.stdout.strip():
        raise RuntimeError(f"{cmd[0]} failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return wall, cpu, rss, proc.stdout


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("scratch", type=Path)
    ap.add_argument("drafts", nargs="?", type=Path)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-install", action="store_true", help="Use the peers already in SCRATCH.")
    ap.add_argument("--only", action="append", default=[], help="Run only tools whose name contains this.")
    ap.add_argument("--cold-only", action="store_true", help="Only the one-line draft (cold start) table.")
    args = ap.parse_args(argv)
    scratch = args.scratch.resolve()
    scratch.mkdir(parents=True, exist_ok=True)
    drafts = (args.drafts or scratch / "drafts").resolve()
    if not drafts.exists() or not any(drafts.glob("*.md")):
        sh([sys.executable, str(Path(__file__).with_name("gen_drafts.py")), str(drafts)], stdout=subprocess.DEVNULL)
    if not args.no_install:
        install(scratch)
    write_configs(scratch)
    files = sorted(str(p) for p in drafts.glob("*.md"))
    words = sum(len(Path(f).read_text(encoding="utf-8").split()) for f in files)
    env = {**os.environ, "PYTHONPATH": str(SERVER), "COPYDESK_CACHE_DIR": str(scratch / "copydesk-cache"),
           "NO_COLOR": "1"}
    env.pop("PYTHONSTARTUP", None)
    # Bytecode as an installed package has it (pip compiles on install; the
    # peers' own installs have theirs): cached under SCRATCH, not in the checkout.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(scratch / "pycache")
    table = tools(scratch, drafts, files)
    if args.only:
        table = {k: v for k, v in table.items() if any(o in k for o in args.only)}
    if args.cold_only:
        table = {}
    one = scratch / "one-line.md"
    one.write_text("Officials said the regime attacked the town on Tuesday.\n", encoding="utf-8")
    plain = scratch / "one-line-plain.md"  # no sentence that needs the syntactic layer
    plain.write_text("The town council met on Tuesday.\n", encoding="utf-8")
    parses = scratch / "copydesk-cache" / "parses"

    emptied = [False]

    def forget_parses():
        shutil.rmtree(parses, ignore_errors=True)
        emptied[0] = True

    # (command, folder, what to do before each run).  The one-line draft
    # needs a parse: its first run (no parse cached: spaCy loads) and a
    # re-run (the parse read back from the cache folder) are timed apart.
    cold = {
        "copydesk, first run (parse: spaCy loads)": (copydesk_cmd(str(one)), ROOT, forget_parses),
        "copydesk, re-run (parse cached)": (copydesk_cmd(str(one)), ROOT, None),
        "copydesk, a draft needing no parse": (copydesk_cmd(str(plain)), ROOT, None),
        "proselint": ([str(scratch / "venv" / "bin" / "proselint"), "check", str(one)], scratch, None),
        "textlint + prh": ([str(scratch / "npm" / "node_modules" / ".bin" / "textlint"), "--config",
                            str(scratch / "npm" / "prh.textlintrc.json"), str(one)], scratch / "npm", None),
    }
    print(f"{len(files)} drafts, {words:,} words; Python {sys.version.split()[0]}, {os.cpu_count()} CPUs; "
          f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}", flush=True)
    # One untimed run each: caches (copydesk's corpus index and pack cache, the OS's) warm for everybody.
    for name, (cmd, _count, cwd) in table.items():
        run(cmd, cwd, {**env, **ENVS.get(name, {})})
    for name, (cmd, cwd, _prep) in cold.items():
        run(cmd, cwd, env)
    results: dict[str, list] = {name: [] for name in table}
    cold_results: dict[str, list] = {name: [] for name in cold}
    found: dict[str, int] = {}
    for r in range(args.repeat):
        for name, (cmd, count, cwd) in table.items():
            if "re-run" in name and emptied[0]:  # the cold-start table's first runs emptied the parse cache
                run(cmd, cwd, env)
                emptied[0] = False
            wall, cpu, rss, out = run(cmd, cwd, {**env, **ENVS.get(name, {})})
            results[name].append((wall, cpu, rss))
            found[name] = count(out)
            print(f"  round {r + 1}: {name}: {wall:.2f} s wall, {cpu:.2f} s CPU, load {os.getloadavg()[0]:.1f}",
                  file=sys.stderr, flush=True)
        for name, (cmd, cwd, prep) in cold.items():
            for _ in range(3):
                if prep is not None:
                    prep()
                wall, cpu, rss, _out = run(cmd, cwd, env)
                cold_results[name].append((wall, cpu, rss))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    base = "textlint 15 + prh (same terms)"
    base_wall = statistics.median(w for w, _, _ in results[base]) if base in results else None
    print("| tool | words/s (wall) | words/s (CPU) | CPU/wall | × textlint+prh (wall) | peak RSS | occurrences |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, runs in results.items():
        wall = statistics.median(w for w, _, _ in runs)
        cpu = statistics.median(c for _, c, _ in runs)
        rss = max(m for _, _, m in runs)
        ratio = f"{base_wall / wall:.2f}" if base_wall else "–"
        print(f"| {name} | {words / wall:,.0f} | {words / cpu:,.0f} | {cpu / wall:.2f} | {ratio} | "
              f"{rss / 1024:.0f} MiB | {found[name]:,} |")
    print("\nOne-line draft (cold start, median of "
          f"{3 * args.repeat} runs):\n\n| tool | wall | CPU | × proselint (wall) | peak RSS |\n|---|---:|---:|---:|---:|")
    prose_wall = statistics.median(w for w, _, _ in cold_results["proselint"])
    for name, runs in cold_results.items():
        wall = statistics.median(w for w, _, _ in runs)
        print(f"| {name} | {wall * 1000:.0f} ms | "
              f"{statistics.median(c for _, c, _ in runs) * 1000:.0f} ms | {wall / prose_wall:.2f} | "
              f"{max(m for _, _, m in runs) / 1024:.0f} MiB |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
