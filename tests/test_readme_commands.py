"""README's first hour (issue 19): the install command works on a system
Python that refuses `pip install` (it makes a venv first), the example's exit 1
is explained, CI runs exactly that command, and the documented quick test run
leaves out the slow end-to-end tests while the full run keeps them."""
from __future__ import annotations

import re
import subprocess
import sys

from conftest import ROOT, run_cli

README = (ROOT / "README.md").read_text(encoding="utf-8")
CI = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
# The tests that start a real editor, browser or packager.
SLOW = ["tests/test_vscode_e2e.py", "tests/test_vscode_package.py", "tests/test_lsp_neovim.py",
        "tests/test_editor_emacs.py"]


def _blocks() -> list[str]:
    return re.findall(r"```sh\n(.*?)```", README, re.S)


def _commands(block: str) -> list[str]:
    return [line for line in block.splitlines() if line.strip() and not line.startswith("#")]


def test_the_first_command_makes_a_venv_and_ci_runs_it():
    install, tests = _commands(_blocks()[0])
    assert install.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . && ")
    assert install.endswith("copydesk check examples/aleppo-draft.md")
    ci = [line.replace("pip install -q ", "pip install ") for line in CI.splitlines()]  # CI: quieter pip
    assert install in ci  # .ci/run runs README's line itself, and expects exit 1
    assert tests == "pip install '.[test,postgres]' && python -m pytest"
    assert tests in ci
    assert "externally-managed-environment" in README and "pipx install ." in README


def test_the_example_exits_1_because_it_has_findings_on_purpose():
    proc = run_cli("check", "examples/aleppo-draft.md", cwd=ROOT)
    assert proc.returncode == 1, proc.stderr_text
    assert re.search(r"^examples/aleppo-draft\.md:\d+:\d+: \w+ \[loaded-term/", proc.stdout_text, re.M)
    assert "It prints findings and exits 1: the example has them on purpose." in " ".join(_blocks()[0].split())


def _collected(*args: str) -> set[str]:
    proc = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider", *args],
                          cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode in (0, 5), proc.stdout[-2000:] + proc.stderr[-2000:]  # 5: nothing collected
    return {line.split("::", 1)[0] for line in proc.stdout.splitlines() if "::" in line}


def test_the_quick_run_leaves_the_end_to_end_tests_out():
    quick = 'python -m pytest -m "not e2e"'
    assert any(quick in _commands(b) for b in _blocks())
    assert set(SLOW) <= _collected(*SLOW)  # the full run has them
    assert not _collected("-m", "not e2e", *SLOW)  # the quick run has none of them
    assert "tests/test_cli.py" in _collected("-m", "not e2e", "tests/test_cli.py")
