"""How the server treats checks: a check that raises is logged with its
traceback while the others still publish; check hovers (Engine.hover) are
shown; source and attribution actions.  Uses a test-only check module."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import (apply_edits, change_doc, file_uri, open_doc, push_capabilities, server_config, start_session,
                         wait_diagnostics)

PLUGINS = Path(__file__).parent / "lsp_plugins"
SERVER_WITH_PROBE = [
    sys.executable, "-c",
    "import sys, copydesk.checks as c; c.__path__.append(sys.argv[1]); "
    "from copydesk.cli import main; main(['serve'])",
    str(PLUGINS),
]


@pytest_lsp.fixture(config=server_config(SERVER_WITH_PROBE))
async def client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0, "rules": [str(PLUGINS / "probe.yml")]},
                        capabilities=push_capabilities(configuration=False), root_uri=False)
    yield
    await lsp_client.shutdown_session()


async def test_failing_check_is_logged_and_others_still_publish(client: LanguageClient):
    uri = file_uri(client.tmp_path / "d.md")
    open_doc(client, uri, "KABOOM 🙂 said the regime.\n")
    diags = await wait_diagnostics(client, uri)
    assert [d.code for d in diags] == ["loaded-term/regime"]
    logged = [m for m in client.log_messages if "probe exploded on purpose" in m.message]
    assert logged and logged[0].type == types.MessageType.Error
    assert "Traceback" in logged[0].message and "check_paragraph" in logged[0].message
    # Logged once per distinct failure, not on every keystroke.
    change_doc(client, uri, 2, None, "KABOOM 🙂 said the regime again.\n")
    await wait_diagnostics(client, uri)
    assert len([m for m in client.log_messages if "probe exploded" in m.message]) == 1


async def test_hover_includes_check_hovers(client: LanguageClient):
    uri = file_uri(client.tmp_path / "d.md")
    text = "The “regime” 🙂 reported over 500 deaths.\n"
    open_doc(client, uri, text)
    await wait_diagnostics(client, uri)
    col = len(text[:text.index("500")].encode("utf-16-le")) // 2
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, col + 1)))
    assert "over 412 deaths" in hover.contents.value


async def test_fix_all_loaded_terms_source_action(client: LanguageClient, tmp_path):
    rules = tmp_path / "single.yml"
    rules.write_text(
        "rules:\n"
        "  - id: house-style/onslaught\n    check: loaded-term\n    terms: [onslaught]\n"
        "    suggestions: [offensive]\n    message: \"“{match}”: use {suggestions}.\"\n")
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={
        "debounce": 0, "rules": [str(PLUGINS / "probe.yml"), str(rules)]}))
    uri = file_uri(tmp_path / "d.md")
    text = "The onslaught 🙂 began; the regime’s onslaught — “Onslaught” — went on.\n"
    open_doc(client, uri, text)
    diags = await wait_diagnostics(client, uri)
    assert [d.code for d in diags].count("house-style/onslaught") == 3
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=[], only=[types.CodeActionKind.Source])))
    (fix_all,) = actions
    assert fix_all.kind == "source.fixAll.copydesk"
    fixed = apply_edits(text, fix_all.edit.document_changes[0].edits)
    # regime has several suggestions: left for the writer to choose
    assert fixed == "The offensive 🙂 began; the regime’s offensive — “Offensive” — went on.\n"
    change_doc(client, uri, 2, None, fixed)
    assert "house-style/onslaught" not in {d.code for d in await wait_diagnostics(client, uri)}
