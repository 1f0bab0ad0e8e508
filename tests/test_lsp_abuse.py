"""Protocol abuse: a client that sends what it should not.  The server
answers with the errors the spec names, or ignores what the spec lets it
ignore, never stops, and keeps serving the other documents."""
from __future__ import annotations

import asyncio
import itertools
import json

import pytest_lsp
from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pytest_lsp import LanguageClient

from lsp_fuzzing import Edit, FullLint, _normal
from lsp_helpers import file_uri, open_doc, server_config, start_session, wait_diagnostics

METHOD_NOT_FOUND, INVALID_REQUEST, INVALID_PARAMS = -32601, -32600, -32602
_ids = itertools.count(1)


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0})
    yield
    if not getattr(lsp_client, "shut_down", False):
        await lsp_client.shutdown_session()


# ------------------------------------------------------------ raw messages

def send_raw(client: LanguageClient, message: dict) -> None:
    """Write a JSON-RPC message as is: the typed client refuses to build
    the invalid ones these tests need."""
    write_frame(client, json.dumps(message).encode("utf-8"))


def write_frame(client: LanguageClient, body: bytes) -> None:
    """One base-protocol frame around any body, valid JSON or not."""
    client._server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)


def notify_raw(client, method: str, params) -> None:
    send_raw(client, {"jsonrpc": "2.0", "method": method, "params": params})


async def request_raw(client, method: str, params):
    """Send a request; return (result, error code)."""
    msg_id = f"raw-{next(_ids)}"
    future = asyncio.get_running_loop().create_future()
    client.protocol._request_futures[msg_id] = future
    send_raw(client, {"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
    try:
        return await asyncio.wait_for(future, 60), None  # only a missing answer trips this
    except JsonRpcException as e:
        return None, e.code


def pos(line, character):
    return {"line": line, "character": character}


def change_params(uri, version, start, end, text):
    return {"textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": start, "end": end}, "text": text}]}


async def still_serving(client: LanguageClient) -> None:
    """A fresh document gets its diagnostics and requests are answered."""
    uri = file_uri(client.tmp_path / f"other-{next(_ids)}.md")
    open_doc(client, uri, "The regime’s forces withdrew on Friday 🙂.\n")
    diags = await wait_diagnostics(client, uri, timeout=60)
    assert "loaded-term/regime" in [d.code for d in diags]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 5)))
    assert hover is not None and "regime" in hover.contents.value


async def published_now(client, uri):
    """Diagnostics for uri once every earlier message has been handled."""
    await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 0)))
    return client.diagnostics.get(uri)


def no_error_popups(client) -> None:
    assert not [m.message for m in client.messages if m.type == types.MessageType.Error]


def expected(text: str, uri: str):
    from pygls.uris import to_fs_path

    return FullLint().diagnostics(text, to_fs_path(uri))


# ------------------------------------------------------------------ tests

async def test_change_to_a_document_never_opened_is_ignored(client: LanguageClient):
    ghost = file_uri(client.tmp_path / "ghost.md")
    notify_raw(client, "textDocument/didChange", change_params(ghost, 2, pos(0, 0), pos(0, 0), "The regime"))
    notify_raw(client, "textDocument/didClose", {"textDocument": {"uri": ghost}})
    notify_raw(client, "textDocument/didSave", {"textDocument": {"uri": ghost}})
    await still_serving(client)
    assert not client.diagnostics.get(ghost)  # nothing linted (a close may clear: empty list)
    no_error_popups(client)


async def test_ranges_past_the_end_clamp_to_the_end(client: LanguageClient):
    """Spec: a line past the end is the end of the document; a character
    past the end of a line is the end of that line."""
    uri = file_uri(client.tmp_path / "draft.md")
    text = "The army moved in.\r\nRebels 🙂 fled"
    open_doc(client, uri, text)
    await wait_diagnostics(client, uri)
    notify_raw(client, "textDocument/didChange", change_params(uri, 2, pos(1, 500), pos(1, 900), ", the regime said."))
    text += ", the regime said."
    assert _normal(await published_now(client, uri)) == expected(text, uri)
    notify_raw(client, "textDocument/didChange", change_params(uri, 3, pos(40, 0), pos(99, 7), "\nA blitzkrieg."))
    text += "\nA blitzkrieg."
    got = _normal(await published_now(client, uri))
    assert got == expected(text, uri) and len(got) == 2
    await still_serving(client)
    no_error_popups(client)


