"""Shared by the VS Code tests: build the .vsix once per test session, find
the external tools, and keep subprocesses (and their children) on a leash."""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXT = ROOT / "editors" / "vscode"
ARTIFACTS = ROOT / "test-artifacts"
PREFIX = Path(os.environ.get("COPYDESK_CI_PREFIX", "/opt/copydesk-ci"))
# Package caches live outside $HOME (tests write nothing there) and survive runs.
CACHE = Path(os.environ.get("COPYDESK_TEST_CACHE", "/tmp/copydesk-test-cache"))


def require_tools() -> bool:
    return os.environ.get("COPYDESK_REQUIRE_TOOLS") == "1"


def missing(what: str):
    """Skip locally, fail in CI (COPYDESK_REQUIRE_TOOLS=1)."""
    if require_tools():
        pytest.fail(f"{what} (COPYDESK_REQUIRE_TOOLS=1: see .ci/setup.d/)")
    pytest.skip(what)


def build_env(tmp_home: Path | None = None) -> dict:
    env = dict(os.environ)
    env.update(
        npm_config_cache=str(CACHE / "npm"), npm_config_update_notifier="false", npm_config_fund="false",
        npm_config_audit="false", PIP_CACHE_DIR=str(CACHE / "pip"), COPYDESK_BUILD_PYTHON=sys.executable,
    )
    return env


def version() -> str:
    return json.loads((EXT / "package.json").read_text(encoding="utf-8"))["version"]


@lru_cache(maxsize=1)
def _build() -> tuple[Path | None, str]:
    if os.environ.get("COPYDESK_VSIX"):
        return Path(os.environ["COPYDESK_VSIX"]), ""
    npm = shutil.which("npm")
    if npm is None:
        return None, "npm is not installed"
    env = build_env()
    log = []
    if not (EXT / "node_modules" / ".bin" / "vsce").exists():
        proc = subprocess.run([npm, "ci", "--silent"], cwd=EXT, env=env, capture_output=True, text=True, timeout=600)
        log.append(proc.stdout + proc.stderr)
        if proc.returncode != 0:
            return None, "npm ci failed:\n" + "\n".join(log)
    proc = subprocess.run([npm, "run", "package"], cwd=EXT, env=env, capture_output=True, text=True, timeout=900)
    if proc.returncode != 0:
        return None, f"npm run package failed ({proc.returncode}):\n{proc.stdout[-4000:]}\n{proc.stderr[-4000:]}"
    vsix = EXT / f"copydesk-{version()}.vsix"
    return (vsix if vsix.exists() else None), proc.stdout


def vsix_path() -> Path:
    """The .vsix built from this checkout (once per session)."""
    vsix, log = _build()
    if vsix is None:
        if log == "npm is not installed":
            missing(log)
        pytest.fail(log)
    return vsix


def start_group(cmd, **kw) -> subprocess.Popen:
    """Start a process in its own process group (so stop_group reaps its children too)."""
    return subprocess.Popen(cmd, start_new_session=True, **kw)


def stop_group(proc: subprocess.Popen, timeout: float = 10) -> None:
    try:
        pgid = os.getpgid(proc.pid)
    except ProcessLookupError:
        pgid = None
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if pgid is not None:
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
        try:
            proc.wait(timeout=timeout)
            if pgid is None:
                break
            # the leader is gone: make sure no child of the group lingers
            os.killpg(pgid, 0)
        except subprocess.TimeoutExpired:
            continue
        except ProcessLookupError:
            break
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
