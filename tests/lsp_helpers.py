"""Helpers for driving ``copydesk serve`` with pytest-lsp."""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path

from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import make_test_lsp_client

SERVER_CMD = [sys.executable, "-m", "copydesk", "serve"]
# Follows the last publishDiagnostics of a document version (lsp/server.py).
DIAGNOSTICS_FINAL = "copydesk/diagnosticsFinal"


class Diagnostics(dict):
    """``client.diagnostics`` that also knows whether the set held for a uri
    is the whole set of its version: a publish makes it provisional, the
    server's copydesk/diagnosticsFinal after it makes it final.  Every
    publish is kept in ``log`` too, in order."""

    def __init__(self):
        super().__init__()
        self.final: set[str] = set()
        self.log: list[tuple[str, list, bool]] = []  # (uri, diagnostics, final)

    def __setitem__(self, uri, diags):
        self.final.discard(uri)
        self.log.append((uri, list(diags), False))
        super().__setitem__(uri, diags)

    def pop(self, uri, *default):
        self.final.discard(uri)
        return super().pop(uri, *default)

    def mark_final(self, uri: str) -> None:
        if uri in self:
            self.final.add(uri)
            for i in range(len(self.log) - 1, -1, -1):
                if self.log[i][0] == uri:
                    self.log[i] = (uri, self.log[i][1], True)
                    break

    def sets(self, uri: str) -> list[tuple[list, bool]]:
        """Every set published for uri, in order, with whether it was final."""
        return [(d, f) for u, d, f in self.log if u == uri]


def make_client() -> LanguageClient:
    """pytest-lsp's test client, knowing which diagnostics are final."""
    client = make_test_lsp_client()
    client.diagnostics = Diagnostics()

    @client.feature(DIAGNOSTICS_FINAL)
    def _final(params):
        uri = params["uri"] if isinstance(params, dict) else getattr(params, "uri", None)
        if isinstance(client.diagnostics, Diagnostics) and uri is not None:
            client.diagnostics.mark_final(uri)

    return client


def server_config(command: list[str] | None = None, **kwargs) -> ClientServerConfig:
    """The config of every LSP test: ``copydesk serve`` and ``make_client``."""
    return ClientServerConfig(server_command=command or SERVER_CMD, client_factory=make_client, **kwargs)

# A one-rule pack a workspace saves (rule reloads, broken saves, hostile packs).
RULES_OK = """\
rules:
  - id: loaded-term/hooligan
    check: loaded-term
    severity: info
    terms: [hooligan]
    suggestions: [gunmen]
    message: "“{match}” is loaded; use {suggestions}."
"""


def watched_file_changed(client, uri: str, change: types.FileChangeType = types.FileChangeType.Changed) -> None:
    """What an editor's file watcher sends when a file on disk changes."""
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[
        types.FileEvent(uri=uri, type=change)]))


def utf16_col(line: str, index: int) -> int:
    return len(line[:index].encode("utf-16-le")) // 2


def find_range(text: str, needle: str, nth: int = 0) -> types.Range:
    """The UTF-16 LSP range of the nth occurrence of needle in text."""
    at = -1
    for _ in range(nth + 1):
        at = text.index(needle, at + 1)
    line = text.count("\n", 0, at)
    line_start = text.rfind("\n", 0, at) + 1
    body = text[line_start:]
    start = utf16_col(body, at - line_start)
    end = utf16_col(body, at - line_start + len(needle))
    return types.Range(types.Position(line, start), types.Position(line, end))


