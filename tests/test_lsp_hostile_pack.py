"""A huge rule pack saved in the workspace, through a real LSP client (issue 18, item 6).

The issue's reproducer: a 3.6 MB pack with one loaded-term rule of 360,000
terms, rightly refused (over the node limit), held the server for 25.6 s, so
no other document was linted or answered meanwhile.  The server validates
and builds rules off its event loop and keeps the last good rules."""
from __future__ import annotations

import asyncio

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import (RULES_OK, change_doc, file_uri, open_doc, server_config, start_session, wait_diagnostics,
                         watched_file_changed)


def huge_pack(terms: int = 360_000) -> str:
    """The issue's pack: one valid-looking rule, 360,000 terms, 3.6 MB."""
    return ("rules:\n  - id: loaded-term/many\n    check: loaded-term\n    message: m\n    terms: ["
            + ", ".join(f"w{i:06d}x" for i in range(terms)) + "]\n")


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0})
    yield
    await lsp_client.shutdown_session()


def codes(diags) -> set[str]:
    return {d.code for d in diags}


def rule_messages(client) -> list[str]:
    return [m.message for m in client.messages if "problem(s) in rule files" in m.message]


async def test_a_huge_pack_saved_in_the_workspace_neither_blocks_the_server_nor_replaces_the_good_rules(
        client: LanguageClient):
    folder = client.tmp_path
    (folder / "house").mkdir()
    pack = folder / "house" / "house.yml"
    pack.write_text(RULES_OK)
    (folder / "copydesk.toml").write_text('rules = ["house/"]\n')
    first = file_uri(folder / "first.md")
    open_doc(client, first, "Hooligans attacked the regime’s offices.\n")
    assert "loaded-term/hooligan" in codes(await wait_diagnostics(client, first))

    text = huge_pack()
    assert len(text.encode()) > 3_500_000
    pack.write_text(text)
    pack_uri = file_uri(pack)
    # What an editor sends on save: didSave, then its file watcher's event.
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=pack_uri)))
    watched_file_changed(client, pack_uri)

    # Meanwhile another draft is opened and the first one hovered.  Both are
    # answered before the pack's verdict: the server did not wait for it
    # (the client reads messages in the order the server sent them).
    second = file_uri(folder / "second.md")
    open_doc(client, second, "More hooligans gathered.\n")
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=first), position=types.Position(0, 2)))
    assert hover is not None and "hooligan" in hover.contents.value.lower()
    assert "loaded-term/hooligan" in codes(await wait_diagnostics(client, second))
    assert pack_uri not in client.diagnostics and not rule_messages(client), \
        "the pack was validated before the other requests were answered"

    # Then the verdict: refused at the node limit, on the pack, with one message.
    errors = await wait_diagnostics(client, pack_uri, timeout=120)
    assert len(errors) == 1 and errors[0].severity == types.DiagnosticSeverity.Error
    assert "more than 200,000 nodes" in errors[0].message
    for _ in range(100):
        if rule_messages(client):
            break
        await asyncio.sleep(0.05)
    shown = rule_messages(client)
    assert len(shown) == 1 and "keeping the last good rules" in shown[0], shown

    # The last good rules stay: an edit to either draft is linted with them.
    change_doc(client, second, 2, None, "Hooligans and more hooligans gathered.\n")
    diags = await wait_diagnostics(client, second)
    assert "loaded-term/hooligan" in codes(diags)
    assert not any(str(d.code).startswith("loaded-term/many") for d in diags)
    change_doc(client, first, 2, None, "The hooligans left.\n")
    assert "loaded-term/hooligan" in codes(await wait_diagnostics(client, first))

    # And a good pack saved afterwards replaces them as usual.
    pack.write_text(RULES_OK.replace("[hooligan]", "[hooligan, goon]"))
    client.diagnostics.pop(pack_uri, None)
    client.diagnostics.pop(second, None)
    watched_file_changed(client, pack_uri)
    assert list(await wait_diagnostics(client, pack_uri, timeout=60)) == []
    await wait_diagnostics(client, second)
    change_doc(client, second, 3, None, "Goons gathered.\n")
    assert "loaded-term/hooligan" in codes(await wait_diagnostics(client, second))
