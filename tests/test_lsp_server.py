"""The language server end to end, through a real LSP client (pytest-lsp)."""
from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import (SERVER_CMD, accept_registrations, apply_edits, change_doc, file_uri, find_range, open_doc,
                         push_capabilities, wait_diagnostics)

DRAFT = (
    "# Aleppo 🙂 falls\n"
    "\n"
    "Rebels led by Hayat Tahrir al-Sham — “HTS” — entered Aleppo 🚀 on Friday, the Syrian "
    "Observatory said. The regime’s forces withdrew.\n"
    "\n"
    "Critics called it a blitzkrieg.\n"
)


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, tmp_path):
    (tmp_path / "copydesk.toml").write_text("")
    accept_registrations(lsp_client)
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=push_capabilities(),
        initialization_options={"debounce": 0},
        workspace_folders=[types.WorkspaceFolder(uri=file_uri(tmp_path), name="ws")],
        root_uri=file_uri(tmp_path),
    ))
    lsp_client.tmp_path = tmp_path
    yield
    await lsp_client.shutdown_session()


def by_code(diags):
    return {d.code: d for d in diags}


async def test_open_publishes_diagnostics_with_utf16_ranges(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    diags = await wait_diagnostics(client, uri)
    found = by_code(diags)
    assert set(found) >= {"loaded-term/regime", "loaded-term/blitzkrieg"}
    regime = found["loaded-term/regime"]
    assert regime.range == find_range(DRAFT, "regime’s")
    assert regime.source == "copydesk"
    assert regime.severity == types.DiagnosticSeverity.Warning
    assert regime.code_description.href.startswith("https://")
    assert regime.data["ruleId"] == "loaded-term/regime"
    assert regime.data["fixes"][0]["edits"][0]["newText"] == "government"