async def test_reversed_range_means_the_span_between(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    text = "The army 🙂 moved in.\nRebels fled."
    open_doc(client, uri, text)
    await wait_diagnostics(client, uri)
    # end before start, across lines: replaces "moved in.\nRebels"
    notify_raw(client, "textDocument/didChange", change_params(uri, 2, pos(1, 6), pos(0, 12), "regime"))
    text = "The army 🙂 regime fled."
    got = _normal(await published_now(client, uri))
    assert got == expected(text, uri) and len(got) == 1
    await still_serving(client)


async def test_negative_positions(client: LanguageClient):
    """Negative numbers are not LSP positions: a request gets InvalidParams,
    a notification is dropped; the document is left as it was."""
    uri = file_uri(client.tmp_path / "draft.md")
    text = "The regime fell.\n"
    open_doc(client, uri, text)
    first = await wait_diagnostics(client, uri)
    result, code = await request_raw(client, "textDocument/hover", {
        "textDocument": {"uri": uri}, "position": pos(-1, -4)})
    assert code == INVALID_PARAMS
    result, code = await request_raw(client, "textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": {"start": pos(0, -1), "end": pos(-3, 2)},
        "context": {"diagnostics": []}})
    assert code == INVALID_PARAMS
    notify_raw(client, "textDocument/didChange", change_params(uri, 2, pos(-1, -5), pos(0, 3), "X"))
    assert _normal(await published_now(client, uri)) == _normal(first) == expected(text, uri)
    await still_serving(client)
    no_error_popups(client)


async def test_malformed_messages(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, "The regime fell.\n")
    await wait_diagnostics(client, uri)
    # Missing fields, wrong types, a body that is not JSON at all.
    _, code = await request_raw(client, "textDocument/hover", {"textDocument": {"uri": uri}})
    assert code == INVALID_PARAMS
    _, code = await request_raw(client, "textDocument/hover", {"textDocument": 5, "position": "here"})
    assert code == INVALID_PARAMS
    notify_raw(client, "textDocument/didOpen", {"textDocument": {"uri": uri}})
    notify_raw(client, "textDocument/didChange", {"contentChanges": "all of it"})
    write_frame(client, b"{this is not json")
    await still_serving(client)
    no_error_popups(client)


async def test_a_too_short_content_length_does_not_deafen_the_server(client: LanguageClient):
    """Content-Length: 5 before a longer body, the next header straight after:
    the server drops the broken message and answers the following ones."""
    body = json.dumps({"jsonrpc": "2.0", "method": "copydesk/noSuchNotification", "params": {}}).encode()
    client._server.stdin.write(b"Content-Length: 5\r\n\r\n" + body)
    await still_serving(client)
    no_error_popups(client)


async def test_a_too_long_content_length_does_not_swallow_the_next_messages(client: LanguageClient):
    """A length longer than the body: the read stops at the next header
    instead of eating the following messages or waiting for bytes that
    never come."""
    body = json.dumps({"jsonrpc": "2.0", "method": "copydesk/noSuchNotification", "params": {}}).encode()
    client._server.stdin.write(b"Content-Length: 100000\r\n\r\n" + body)
    await still_serving(client)
    uri = file_uri(client.tmp_path / "after.md")
    open_doc(client, uri, "The regime fell.\n")
    assert "loaded-term/regime" in [d.code for d in await wait_diagnostics(client, uri, timeout=60)]
    no_error_popups(client)


