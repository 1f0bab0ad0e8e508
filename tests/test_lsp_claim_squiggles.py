"""In the editor a sentence-wide finding (an unattributed claim) is
underlined on its trigger word, so the loaded term inside the same sentence
keeps a squiggle of its own; the hover puts the narrowest finding first, its
message, fix and evidence before the rule's background.  Through pytest-lsp."""
from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient

from lsp_helpers import SERVER_CMD, file_uri, find_range, open_doc, start_session, wait_diagnostics

DRAFT = ("# Idlib 🙂\n\n"
         "The jihadists 🙂 swept through towns and villages across the north-west in less than a week.\n")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0})
    yield
    await lsp_client.shutdown_session()


async def test_claim_squiggle_on_its_trigger_leaves_the_term_visible(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    diags = {d.code: d for d in await wait_diagnostics(client, uri)}
    claim, term = diags["attribution/unattributed-claim"], diags["loaded-term/jihadist"]
    assert term.range == find_range(DRAFT, "jihadists")
    assert claim.range == find_range(DRAFT, "swept through")
    sentence = DRAFT.splitlines()[2]
    assert claim.data["span"] == {"start": {"line": 2, "character": 0},
                                  "end": {"line": 2, "character": len(sentence.encode("utf-16-le")) // 2}}
    # The placeholder fix is still offered from the narrowed squiggle.
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=claim.range,
        context=types.CodeActionContext(diagnostics=[claim])))
    assert any(a.title.startswith("Insert an attribution placeholder") for a in actions)

    # Hover on the term: the term's own message and fix first, the claim after.
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=find_range(DRAFT, "jihadists").start))
    value = hover.contents.value
    assert value.startswith(f"**{term.message}**")
    assert value.index("Fix: ") < value.index("`loaded-term/jihadist`") < value.index(claim.message)
    # Anywhere in the sentence, the claim is still there on hover.
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=find_range(DRAFT, "villages").start))
    assert hover.contents.value.startswith(f"**{claim.message}**")
