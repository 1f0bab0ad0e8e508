"""The editor's first hour. A sentence-wide finding (an unattributed claim) is
underlined on its trigger word, so the loaded term inside the same sentence
keeps a squiggle of its own; the hover puts the narrowest finding first, its
message, fix and evidence before the rule's background; a startup progress
runs until the first engine and corpus index are ready.  Through pytest-lsp."""
from __future__ import annotations

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import (file_uri, find_range, open_doc, push_capabilities, server_config, start_session,
                         wait_diagnostics)

DRAFT = ("# Idlib 🙂\n\n"
         "The jihadists 🙂 swept through towns and villages across the north-west in less than a week.\n")


@pytest_lsp.fixture(config=server_config())
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


@pytest_lsp.fixture(config=server_config())
async def progress_client(lsp_client: LanguageClient, tmp_path):
    caps = push_capabilities()
    caps.window = types.WindowClientCapabilities(work_done_progress=True)
    await start_session(lsp_client, tmp_path, {"debounce": 0}, capabilities=caps)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"wire{n}.txt").write_text(f"At least {40 + n} people were killed in Idlib on Monday, "
                                             "the health ministry said.\n", encoding="utf-8")
    (tmp_path / "copydesk.toml").write_text('corpus = ["corpus/"]\n', encoding="utf-8")
    yield
    await lsp_client.shutdown_session()


async def test_startup_progress_until_the_first_engine_and_corpus_index(progress_client: LanguageClient):
    client = progress_client
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, "More than 90 people were killed in Idlib on Monday, the health ministry said.\n")
    await wait_diagnostics(client, uri)
    reports = client.progress_reports["copydesk-start"]
    assert reports[0].kind == "begin" and reports[0].title == "copydesk" and reports[0].message == "starting…"
    assert reports[-1].kind == "end" and reports[-1].message == "ready"
    messages = [r.message for r in reports if r.kind == "report"]
    assert messages[0] == "loading the rules"
    assert "indexing the reference corpus (3/3 files)" in messages
    assert [r.kind for r in reports].count("end") == 1