async def test_nul_bytes_in_an_open_document_are_linted(client: LanguageClient):
    """An editor buffer may hold NUL (the CLI refuses such files as binary);
    the server lints the prose around it, positions exact."""
    for language in ("markdown", "plaintext"):
        uri = file_uri(client.tmp_path / f"nul-{language}.md")
        open_doc(client, uri, "The regime\x00 fell.\n", language=language)
        diags = await wait_diagnostics(client, uri, timeout=60)
        assert [(d.code, d.range.start.character, d.range.end.character) for d in diags] == [
            ("loaded-term/regime", 4, 10)], language
    no_error_popups(client)


async def test_unknown_methods(client: LanguageClient):
    result, code = await request_raw(client, "copydesk/noSuchThing", {"x": 1})
    assert code == METHOD_NOT_FOUND
    result, code = await request_raw(client, "$/noSuchThing", {})
    assert code == METHOD_NOT_FOUND
    notify_raw(client, "copydesk/noSuchNotification", {"x": 1})
    notify_raw(client, "$/noSuchNotification", None)  # "$/" notifications may be ignored
    await still_serving(client)
    no_error_popups(client)


async def test_requests_after_shutdown_are_invalid(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, "The regime fell.\n")
    await wait_diagnostics(client, uri)
    await client.shutdown_async(None)
    result, code = await request_raw(client, "textDocument/hover", {
        "textDocument": {"uri": uri}, "position": pos(0, 5)})
    assert code == INVALID_REQUEST
    _, code = await request_raw(client, "shutdown", None)
    assert code == INVALID_REQUEST
    _, code = await request_raw(client, "copydesk/noSuchThing", {})
    assert code == INVALID_REQUEST
    client.exit(None)
    assert await asyncio.wait_for(client._server.wait(), 60) == 0  # exit after shutdown: 0
    client.shut_down = True


async def test_ten_megabyte_single_line_document(client: LanguageClient):
    uri = file_uri(client.tmp_path / "dump.md")
    big = ("The regime said the army moved in. “Quote here,” he said. " * 200_000)[:10 * 1024 * 1024]
    open_doc(client, uri, big)
    diags = await wait_diagnostics(client, uri, timeout=120)
    assert len(diags) == 1 and diags[0].severity == types.DiagnosticSeverity.Information
    assert "not checked" in diags[0].message
    # Editing it, hovering it and asking for actions stay cheap and answered.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(types.Position(0, 4), types.Position(0, 10)), text="government")]))
    assert await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(0, 5))) is None
    await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri),
        range=types.Range(types.Position(0, 0), types.Position(0, 10)),
        context=types.CodeActionContext(diagnostics=[])))
    await still_serving(client)
    # Cut back to draft size, it is checked again.
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=3),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text="The regime fell.")]))
    assert [d.code for d in await published_now(client, uri)] == ["loaded-term/regime"]


@pytest_lsp.fixture(config=server_config())
async def default_client(lsp_client: LanguageClient, tmp_path):
    """A client with the server's default settings (debounced linting)."""
    await start_session(lsp_client, tmp_path)
    yield
    await lsp_client.shutdown_session()


async def test_a_thousand_changes_in_a_second(default_client: LanguageClient):
    client = default_client
    uri = file_uri(client.tmp_path / "busy.md")
    text = "# Busy\n\nThe army moved in.\n"
    open_doc(client, uri, text)
    await wait_diagnostics(client, uri)
    for version in range(2, 1002):
        if version % 3 == 0 and len(text) > 40:
            e = Edit(len(text) - 12, len(text) - 2, "")
        else:
            e = Edit(len(text), len(text), ["The regime fell. ", "🙂 ", "\r\n", "“Jihadists,” he said. "][version % 4])
        client.text_document_did_change(types.DidChangeTextDocumentParams(
            text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
            content_changes=[e.change(text)]))
        text = e.apply(text)
    want = expected(text, uri)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 120  # a hang guard, not a speed assertion
    while _normal(await published_now(client, uri) or []) != want:
        assert loop.time() < deadline, "the last change's diagnostics never arrived"
        await asyncio.sleep(0.1)
    assert len(want) > 10
    await still_serving(client)
    no_error_popups(client)
