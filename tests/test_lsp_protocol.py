"""Protocol details: pull diagnostics, position encodings, multi-root
workspaces, CRLF and debouncing, through a real client (pytest-lsp)."""
from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import (accept_registrations, change_doc, file_uri, find_range, open_doc, pull_diagnostics,
                         push_capabilities, server_config, wait_diagnostics, watched_file_changed)

TEXT = "Ḥalab 🙂 — the regime’s “blitzkrieg” 𝔄 failed.\n"


async def _start(client: LanguageClient, tmp_path, capabilities, init=None, folders=None):
    accept_registrations(client)
    folders = folders or [tmp_path]
    await client.initialize_session(types.InitializeParams(
        capabilities=capabilities,
        initialization_options=init if init is not None else {"debounce": 0},
        workspace_folders=[types.WorkspaceFolder(uri=file_uri(f), name=f.name) for f in folders],
        root_uri=file_uri(folders[0]),
    ))


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient):
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), 10)


async def test_pull_diagnostics(client: LanguageClient, tmp_path):
    caps = push_capabilities()
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(related_document_support=False)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    accept_registrations(client)
    result = await client.initialize_session(types.InitializeParams(
        capabilities=caps, initialization_options={"debounce": 0},
        workspace_folders=[types.WorkspaceFolder(uri=file_uri(tmp_path), name="ws")]))
    assert result.capabilities.diagnostic_provider is not None
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    uri = file_uri(tmp_path / "d.md")
    open_doc(client, uri, TEXT)
    report = await pull_diagnostics(client, uri)
    assert report.kind == "full"
    codes = {d.code: d for d in report.items}
    assert codes["loaded-term/regime"].range == find_range(TEXT, "regime’s")
    again = await pull_diagnostics(client, uri, report.result_id)
    assert again.kind == "unchanged"
    # The client pulls: nothing is pushed for documents, so it never sees duplicates.
    change_doc(client, uri, 2, find_range(TEXT, "regime’s"), "government’s")
    report = await pull_diagnostics(client, uri, report.result_id)
    assert report.kind == "full" and "loaded-term/regime" not in {d.code for d in report.items}
    await asyncio.sleep(0.3)
    assert uri not in client.diagnostics
    # A settings change asks the client to pull again.
    before = client.diagnostic_refresh_count
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"copydesk": {"disable": ["loaded-term"]}}))
    for _ in range(100):
        if client.diagnostic_refresh_count > before:
            break
        await asyncio.sleep(0.02)
    assert client.diagnostic_refresh_count > before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-32"])
async def test_position_encoding_negotiation(client: LanguageClient, tmp_path, encoding):
    caps = push_capabilities(encodings=[encoding, "utf-16"])
    accept_registrations(client)
    result = await client.initialize_session(types.InitializeParams(
        capabilities=caps, initialization_options={"debounce": 0}))
    assert result.capabilities.position_encoding == encoding
    uri = file_uri(tmp_path / "d.md")
    open_doc(client, uri, TEXT)
    regime = {d.code: d for d in await wait_diagnostics(client, uri)}["loaded-term/regime"]
    start = TEXT.index("regime’s")
    unit = (lambda s: len(s.encode("utf-8"))) if encoding == "utf-8" else len
    assert regime.range.start.character == unit(TEXT[:start])
    assert regime.range.end.character == unit(TEXT[:start + len("regime’s")])
    # Incremental edits come in the same encoding.
    pos = types.Position(0, unit(TEXT[:start]))
    change_doc(client, uri, 2, types.Range(pos, pos), "🙂")
    regime = {d.code: d for d in await wait_diagnostics(client, uri)}["loaded-term/regime"]
    assert regime.range.start.character == unit(TEXT[:start] + "🙂")


async def test_crlf_and_astral_incremental_edits_match_full_text(client: LanguageClient, tmp_path):
    await _start(client, tmp_path, push_capabilities())
    text = "# Ḥalab 🙂\r\n\r\nThe regime’s 𝔄 forces.\r\nA blitzkrieg 🚀 followed.\r\n"
    uri = file_uri(tmp_path / "crlf.md")
    open_doc(client, uri, text)
    await wait_diagnostics(client, uri)
    edits = [
        (find_range(text, "𝔄"), "🙂🙂"),
        (types.Range(types.Position(1, 0), types.Position(1, 0)), "Terrorist cells 🧨 — “regime” — too.\r\n"),
    ]
    current = text
    version = 1
    for rng, new in edits:
        version += 1
        change_doc(client, uri, version, rng, new)
        incremental = await wait_diagnostics(client, uri)
        # the same text opened afresh gives the same diagnostics
        from lsp_helpers import apply_edits
        current = apply_edits(current, [types.TextEdit(rng, new)])
        fresh = file_uri(tmp_path / f"fresh{version}.md")
        open_doc(client, fresh, current)
        full = await wait_diagnostics(client, fresh)
        assert [(d.code, d.range) for d in incremental] == [(d.code, d.range) for d in full]
    assert "loaded-term/terrorist" in {d.code for d in incremental}


