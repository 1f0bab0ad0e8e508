"""A mistyped rule id or check name is an error, not a silent no-op: on the
command line, in copydesk.toml, in editor settings; and a broken house pack
stops `rules explain` / `rules list` instead of explaining the bundled rule.
Through the CLI and a real LSP client."""
from __future__ import annotations

import asyncio
import json

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import run_cli
from lsp_helpers import file_uri, open_doc, server_config, start_session, wait_diagnostics

DRAFT = "The regime’s “blitzkrieg” — 🔥 — left Ḥalab.\nIt was a crushing blow for the thugs.\n"

HOUSE = """\
rules:
  - id: house-style/junta
    check: loaded-term
    severity: warning
    terms: [junta]
    suggestions: [military government]
    message: "“{match}”: use {suggestions}."
"""


def _project(tmp_path, config: str | None = None, pack: str | None = None):
    (tmp_path / "story.md").write_text(DRAFT, encoding="utf-8")
    if pack is not None:
        (tmp_path / "house").mkdir()
        (tmp_path / "house" / "house.yml").write_text(pack, encoding="utf-8")
    (tmp_path / "copydesk.toml").write_text(config or "", encoding="utf-8")
    return tmp_path


def test_unknown_ids_in_flags_exit_2_with_a_suggestion(tmp_path):
    _project(tmp_path)
    proc = run_cli("check", "story.md", "--disable", "loaded-term/regim", "--enable", "figurs/*",
                   "--severity", "loaded-term/thugg=error", "--severity", "atribution=info", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout_text == ""
    err = proc.stderr_text.splitlines()
    assert "copydesk: --disable: unknown rule id 'loaded-term/regim'; did you mean loaded-term/regime?" in err
    assert "copydesk: --enable: unknown check 'figurs/*'; did you mean figures?" in err
    assert "copydesk: --severity: unknown rule id 'loaded-term/thugg'; did you mean loaded-term/thug?" in err
    assert "copydesk: --severity: unknown check 'atribution'; did you mean attribution?" in err
    assert "copydesk: 4 problem(s) in options; nothing was linted" in err


def test_known_ids_namespaces_and_globs_pass(tmp_path):
    _project(tmp_path)
    proc = run_cli("check", "--format", "json", "story.md", "--disable", "loaded-term/regime",
                   "--disable", "figures", "--enable", "loaded-term/*", "--severity", "loaded-term/thu*=error",
                   cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr_text
    found = {f["rule_id"]: f["severity"] for f in json.loads(proc.stdout_text)["findings"]}
    assert "loaded-term/regime" not in found and found["loaded-term/thug"] == "error"
    # A glob that matches nothing is as silent a typo as a wrong id.
    proc = run_cli("check", "story.md", "--disable", "loaded-term/regim*x", cwd=tmp_path)
    assert proc.returncode == 2 and "'loaded-term/regim*x' matches no rule id" in proc.stderr_text


def test_unknown_ids_in_copydesk_toml_are_located(tmp_path):
    cfg = tmp_path / "copydesk.toml"
    _project(tmp_path, 'checks = ["loaded-term", "atribution"]\n'
                       'disable = ["loaded-term/blitzkrieg", "loaded-term/regim"]\n'
                       '[severity]\n"loaded-term/thugs" = "error"\nfigures = "info"\n')
    proc = run_cli("check", "story.md", cwd=tmp_path)
    assert proc.returncode == 2 and proc.stdout_text == ""
    err = proc.stderr_text.splitlines()
    assert f"{cfg}:1:26: unknown check 'atribution'; did you mean attribution?" in err
    assert f"{cfg}:2:38: unknown rule id 'loaded-term/regim'; did you mean loaded-term/regime?" in err
    assert f"{cfg}:4:1: unknown rule id 'loaded-term/thugs'; did you mean loaded-term/thug?" in err
    assert not any("figures" in line for line in err)
    # Every command that loads the config says so.
    for args in (("rules", "list"), ("rules", "explain", "loaded-term/regime")):
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2 and f"{cfg}:2:38: unknown rule id 'loaded-term/regim'" in proc.stderr_text


def test_a_house_packs_ids_count(tmp_path):
    _project(tmp_path, 'rules = ["house/"]\ndisable = ["house-style/junta"]\n[severity]\n"house-style" = "error"\n',
             pack=HOUSE)
    proc = run_cli("check", "story.md", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr_text
    # Without the pack its ids are unknown.
    (tmp_path / "plain.toml").write_text("", encoding="utf-8")
    proc = run_cli("check", "--config", "plain.toml", "story.md", "--disable", "house-style/junta", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--disable: unknown rule id 'house-style/junta'" in proc.stderr_text


def test_rules_explain_and_list_with_a_broken_house_pack_exit_2(tmp_path):
    broken = HOUSE.replace("id: house-style/junta", "id: loaded-term/regime").replace("terms: [junta]",
                                                                                   "terms: [junta\n")
    _project(tmp_path, 'rules = ["house/"]\n', pack=broken)
    for args in (("rules", "explain", "loaded-term/regime"), ("rules", "list")):
        proc = run_cli(*args, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stdout_text)
        assert proc.stdout_text == ""
        assert "house.yml:" in proc.stderr_text and "YAML syntax error" in proc.stderr_text


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0, "disable": ["loaded-term/regim"],
                                               "severity": {"figurs": "info"}})
    yield
    await lsp_client.shutdown_session()


async def test_unknown_ids_in_editor_settings_one_message(client: LanguageClient):
    uri = file_uri(client.tmp_path / "story.md")
    open_doc(client, uri, DRAFT)
    codes = {d.code for d in await wait_diagnostics(client, uri)}
    assert "loaded-term/regime" in codes  # still linted, with the rest of the settings
    for _ in range(100):
        shown = [m for m in client.messages if "unknown" in m.message]
        if shown:
            break
        await asyncio.sleep(0.05)
    assert [(m.type, m.message) for m in shown] == [(
        types.MessageType.Error,
        "copydesk settings: disable: unknown rule id 'loaded-term/regim'; did you mean loaded-term/regime?; "
        "severity: unknown check 'figurs'; did you mean figures?")]
    # A second draft, same settings: no second message.
    other = file_uri(client.tmp_path / "other.md")
    open_doc(client, other, "The thugs left.\n")
    await wait_diagnostics(client, other)
    assert len([m for m in client.messages if "unknown" in m.message]) == 1


async def test_unknown_id_in_copydesk_toml_is_a_located_diagnostic(client: LanguageClient):
    cfg = client.tmp_path / "copydesk.toml"
    cfg.write_text('# house settings\ndisable = ["loaded-term/thugg"]\n', encoding="utf-8")
    uri = file_uri(client.tmp_path / "story.md")
    open_doc(client, uri, DRAFT)
    await wait_diagnostics(client, uri)
    (diag,) = await wait_diagnostics(client, file_uri(cfg))
    assert diag.message == "unknown rule id 'loaded-term/thugg'; did you mean loaded-term/thug?"
    assert diag.severity == types.DiagnosticSeverity.Error
    assert (diag.range.start.line, diag.range.start.character) == (1, 11)
    assert diag.range.end.character == 11 + len('"loaded-term/thugg"')
