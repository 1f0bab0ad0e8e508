"""The GitHub Action (action.yml + action/run.sh) and the pre-commit hook, run
the way GitHub and pre-commit run them, with their environment simulated."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
import yaml

from conftest import ROOT, run_cli, run_json

RUN_SH = ROOT / "action" / "run.sh"
CLEAN = "Officials said the talks would resume on Monday, according to the foreign ministry.\n"


def _action(tmp_path, paths: str, **inputs) -> tuple[subprocess.CompletedProcess, dict]:
    bash = shutil.which("bash")
    if bash is None:
        pytest.skip("bash is not installed")
    out = tmp_path / "github_output"
    out.write_text("")
    env = dict(os.environ)
    env.update(GITHUB_ACTIONS="true", CI="true", GITHUB_WORKSPACE=str(ROOT), GITHUB_ACTION_PATH=str(ROOT),
               GITHUB_OUTPUT=str(out), RUNNER_TEMP=str(tmp_path), INPUT_PATHS=paths, INPUT_INSTALL="skip",
               COPYDESK_PYTHON=sys.executable, HOME=str(tmp_path))
    env.update({k if k.isupper() else f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    proc = subprocess.run([bash, str(RUN_SH)], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    outputs = dict(line.split("=", 1) for line in out.read_text().splitlines() if "=" in line)
    return proc, outputs


def test_action_is_a_composite_that_runs_the_script_and_uploads_sarif():
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    assert action["runs"]["using"] == "composite"
    assert {"paths", "fail-on", "sarif-file", "upload-sarif", "args", "install"} <= set(action["inputs"])
    steps = action["runs"]["steps"]
    check = next(s for s in steps if s.get("id") == "check")
    assert "action/run.sh" in check["run"] and check["shell"] == "bash"
    for name in ("paths", "fail-on", "sarif-file", "junit-file", "args", "install"):
        assert check["env"][f"INPUT_{name.replace('-', '_').upper()}"] == f"${{{{ inputs.{name} }}}}"
    upload = next(s for s in steps if str(s.get("uses", "")).startswith("github/codeql-action/upload-sarif"))
    assert "inputs.sarif-file != ''" in upload["if"] and "always()" in upload["if"]
    assert upload["with"]["sarif_file"] == "${{ inputs.sarif-file }}"
    assert "steps.check.outputs.exit-code" in steps[-1]["run"]  # the job fails after the upload


def test_action_annotates_findings_and_writes_sarif(tmp_path):
    draft = "examples/aleppo-draft.md"
    sarif = tmp_path / "reports" / "copydesk.sarif"
    proc, outputs = _action(tmp_path, draft, sarif_file=str(sarif))
    assert proc.returncode == 0, proc.stderr
    assert outputs["exit-code"] == "1" and outputs["sarif-file"] == str(sarif)
    _code, report = run_json(draft)
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == len(report["findings"]) > 0
    for f in report["findings"]:
        start = f["range"]["start"]
        want = f"file={draft},line={start['line'] + 1},col={start['character'] + 1},"
        assert any(a.startswith(f"::{'error' if f['severity'] == 'error' else 'warning' if f['severity'] == 'warning' else 'notice'} {want}")
                   for a in annotations), (want, annotations)
    data = json.loads(sarif.read_text(encoding="utf-8"))
    assert data["version"] == "2.1.0"
    assert len(data["runs"][0]["results"]) == len(report["findings"])


def test_action_passes_clean_drafts_and_reports_errors(tmp_path):
    clean = tmp_path / "clean.md"
    clean.write_text(CLEAN, encoding="utf-8")
    proc, outputs = _action(tmp_path, str(clean))
    assert outputs["exit-code"] == "0", proc.stdout + proc.stderr
    assert not [line for line in proc.stdout.splitlines() if line.startswith("::")]
    # fail-on error: warnings are annotated but do not fail the job
    proc, outputs = _action(tmp_path, "examples/aleppo-draft.md", fail_on="error")
    assert outputs["exit-code"] == "0" and "::warning " in proc.stdout
    # a missing path is an error (2), not a pass
    proc, outputs = _action(tmp_path, str(tmp_path / "missing.md"))
    assert outputs["exit-code"] == "2"


def _summary_env(tmp_path):
    summary = tmp_path / "step_summary.md"
    summary.write_text("## an earlier step\n\n", encoding="utf-8")
    return summary


def test_action_lints_once_and_writes_every_report_and_a_job_summary(tmp_path):
    # Twelve warnings in one draft: more than the ten annotations GitHub shows.
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    many = "".join(f"The regime’s thugs 🙂 struck town {i}.\n\n" for i in range(6))
    (drafts / "many.md").write_text(many, encoding="utf-8")
    (drafts / "clean.md").write_text(CLEAN, encoding="utf-8")
    summary = _summary_env(tmp_path)
    sarif, junit = tmp_path / "out" / "c.sarif", tmp_path / "out" / "c.xml"
    calls = tmp_path / "calls.log"
    # Count the linting runs: a python wrapper that logs each copydesk call.
    wrapper = tmp_path / "python"
    wrapper.write_text(f"#!/bin/sh\necho \"$*\" >> {calls}\nexec {sys.executable} \"$@\"\n")
    wrapper.chmod(0o755)
    proc, outputs = _action(tmp_path, f"{drafts} examples/aleppo-draft.md", sarif_file=str(sarif),
                            junit_file=str(junit), GITHUB_STEP_SUMMARY=str(summary), COPYDESK_PYTHON=str(wrapper))
    assert proc.returncode == 0, proc.stderr
    assert len([line for line in calls.read_text().splitlines() if " check " in f" {line} "]) == 1
    assert outputs["exit-code"] == "1" and outputs["sarif-file"] == str(sarif) and outputs["junit-file"] == str(junit)
    code, report = run_json(str(drafts), "examples/aleppo-draft.md")
    findings = report["findings"]
    annotations = [line for line in proc.stdout.splitlines() if line.startswith("::")]
    assert len(annotations) == len(findings) > 12
    assert len(json.loads(sarif.read_text(encoding="utf-8"))["runs"][0]["results"]) == len(findings)
    suites = ET.parse(junit).getroot()
    assert int(suites.get("failures")) == len(findings)
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## an earlier step\n\n## copydesk\n")  # appended, not overwritten
    assert f"**{len(findings)} findings**" in text
    per_rule: dict = {}
    for f in findings:
        per_rule[f["rule_id"]] = per_rule.get(f["rule_id"], 0) + 1
    for rule_id, n in per_rule.items():
        assert re.search(rf"^\| `{re.escape(rule_id)}` \| \w+ \| {n} \| \d+ \|$", text, re.M), rule_id
    many_row = next(line for line in text.splitlines() if line.startswith(f"| {drafts}/many.md |".replace("_", "\\_")))
    assert many_row.endswith(f"| {sum(1 for f in findings if f['path'].endswith('many.md'))} |")
    assert "1 draft without findings" in text
    # Every finding is in the summary, the ones past GitHub's ten annotations too.
    rows = [line for line in text.split("### Every finding", 1)[1].splitlines() if line.startswith("| ")][2:]
    assert len(rows) == len(findings)


def test_action_missing_path_is_an_error_case_in_junit_and_the_summary(tmp_path):
    summary = _summary_env(tmp_path)
    junit = tmp_path / "c.xml"
    missing = tmp_path / "gone.md"
    proc, outputs = _action(tmp_path, f"{missing} examples/aleppo-draft.md", junit_file=str(junit),
                            GITHUB_STEP_SUMMARY=str(summary))
    assert outputs["exit-code"] == "2", proc.stdout + proc.stderr
    assert f"::error title=copydesk::{missing}: no such file or directory" in proc.stdout
    cases = {c.get("name"): c for c in ET.parse(junit).getroot().iter("testcase")}
    error = cases[str(missing)].find("error")
    assert error is not None and error.get("message") == f"{missing}: no such file or directory"
    assert any(n.startswith("loaded-term/") for n in cases)  # the other draft was still linted
    assert "### Not checked (1)" in summary.read_text(encoding="utf-8")
    # Stopped before linting (a config error): the summary still says so.
    (tmp_path / "bad.toml").write_text("disable = [\"loaded-term/regim\"]\n", encoding="utf-8")
    summary.write_text("")
    proc, outputs = _action(tmp_path, "examples/aleppo-draft.md", args=f"--config {tmp_path / 'bad.toml'}",
                            GITHUB_STEP_SUMMARY=str(summary))
    assert outputs["exit-code"] == "2" and "did you mean loaded-term/regime?" in proc.stderr
    assert "could not check the drafts (exit 2)" in summary.read_text(encoding="utf-8")


def test_action_takes_several_paths_and_extra_args(tmp_path):
    clean = tmp_path / "clean.md"
    clean.write_text(CLEAN, encoding="utf-8")
    proc, outputs = _action(tmp_path, f"{clean}\nexamples/aleppo-draft.md", args="--disable loaded-term")
    assert "loaded-term/" not in proc.stdout
    assert outputs["exit-code"] in ("0", "1")


def test_pre_commit_hook_lints_the_drafts_it_is_given(tmp_path):
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = hooks
    assert hook["id"] == "copydesk" and hook["language"] == "python"
    assert set(hook["types_or"]) == {"markdown", "plain-text"}
    entry = hook["entry"].split()
    assert entry[:2] == ["copydesk", "check"]
    # pre-commit appends the staged files' names to the entry
    clean = tmp_path / "clean.md"
    clean.write_text(CLEAN, encoding="utf-8")
    bad = run_cli(*entry[1:], str(clean), str(ROOT / "examples/aleppo-draft.md"))
    assert bad.returncode == 1 and "loaded-term/regime" in bad.stdout_text
    good = run_cli(*entry[1:], str(clean))
    assert good.returncode == 0, good.stdout_text + good.stderr_text
