"""The .vsix that `npm ci && npm run package` builds: what it carries, and that
its bundled server runs on a Python that has none of copydesk's libraries."""
from __future__ import annotations

import glob
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT, run_json
from vscode_build import vsix_path

# Starts a real editor, browser or packager: slow; `pytest -m "not e2e"` skips it.
pytestmark = pytest.mark.e2e

MAX_VSIX_BYTES = 40 * 1024 * 1024


@pytest.fixture(scope="module")
def vsix() -> Path:
    return vsix_path()


@pytest.fixture(scope="module")
def unpacked(vsix, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("vsix")
    with zipfile.ZipFile(vsix) as z:
        z.extractall(out)
    return out / "extension"


def test_vsix_carries_client_server_and_libraries(vsix):
    assert vsix.name == "copydesk-0.1.0.vsix" or vsix.name.startswith("copydesk-")
    names = zipfile.ZipFile(vsix).namelist()
    files = {n for n in names if not n.endswith("/")}
    # the client, bundled into one file
    assert "extension/dist/extension.js" in files
    assert "extension/package.json" in files
    # no node_modules, sources or build scripts beyond the bundle
    assert not [n for n in names if "node_modules/" in n]
    assert not [n for n in names if n.startswith(("extension/src/", "extension/scripts/")) or n.endswith(".ts")]
    # the server, its rule packs and corpus, and its dependencies
    assert "extension/bundled/tool/launch.py" in files
    for module in ("copydesk/__init__.py", "copydesk/lsp/server.py", "copydesk/cli/__init__.py",
                   "pygls/__init__.py", "lsprotocol/types.py", "yaml/__init__.py", "jsonschema/__init__.py",
                   "markdown_it/__init__.py", "textblob/__init__.py", "click/__init__.py", "re2/__init__.py"):
        assert f"extension/bundled/libs/{module}" in files, module
    rules = [n for n in files if n.startswith("extension/bundled/libs/copydesk/_data/rules/") and n.endswith(".yml")]
    seeds = [n for n in files if n.startswith("extension/bundled/libs/copydesk/_data/seeds/")]
    assert len(rules) == len(list((ROOT / "rules").rglob("*.yml")))  # packs and rules/language/
    assert len(seeds) == len([p for p in (ROOT / "seeds").iterdir() if p.is_file()])
    assert not [n for n in names if "__pycache__" in n]
    assert os.path.getsize(vsix) < MAX_VSIX_BYTES


def test_compiled_dependencies_for_every_bundled_python(unpacked):
    manifest = json.loads((unpacked / "bundled/libs/copydesk_bundle.json").read_text())
    assert manifest["target"] == "linux-x64"
    assert {"3.10", "3.11", "3.12", "3.13"} <= set(manifest["python_versions"])
    libs = unpacked / "bundled/libs"
    for version in manifest["python_versions"]:
        tag = "cpython-" + version.replace(".", "")
        for package in ("re2/_re2", "rpds/rpds", "regex/_regex"):
            assert glob.glob(str(libs / f"{package}.{tag}*.so")), (package, version)


def _bare_pythons() -> list[str]:
    """Interpreters on this machine without copydesk's libraries (any >= 3.10)."""
    found = []
    candidates = ["/usr/bin/python3"] + sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.1*/bin/python3")))
    for cand in candidates:
        if not os.path.exists(cand) or os.path.realpath(cand) in {os.path.realpath(p) for p in found}:
            continue
        check = subprocess.run([cand, "-c", "import sys; assert sys.version_info >= (3, 10); import pygls"],
                               capture_output=True, env={"PATH": os.environ.get("PATH", "")})
        if check.returncode == 1 and b"AssertionError" not in check.stderr:
            found.append(cand)
    return found or [sys.executable]


def _clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}


@pytest.mark.parametrize("python", _bare_pythons())
def test_bundled_server_runs_on_a_bare_python(unpacked, python):
    launch = str(unpacked / "bundled/tool/launch.py")
    probe = subprocess.run([python, launch, "--probe"], capture_output=True, text=True, env=_clean_env(), timeout=60)
    info = json.loads(probe.stdout.strip().splitlines()[-1])
    assert info["ok"], info
    assert info["source"] == "bundled"
    assert info["location"].startswith(str(unpacked))
    # The bundled CLI reports what this checkout's CLI reports.
    example = str(ROOT / "examples/aleppo-draft.md")
    proc = subprocess.run([python, launch, "check", "--format", "json", example], capture_output=True, text=True,
                          env=_clean_env(), timeout=120)
    assert proc.returncode == 1, proc.stderr
    bundled = json.loads(proc.stdout)
    _code, here = run_json(example)
    key = lambda f: (f["rule_id"], f["line"], f["column"], f["message"])  # noqa: E731
    assert sorted(map(key, bundled["findings"])) == sorted(map(key, here["findings"]))
    assert bundled["findings"]


def test_launcher_names_the_problem_with_an_old_python(unpacked):
    old = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/3.[6-9]*/bin/python3")))
    if not old:
        pytest.skip("no Python older than 3.10 on this machine")
    proc = subprocess.run([old[-1], str(unpacked / "bundled/tool/launch.py"), "--probe"], capture_output=True,
                          text=True, env=_clean_env(), timeout=60)
    assert proc.returncode == 3
    info = json.loads(proc.stdout)
    assert not info["ok"] and "too old" in info["error"] and "3.10" in info["error"]


def test_import_strategy_from_environment(unpacked):
    """fromEnvironment uses the interpreter's own copydesk, and falls back to the
    bundled one where the interpreter has none."""
    launch = str(unpacked / "bundled/tool/launch.py")
    env = dict(_clean_env(), COPYDESK_IMPORT_STRATEGY="fromEnvironment", PYTHONPATH=str(ROOT / "server"))
    probe = subprocess.run([sys.executable, launch, "--probe"], capture_output=True, text=True, env=env, timeout=60)
    info = json.loads(probe.stdout.strip().splitlines()[-1])
    assert info["ok"] and info["source"] == "environment", info
    assert info["location"] == str(ROOT / "server" / "copydesk")
    bare = _bare_pythons()[0]
    env = dict(_clean_env(), COPYDESK_IMPORT_STRATEGY="fromEnvironment")
    probe = subprocess.run([bare, launch, "--probe"], capture_output=True, text=True, env=env, timeout=60)
    info = json.loads(probe.stdout.strip().splitlines()[-1])
    assert info["ok"], info
    if bare != sys.executable:
        assert info["source"] == "bundled"
