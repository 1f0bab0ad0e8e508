"""``workspace/executeCommand copydesk.server.lintWorkspace`` (the VS Code
extension's "Lint Workspace"), through a real LSP client: every draft in the
folders, with the client's settings, as LSP diagnostics."""
from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import run_json
from lsp_helpers import server_config, start_session


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "aleppo.md").write_text(
        "# Aleppo 🙂\n\nRebels — “HTS” — entered the city, the Observatory said. The regime’s forces fled.\n",
        encoding="utf-8")
    (drafts / "wire.txt").write_text("The army launched a blitzkrieg on the town.\n", encoding="utf-8")
    (drafts / "clean.md").write_text("The ministry said talks would resume on Monday.\n", encoding="utf-8")
    (drafts / "notes.py").write_text("regime = 1\n")  # not a draft
    result = await start_session(
        lsp_client, tmp_path, {"debounce": 0, "severityOverrides": {"loaded-term/blitzkrieg": "error"}})
    lsp_client.commands = result.capabilities.execute_command_provider.commands
    yield
    await lsp_client.shutdown_session()


async def test_lint_workspace_returns_every_draft_with_the_clients_settings(client: LanguageClient):
    assert "copydesk.server.lintWorkspace" in client.commands
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="copydesk.server.lintWorkspace", arguments=[{"folders": [str(client.tmp_path)]}]))
    files = {f["uri"].rsplit("/", 1)[-1]: f["diagnostics"] for f in result["files"]}
    assert set(files) == {"aleppo.md", "wire.txt", "clean.md"}
    assert files["clean.md"] == []
    # the same findings and places as the CLI (ranges in UTF-16, after the emoji)
    _code, report = run_json(str(client.tmp_path / "drafts" / "aleppo.md"))
    assert sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"])
                  for d in files["aleppo.md"]) == sorted(
        (f["rule_id"], f["range"]["start"]["line"], f["range"]["start"]["character"]) for f in report["findings"])
    assert all(d["source"] == "copydesk" for d in files["aleppo.md"])
    # the client's severity override applies, as in the editor
    (blitz,) = [d for d in files["wire.txt"] if d["code"] == "loaded-term/blitzkrieg"]
    assert blitz["severity"] == types.DiagnosticSeverity.Error.value


async def test_lint_workspace_reports_missing_folders(client: LanguageClient):
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="copydesk.server.lintWorkspace", arguments=[{"folders": [str(client.tmp_path / "nope")]}]))
    assert result["files"] == []
    assert result["errors"] and "nope" in result["errors"][0]
