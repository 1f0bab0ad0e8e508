"""fastFirst: the findings that need no new parse are published at once, the
syntactic layer's when the parse is done (off the event loop); the last set
published is the CLI's.  Order is checked, never time."""
from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from pytest_lsp import ClientServerConfig, LanguageClient

from conftest import run_json
from lsp_helpers import SERVER_CMD, change_doc, file_uri, find_range, open_doc, start_session

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


class Published(dict):
    """client.diagnostics that also keeps every publish, in order."""

    def __init__(self):
        super().__init__()
        self.log: list[tuple[str, list]] = []

    def __setitem__(self, uri, diags):
        self.log.append((uri, list(diags)))
        super().__setitem__(uri, diags)


@pytest.fixture(autouse=True)
def _every_parse_new(monkeypatch):
    """The parse cache in the cache folder off (for the CLI runs and the
    server started after this): the order checked here is that of a draft
    whose sentences need a new parse, as a sentence being typed does.  (With
    its parses cached, a draft's first publish is already the whole set.)"""
    monkeypatch.setenv("COPYDESK_PARSE_CACHE", "off")


@pytest_lsp.fixture(config=ClientServerConfig(server_command=SERVER_CMD))
async def client(lsp_client: LanguageClient, tmp_path):
    lsp_client.diagnostics = Published()
    await start_session(lsp_client, tmp_path, {"debounce": 0, "fastFirst": True})
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


async def publishes_until(client, uri: str, want: list[tuple], timeout: float = 120.0) -> list[list]:
    """Every set published for uri until one equals ``want`` (the test fails
    by timing out if none does: a correctness bound, not a speed check)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        sets = [d for u, d in client.diagnostics.log if u == uri]
        if sets and lsp_set(sets[-1]) == want:
            return sets
        assert loop.time() < deadline, f"never published the CLI's set; last: {sets and lsp_set(sets[-1])}"
        await asyncio.sleep(0.02)


async def test_fast_findings_first_then_the_whole_set_equal_to_the_cli(client: LanguageClient):
    path = client.tmp_path / "port.md"
    path.write_text(DRAFT, encoding="utf-8")
    want = cli_set(path)
    codes = {w[0] for w in want}
    assert {"loaded-term/regime", "loaded-term/blitzkrieg", "attribution/unattributed-claim"} <= codes
    uri = file_uri(path)
    open_doc(client, uri, DRAFT)
    sets = await publishes_until(client, uri, want)
    first = lsp_set(sets[0])
    # The first publish came before any parse: the word-list findings are in
    # it, the clause-level claim (which needs the parse) is not yet.
    assert {"loaded-term/regime", "loaded-term/blitzkrieg"} <= {d[0] for d in first}
    assert "attribution/unattributed-claim" not in {d[0] for d in first}
    assert set(first) < set(want) and len(sets) >= 2


async def test_edits_while_parsing_end_on_the_last_versions_whole_set(client: LanguageClient):
    """Keystrokes that come while a parse runs are linted without it; the
    superseded versions' parses are dropped and the last version ends with
    the CLI's findings."""
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
    sets = await publishes_until(client, uri, want)
    assert "attribution/unattributed-claim" in {d[0] for d in want}
    assert len(sets) >= 2  # the fast set of an edit came before the whole one