async def test_multi_root_each_folder_uses_its_config(client: LanguageClient, tmp_path):
    a, b = tmp_path / "desk-a", tmp_path / "desk-b"
    a.mkdir()
    b.mkdir()
    (a / "copydesk.toml").write_text('disable = ["loaded-term/regime"]\n')
    (b / "copydesk.toml").write_text('[severity]\n"loaded-term/regime" = "error"\n')
    client.set_configuration({"debounce": 0}, section="copydesk")
    client.set_configuration({"debounce": 0, "disable": ["loaded-term/blitzkrieg"]},
                             section="copydesk", scope_uri=file_uri(b))
    await _start(client, tmp_path, push_capabilities(), folders=[a, b])
    ua, ub = file_uri(a / "d.md"), file_uri(b / "d.md")
    open_doc(client, ua, TEXT)
    open_doc(client, ub, TEXT)
    da = {d.code: d for d in await wait_diagnostics(client, ua)}
    db = {d.code: d for d in await wait_diagnostics(client, ub)}
    assert "loaded-term/regime" not in da and "loaded-term/blitzkrieg" in da
    assert db["loaded-term/regime"].severity == types.DiagnosticSeverity.Error
    assert "loaded-term/blitzkrieg" not in db


async def test_changes_are_debounced(client: LanguageClient, tmp_path):
    await _start(client, tmp_path, push_capabilities(), init={"debounce": 400})
    uri = file_uri(tmp_path / "d.md")
    open_doc(client, uri, TEXT)  # open publishes at once
    await wait_diagnostics(client, uri)
    for version in range(2, 6):  # a burst of keystrokes
        pos = types.Position(0, 0)
        change_doc(client, uri, version, types.Range(pos, pos), "x")
        await asyncio.sleep(0.02)
    await asyncio.sleep(0.15)
    assert uri not in client.diagnostics  # still waiting for the typing to stop
    diags = await wait_diagnostics(client, uri, timeout=5)
    assert {d.code for d in diags} >= {"loaded-term/regime"}


async def test_config_file_errors_are_reported_on_the_file(client: LanguageClient, tmp_path):
    toml = tmp_path / "copydesk.toml"
    toml.write_text('disable = "loaded-term/regime"\n')  # must be a list
    await _start(client, tmp_path, push_capabilities())
    uri = file_uri(tmp_path / "d.md")
    open_doc(client, uri, TEXT)
    await wait_diagnostics(client, uri)
    errors = await wait_diagnostics(client, file_uri(toml))
    assert "list of strings" in errors[0].message
    assert any("copydesk.toml" in m.message for m in client.messages)
    client.diagnostics.pop(file_uri(toml))
    toml.write_text('disable = ["loaded-term/regime"]\n')
    client.diagnostics.pop(uri, None)
    watched_file_changed(client, file_uri(toml))
    assert "loaded-term/regime" not in {d.code for d in await wait_diagnostics(client, uri)}
    assert list(await wait_diagnostics(client, file_uri(toml))) == []


@pytest.mark.parametrize("spec", ["neovim@v0.7.0", "neovim@v0.10.0", "neovim@v0.11.0", "emacs@v29.1",
                                  "visual-studio-code@v1.65.2"])
async def test_recorded_client_capabilities(client: LanguageClient, tmp_path, spec):
    """Capabilities real editors send (recorded by pytest-lsp): each gets
    diagnostics, pushed or pulled as the client supports, in its encoding."""
    from pytest_lsp import client_capabilities

    caps = client_capabilities(spec)
    accept_registrations(client)
    result = await client.initialize_session(types.InitializeParams(
        capabilities=caps, initialization_options={"debounce": 0},
        workspace_folders=[types.WorkspaceFolder(uri=file_uri(tmp_path), name="ws")]))
    encoding = result.capabilities.position_encoding
    uri = file_uri(tmp_path / "d.md")
    open_doc(client, uri, TEXT)
    if caps.text_document.diagnostic is not None:
        diags = (await pull_diagnostics(client, uri)).items
    else:
        diags = await wait_diagnostics(client, uri)
    regime = {d.code: d for d in diags}["loaded-term/regime"]
    prefix = TEXT[:TEXT.index("regime’s")]
    units = {"utf-8": len(prefix.encode("utf-8")), "utf-16": len(prefix.encode("utf-16-le")) // 2,
             "utf-32": len(prefix)}[encoding]
    assert regime.range.start.character == units


async def test_odd_requests_do_not_break_the_server(client: LanguageClient, tmp_path):
    await _start(client, tmp_path, push_capabilities())
    ghost = file_uri(tmp_path / "never-opened.md")
    client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri=ghost)))
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=ghost), position=types.Position(99, 99)))
    assert hover is None
    uri = file_uri(tmp_path / "d.md")
    open_doc(client, uri, TEXT)
    await wait_diagnostics(client, uri)
    # Positions past the end and a reversed range are clamped, not fatal.
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(50, 3), types.Position(0, 0)),
        context=types.CodeActionContext(diagnostics=[])))
    assert any(a.title == "Disable loaded-term/regime for this line" for a in actions)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 10_000)))
    # Still alive and linting.
    change_doc(client, uri, 2, None, "The regime 🙂.\n")
    assert [d.code for d in await wait_diagnostics(client, uri)] == ["loaded-term/regime"]
