"""Shared test helpers.

Tests always exercise this checkout's source (``server/``), also in the
subprocesses they start, whatever copydesk may be installed in the
environment.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SERVER = ROOT / "server"
SEEDS = ROOT / "seeds"
RULES = ROOT / "rules"

NETGUARD = ROOT / "tests" / "netguard"

# tests/netguard: a sitecustomize that blocks network access in every Python
# subprocess (CLI, language server); the same guard runs in this process.
os.environ["PYTHONPATH"] = os.pathsep.join(
    [str(SERVER), str(NETGUARD)]
    + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
)
sys.path.insert(0, str(NETGUARD))
import copydesk_netguard  # noqa: E402

copydesk_netguard.install()


@pytest.fixture(scope="session", autouse=True)
def _no_network_anywhere(tmp_path_factory):
    """Subprocesses log blocked network attempts here; any entry fails the run
    (a server may swallow the exception, the log still tells)."""
    log = tmp_path_factory.mktemp("netguard") / "blocked.log"
    os.environ["COPYDESK_NETGUARD_LOG"] = str(log)
    yield log
    os.environ.pop("COPYDESK_NETGUARD_LOG", None)
    blocked = log.read_text(encoding="utf-8") if log.exists() else ""
    assert not blocked, f"network access attempted during the tests:\n{blocked}"


def run_cli(*args: str, input: str | bytes | None = None, cwd: str | Path | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``copydesk ARGS`` as a user would (a real process), capture output."""
    if isinstance(input, str):
        input = input.encode("utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "copydesk", *args],
        input=input, capture_output=True, cwd=cwd, timeout=timeout,
    )
    proc.stdout_text = proc.stdout.decode("utf-8", "replace")
    proc.stderr_text = proc.stderr.decode("utf-8", "replace")
    return proc


def underlined(finding: dict) -> tuple[int, int, str]:
    """(line, column, text) an editor underlines for a CLI JSON finding:
    a sentence-wide finding with a trigger word is underlined on that word
    (copydesk.lsp.convert.squiggle), every other finding on its own range."""
    text, trigger = finding["text"], (finding.get("data") or {}).get("trigger")
    at = text.find(trigger) if isinstance(trigger, str) and trigger.strip() and len(text) > len(trigger) else -1
    if at < 0:
        return finding["line"], finding["column"], text
    before = text[:at]
    if "\n" in before:
        return finding["line"] + before.count("\n"), at - before.rfind("\n"), trigger
    return finding["line"], finding["column"] + at, trigger


def run_json(*args: str, **kw) -> tuple[int, dict]:
    proc = run_cli("check", "--format", "json", *args, **kw)
    assert proc.stdout_text.strip(), proc.stderr_text
    return proc.returncode, json.loads(proc.stdout_text)


# 2024-12-02 12:00 UTC: the date of the newest seed article.
SEEDS_DAY_EPOCH = 1733140800


@pytest.fixture(scope="session", autouse=True)
def _session_env(tmp_path_factory):
    """What every test sets (below), also for module-scoped fixtures, which
    start before a test's own fixtures: a language server started once for a
    module (the fuzzer's) must see the same "now" and cache folder as the
    in-process lint it is compared with."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COPYDESK_CACHE_DIR", str(tmp_path_factory.mktemp("copydesk-cache-session")))
        mp.setenv("SOURCE_DATE_EPOCH", str(SEEDS_DAY_EPOCH))
        yield


@pytest.fixture(autouse=True)
def _cache_in_tmp(tmp_path_factory, monkeypatch):
    """Corpus indexes go to a temporary folder: no test writes to $HOME."""
    monkeypatch.setenv("COPYDESK_CACHE_DIR", str(tmp_path_factory.mktemp("copydesk-cache")))
    # "Now" for drafts without a date (and the latest file date of an undated
    # corpus article) is the bundled seeds' last day, so a test's own draft
    # is compared with them (the figures check reads SOURCE_DATE_EPOCH).
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(SEEDS_DAY_EPOCH))


@pytest.fixture
def cli():
    return run_cli


@pytest.fixture(scope="session")
def seeds() -> dict[str, Path]:
    return {p.name[:3]: p for p in sorted(SEEDS.glob("*.txt"))}


def lint(text: str, path: str = "draft.md", **config):
    """Lint a string with the bundled rules (in-process; for unit tests)."""
    from copydesk.text.document import Document

    engine = _engine(tuple(sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in config.items())))
    return engine.lint(Document(text, path=path))


_ENGINES: dict = {}


def _engine(key):
    from copydesk.config import Config
    from copydesk.engine import Engine

    if key not in _ENGINES:
        _ENGINES[key] = Engine(Config(**dict(key)))
    return _ENGINES[key]
