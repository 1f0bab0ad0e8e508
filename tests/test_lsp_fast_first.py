"""fastFirst (on by default): the findings that need no new parse are
published at once, the syntactic layer's when the parse is done (off the event
loop); the last set published for a version is followed by
copydesk/diagnosticsFinal and equals the CLI's.  Order is checked, never time."""
from __future__ import annotations

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import run_json
from lsp_helpers import (change_doc, file_uri, find_range, open_doc, pull_diagnostics, push_capabilities,
                         server_config, start_session, wait_diagnostics)

DRAFT = (
    "# Port talks\n"
    "\n"
    "The regime’s forces withdrew from the port, officials said.\n"
    "\n"
    "The ministry announced a ceasefire, but shelling resumed within hours and the militia is clearly "
    "winning the war.\n"
    "\n"
    "Critics called it a blitzkrieg.\n"
)


@pytest.fixture(autouse=True)
def _every_parse_new(monkeypatch):
    """The parse cache in the cache folder off (for the CLI runs and the
    server started after this): the order checked here is that of a draft
    whose sentences need a new parse, as a sentence being typed does.  (With
    its parses cached, a draft's first publish is already the whole set.)"""
    monkeypatch.setenv("COPYDESK_PARSE_CACHE", "off")


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0})  # fastFirst: the default
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=server_config())
async def one_publish(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0, "fastFirst": False})
    yield
    await lsp_client.shutdown_session()


@pytest_lsp.fixture(config=server_config())
async def puller(lsp_client: LanguageClient, tmp_path):
    """A client that pulls diagnostics and takes refresh requests (VS Code)."""
    caps = push_capabilities()
    caps.text_document.diagnostic = types.DiagnosticClientCapabilities(related_document_support=False)
    caps.workspace.diagnostics = types.DiagnosticWorkspaceClientCapabilities(refresh_support=True)
    await start_session(lsp_client, tmp_path, {"debounce": 0}, capabilities=caps)
    yield
    await lsp_client.shutdown_session()


def cli_set(path) -> list[tuple]:
    _code, report = run_json(str(path))
    return sorted((f["rule_id"], f["range"]["start"]["line"], f["range"]["start"]["character"],
                   f["range"]["end"]["line"], f["range"]["end"]["character"]) for f in report["findings"])


def lsp_set(diags) -> list[tuple]:
    def span(d):
        r = (d.data or {}).get("span") if isinstance(d.data, dict) else None
        if r:
            return (r["start"]["line"], r["start"]["character"], r["end"]["line"], r["end"]["character"])
        return (d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character)
    return sorted((d.code, *span(d)) for d in diags)


async def final_sets(client, uri: str) -> list[tuple[list, bool]]:
    """Every set published for uri up to the one the server said was final
    (copydesk/diagnosticsFinal), in order, with whether each was final."""
    await wait_diagnostics(client, uri, timeout=120)
    return client.diagnostics.sets(uri)


async def test_fast_findings_first_then_the_whole_set_equal_to_the_cli(client: LanguageClient):
    path = client.tmp_path / "port.md"
    path.write_text(DRAFT, encoding="utf-8")
    want = cli_set(path)
    codes = {w[0] for w in want}
    assert {"loaded-term/regime", "loaded-term/blitzkrieg", "attribution/unattributed-claim"} <= codes
    uri = file_uri(path)
    open_doc(client, uri, DRAFT)
    sets = await final_sets(client, uri)
    (first, first_final), (last, last_final) = sets[0], sets[-1]
    # The first publish came before any parse: the word-list findings are in
    # it, the clause-level claim (which needs the parse) is not yet, and the
    # server did not call it final.
    assert {"loaded-term/regime", "loaded-term/blitzkrieg"} <= {d[0] for d in lsp_set(first)}
    assert "attribution/unattributed-claim" not in {d[0] for d in lsp_set(first)}
    assert not first_final and set(lsp_set(first)) < set(want)
    # The set marked final is the CLI's, and it is the last one.
    assert last_final and lsp_set(last) == want
    assert [f for _d, f in sets].count(True) == 1


async def test_without_fast_first_the_one_publish_is_final_and_whole(one_publish: LanguageClient):
    client = one_publish
    path = client.tmp_path / "port.md"
    path.write_text(DRAFT, encoding="utf-8")
    want = cli_set(path)
    uri = file_uri(path)
    open_doc(client, uri, DRAFT)
    sets = await final_sets(client, uri)
    assert len(sets) == 1 and sets[0][1] and lsp_set(sets[0][0]) == want


async def test_edits_while_parsing_end_on_the_last_versions_whole_set(client: LanguageClient):
    """Keystrokes that come while a parse runs are linted without it; the
    superseded versions' parses are dropped and the last version ends with
    the CLI's findings, marked final."""
    path = client.tmp_path / "port.md"
    uri = file_uri(path)
    open_doc(client, uri, DRAFT)
    text = DRAFT
    for version, word in enumerate(["shelling", "heavy shelling", "renewed heavy shelling"], start=2):
        old = text.split("but ", 1)[1].split(" resumed", 1)[0]
        change_doc(client, uri, version, find_range(text, old), word)
        text = text.replace(old, word, 1)
    path.write_text(text, encoding="utf-8")
    want = cli_set(path)
    sets = await final_sets(client, uri)
    assert "attribution/unattributed-claim" in {d[0] for d in want}
    assert lsp_set(sets[-1][0]) == want and sets[-1][1]
    assert any(not final for _d, final in sets[:-1])  # fast sets came before the whole one


async def test_a_pulling_client_gets_the_quick_report_then_a_refresh_and_the_whole_set(puller: LanguageClient):
    """Pull diagnostics (VS Code): the first report comes without the parse
    (result id ending ":partial"), then workspace/diagnostic/refresh; the
    report pulled after it is the CLI's set."""
    client = puller
    path = client.tmp_path / "port.md"
    path.write_text(DRAFT, encoding="utf-8")
    want = cli_set(path)
    uri = file_uri(path)
    open_doc(client, uri, DRAFT)
    quick = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert quick.result_id.endswith(":partial")
    assert {"loaded-term/regime", "loaded-term/blitzkrieg"} <= {d[0] for d in lsp_set(quick.items)}
    assert "attribution/unattributed-claim" not in {d[0] for d in lsp_set(quick.items)}
    whole = await pull_diagnostics(client, uri, quick.result_id)
    assert whole.kind == "full" and lsp_set(whole.items) == want
    assert client.diagnostic_refresh_count >= 1 and uri not in client.diagnostics  # pulled, never pushed