async def wait_diagnostics(client, uri: str, timeout: float = 15.0):
    """Wait until the whole set of diagnostics for uri has arrived: a publish
    the server said was final (callers pop the uri first).  With fastFirst a
    version's first publish may be provisional; this waits for the last."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    final = getattr(client.diagnostics, "final", None)
    while uri not in client.diagnostics or (final is not None and uri not in final):
        if loop.time() > deadline:
            state = "only a provisional set" if uri in client.diagnostics else "none"
            raise TimeoutError(f"no final diagnostics for {uri} ({state})")
        await asyncio.sleep(0.01)
    return client.diagnostics[uri]


async def pull_diagnostics(client, uri: str, previous: str | None = None, timeout: float = 60.0):
    """textDocument/diagnostic as VS Code pulls it.  With fastFirst a report
    whose resultId ends in ":partial" lacks the findings that wait for the
    parse; the server then sends workspace/diagnostic/refresh and the client
    pulls again: this does the same until the report is whole."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        refreshes = client.diagnostic_refresh_count
        report = await client.text_document_diagnostic_async(types.DocumentDiagnosticParams(
            text_document=types.TextDocumentIdentifier(uri=uri), previous_result_id=previous))
        if not (report.result_id or "").endswith(":partial"):
            return report
        client.partial_reports = getattr(client, "partial_reports", 0) + 1
        while client.diagnostic_refresh_count == refreshes:
            if loop.time() > deadline:
                raise TimeoutError(f"no workspace/diagnostic/refresh after a partial report for {uri}")
            await asyncio.sleep(0.01)
        previous = report.result_id


def open_doc(client, uri: str, text: str, language: str = "markdown", version: int = 1) -> None:
    client.diagnostics.pop(uri, None)
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id=language, version=version, text=text)))


def change_doc(client, uri: str, version: int, range_: types.Range | None, text: str) -> None:
    client.diagnostics.pop(uri, None)
    change = (types.TextDocumentContentChangePartial(range=range_, text=text) if range_ is not None
              else types.TextDocumentContentChangeWholeDocument(text=text))
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[change]))


def push_capabilities(**extra) -> types.ClientCapabilities:
    """A client that takes pushed diagnostics (no pull support)."""
    return types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            configuration=extra.get("configuration", True),
            did_change_configuration=types.DidChangeConfigurationClientCapabilities(dynamic_registration=False),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=extra.get("watch", True)),
            workspace_folders=True,
        ),
        text_document=types.TextDocumentClientCapabilities(
            synchronization=types.TextDocumentSyncClientCapabilities(did_save=True),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                related_information=True, code_description_support=True, data_support=True,
                version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.Source]))),
            hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
        ),
        general=types.GeneralClientCapabilities(position_encodings=extra["encodings"]) if "encodings" in extra else None,
    )


def apply_edits(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP TextEdits (UTF-16 ranges) to text, last first."""
    lines = text.split("\n")
    starts = [0]
    for line in lines[:-1]:
        starts.append(starts[-1] + len(line) + 1)

    def offset(pos: types.Position) -> int:
        line = lines[pos.line]
        units = 0
        for i, ch in enumerate(line):
            if units >= pos.character:
                return starts[pos.line] + i
            units += 2 if ord(ch) > 0xFFFF else 1
        return starts[pos.line] + len(line)

    spans = sorted(((offset(e.range.start), offset(e.range.end), e.new_text) for e in edits), reverse=True)
    for a, b, new in spans:
        text = text[:a] + new + text[b:]
    return text


def file_uri(path: Path) -> str:
    return path.resolve().as_uri()


def accept_registrations(client) -> list:
    """pytest-lsp's client has no client/registerCapability handler: record them."""
    registrations: list = []
    client.registrations = registrations

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def _register(params: types.RegistrationParams):
        registrations.extend(params.registrations)
        return None

    @client.feature(types.CLIENT_UNREGISTER_CAPABILITY)
    def _unregister(params: types.UnregistrationParams):
        gone = {u.id for u in params.unregisterations}
        registrations[:] = [r for r in registrations if r.id not in gone]
        return None

    return registrations


async def start_session(client, folder: Path, init_options: dict | None = None,
                        capabilities: types.ClientCapabilities | None = None,
                        root_uri: bool = True) -> types.InitializeResult:
    """Initialize the session most tests want: an empty copydesk.toml in
    ``folder`` (so no config further up is found), registrations recorded,
    ``folder`` as the one workspace folder.  Sets ``client.tmp_path``."""
    (folder / "copydesk.toml").write_text("")
    accept_registrations(client)
    result = await client.initialize_session(types.InitializeParams(
        capabilities=capabilities or push_capabilities(),
        initialization_options=init_options,
        workspace_folders=[types.WorkspaceFolder(uri=file_uri(folder), name="ws")],
        root_uri=file_uri(folder) if root_uri else None,
    ))
    client.tmp_path = folder
    return result
