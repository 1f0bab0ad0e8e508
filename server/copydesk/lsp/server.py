"""The language server: documents in, diagnostics / actions / hovers out.

All analysis is ``Engine.lint``/``Engine.hover``; this module converts
positions and manages documents, settings, engines and reloads.  One engine
per effective config is kept for the life of the server so its per-paragraph
result cache makes a keystroke re-run only the paragraph it touched.
"""
from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import stat
from dataclasses import dataclass
from pathlib import Path
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..config import CONFIG_NAMES, Config
from ..engine import Engine, LintResult
from ..files import read_regular
from ..lang import syntax
from ..resources import default_corpus_dir, default_rules_dir
from ..text.document import Document
from ..text.prose import keep_incremental_state
from . import actions, workspace_lint
from . import ledger as lsp_ledger
from .convert import SOURCE, DiagnosticMemo, lsp_range, memoize_unstructure, path_uri, rule_error_diagnostic
from .memory import give_back
from .pools import EnginePool
from .filepoll import start_polling
from .hover import finding_hover
from .progress import StartupProgress
from .settings import ClientSettings
from .protocol import CopydeskProtocol
from .textsync import is_open, use_lsp_positions

log = logging.getLogger(__name__)


@dataclass
class Linted:
    version: int | None
    document: Document
    result: LintResult
    engine: Engine
    diagnostics: list[types.Diagnostic]
    generation: int
    too_large: bool = False


# Drafts are tens of kilobytes.  A multi-megabyte buffer (a pasted data dump,
# a log file) would hold the single-threaded server for seconds on every
# change and starve the other documents, so it is not checked.
MAX_DOCUMENT_CHARS = 1_000_000
# After analysing a document this big, hand free heap memory back to the system.
BIG_DOCUMENT_CHARS = 100_000
# Documents whose Markdown structure is kept for incremental re-parsing.
INCREMENTAL_DOCUMENTS = 64
# Sent right after a publishDiagnostics that is the whole set for its document
# version ({"uri", "version"}): with fastFirst the first publish of a version
# may lack the findings that wait for the syntactic parse, and a client (or a
# test) that needs the final set waits for this.  Clients that do not know it
# ignore it, as JSON-RPC has them ignore any unknown notification.
DIAGNOSTICS_FINAL = "copydesk/diagnosticsFinal"


class CopydeskServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("copydesk", __version__, protocol_cls=CopydeskProtocol)
        self.init_settings = ClientSettings()
        self.global_settings = ClientSettings()
        self.folder_settings: dict[str, ClientSettings] = {}
        self.pool = EnginePool(self)  # configs per folder, engines per config
        self._error_uris: set[str] = set()  # rule/config files we published errors on
        self.linted: dict[str, Linted] = {}
        self._diagnostics: dict[str, DiagnosticMemo] = {}  # per document: its last lint's, reused
        self._pending: dict[str, asyncio.TimerHandle] = {}
        self._reload_lock = asyncio.Lock()
        self._logged_failures: dict[str, set[str]] = {}
        self._seen_files: dict[str, Any] = {}  # path -> signature when its change was handled
        self.generation = 0  # bumps when rules/config change (pull result ids)
        self.pull_mode = False
        # Documents opened before the client's settings arrived are linted
        # once they do (not twice, with a flip from default to real settings).
        self.settings_ready = True
        self._deferred: list[str] = []
        self._watch_key: tuple[str, ...] | None = None
        self.poller = None  # lsp/filepoll.py, for clients that cannot watch files
        self.startup = StartupProgress(self)  # "starting…" until the first engine and corpus are ready
        # The syntactic layer parses in this one thread (lint_and_publish).
        self._parser = ThreadPoolExecutor(1, thread_name_prefix="copydesk-parse")
        self._parse_wanted: dict[str, list[str]] = {}
        self._parse_running = False

    # ------------------------------------------------------------ settings

    @property
    def encoding(self) -> str:
        enc = self.workspace.position_encoding if self.protocol._workspace is not None else None
        return str(enc.value if hasattr(enc, "value") else enc or "utf-16")

    def folder_of(self, path: str | None) -> str | None:
        """The workspace folder (path) that holds a file: the deepest one."""
        if path is None or self.protocol._workspace is None:
            return None
        best = None
        for folder in self.workspace.folders.values():
            fpath = to_fs_path(folder.uri)
            if fpath and (path == fpath or path.startswith(fpath.rstrip(os.sep) + os.sep)):
                if best is None or len(fpath) > len(best):
                    best = fpath
        if best is None and self.workspace.root_path and path.startswith(self.workspace.root_path.rstrip(os.sep) + os.sep):
            best = self.workspace.root_path
        return best

    def settings_for(self, path: str | None) -> ClientSettings:
        folder = self.folder_of(path)
        s = self.global_settings.over(self.init_settings)
        if folder is not None and folder in self.folder_settings:
            s = self.folder_settings[folder].over(s)
        return s

    def default_folder(self) -> str:
        return (self.workspace.root_path if self.protocol._workspace else None) or os.getcwd()

    def config_for_path(self, path: str | None) -> Config:
        return self.pool.config_for_path(path)

    def engine_for(self, cfg: Config) -> Engine:
        return self.pool.engine_for(cfg)

    def engines_changed(self) -> None:
        """A new engine: its rule and corpus folders may need watching."""
        if self.poller is not None:
            self.poller.refresh()
        if self._watch_key is not None and self._watch_key != self._watched_folders():
            asyncio.ensure_future(self.register_watchers())

    def _watched_folders(self) -> tuple[str, ...]:
        folders = {str(default_rules_dir())}
        for engine in self.pool.engines.values():
            if engine.config.corpus is None:
                folders.add(str(default_corpus_dir()))
            for p in engine.config.rule_paths + (engine.config.corpus_paths or []):
                folders.add(p if Path(p).is_dir() or not Path(p).suffix else str(Path(p).parent))
        return tuple(sorted(folders))

    async def register_watchers(self) -> None:
        """Ask the client to watch rule files, config files and corpus
        folders (dynamic registration; re-registered when folders change)."""
        if not _cap(self.client_capabilities, "workspace", "did_change_watched_files", "dynamic_registration"):
            return
        key = self._watched_folders()
        if key == self._watch_key:
            return
        previous, self._watch_key = self._watch_key, key
        try:
            if previous is not None:
                await self.client_unregister_capability_async(types.UnregistrationParams(unregisterations=[
                    types.Unregistration(id="copydesk-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES)]))
            await self.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(
                    id="copydesk-watch", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                    register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=self.watch_patterns()),
                )
            ]))
        except Exception as e:
            self.log(f"copydesk: could not register file watchers: {e}", types.MessageType.Warning)

    # ----------------------------------------------------------- messages

    def report_server_error(self, error: Exception, source) -> None:
        """Errors pygls reports out of band (a notification that failed or did
        not parse): log them; a client's protocol mistake is no reason to pop
        up "Error in server" at the user."""
        self.log(f"copydesk: ignored a message that could not be handled: {error}", types.MessageType.Warning)

    def log(self, message: str, kind: types.MessageType = types.MessageType.Log) -> None:
        try:
            self.window_log_message(types.LogMessageParams(type=kind, message=message))
        except Exception:  # not connected yet (unit use)
            log.info("%s", message)

    def show(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.log(message, kind)
        try:
            self.window_show_message(types.ShowMessageParams(type=kind, message=message))
        except Exception:
            pass

    def publish_file_errors(self) -> None:
        """Diagnostics on rule files and config files with problems."""
        by_uri: dict[str, list[types.Diagnostic]] = {}
        errors = self.pool.errors()
        seen = set()
        for err in errors:
            if str(err) in seen:
                continue
            seen.add(str(err))
            by_uri.setdefault(path_uri(err.path), []).append(rule_error_diagnostic(err, self.encoding))
        for uri in self._error_uris - set(by_uri):
            self._publish(uri, [], None)
        for uri, diags in by_uri.items():
            self._publish(uri, diags, None)
        self._error_uris = set(by_uri)

    def _publish(self, uri: str, diags: list[types.Diagnostic], version: int | None, final: bool = True) -> None:
        """Publish; unless more is coming for this version (``final=False``:
        fastFirst's first set), say that this was the whole set."""
        try:
            self.text_document_publish_diagnostics(
                types.PublishDiagnosticsParams(uri=uri, diagnostics=diags, version=version)
            )
        except Exception:
            log.exception("publishing diagnostics failed")
            return
        if final:
            self._final(uri, version)

    def _final(self, uri: str, version: int | None) -> None:
        try:
            self.protocol.notify(DIAGNOSTICS_FINAL, {"uri": uri, "version": version})
        except Exception:
            log.exception("sending %s failed", DIAGNOSTICS_FINAL)

    # ------------------------------------------------------------- linting

    def wants(self, uri: str) -> bool:
        try:
            doc = self.workspace.get_text_document(uri)
        except Exception:
            return False
        path = to_fs_path(uri) if uri.startswith("file:") else None
        return (doc.language_id or "") in self.settings_for(path).languages

    def lint(self, uri: str, wait: bool | None = None) -> Linted | None:
        """Lint the client's current text of a document (cached per version).
        ``wait=False`` (the default with the fastFirst setting): nothing is
        parsed here; the findings that need a new parse are left out and
        ``result.pending`` lists the texts to parse (``lint_and_publish``
        has them parsed off the event loop, then publishes the whole set)."""
        if not self.wants(uri):
            return None
        tdoc = self.workspace.get_text_document(uri)
        cached = self.linted.get(uri)
        if cached is not None and cached.version == tdoc.version and tdoc.version is not None \
                and cached.generation == self.generation and cached.document.text == tdoc.source \
                and not cached.result.pending:
            return cached
        path = to_fs_path(uri) if uri.startswith("file:") else None
        if wait is None:
            wait = not self.settings_for(path).fast_first
        language = tdoc.language_id if tdoc.language_id in ("markdown", "html") else "plaintext"
        doc = Document(tdoc.source, path=path, language=language)
        cfg = self.config_for_path(path)
        engine = self.engine_for(cfg)
        if len(doc.text) > MAX_DOCUMENT_CHARS:
            note = types.Diagnostic(
                range=types.Range(types.Position(0, 0), types.Position(0, 0)),
                message=f"copydesk: this document has {len(doc.text):,} characters; documents over "
                        f"{MAX_DOCUMENT_CHARS:,} are not checked (use `copydesk check` for big files)",
                severity=types.DiagnosticSeverity.Information, source=SOURCE)
            linted = Linted(tdoc.version, doc, LintResult(doc, []), engine, [note], self.generation, True)
            self.linted[uri] = linted
            return linted
        result = engine.lint(doc, wait=wait)
        if len(doc.text) > BIG_DOCUMENT_CHARS:
            give_back()  # the big temporaries of this analysis, not kept by the allocator
        self._log_failures(uri, result)
        memo = self._diagnostics.get(uri)
        if memo is None:
            memo = self._diagnostics[uri] = DiagnosticMemo()
        diags = memo.convert(doc, result.findings, lambda rid: engine.active_rules.get(rid) or engine.ruleset.get(rid),
                             self.encoding, (self.generation, id(engine)))
        linted = Linted(tdoc.version, doc, result, engine, diags, self.generation)
        self.linted[uri] = linted
        return linted

    def _log_failures(self, uri: str, result: LintResult) -> None:
        seen = self._logged_failures.setdefault(uri, set())
        now = set()
        for failure in result.failures:
            key = f"{failure.check}: {failure.error}"
            now.add(key)
            if key not in seen and failure.check == "corpus":
                # A shared corpus server down: the other checks go on; say it once
                # per outage (its wording changes as the driver goes from a connect
                # timeout to "connection refused"), log the rest.
                if getattr(self, "_corpus_note", None) is None:
                    self.show(f"copydesk: {failure.error}", types.MessageType.Warning)
                else:
                    self.log(f"copydesk: {failure.error}", types.MessageType.Warning)
                self._corpus_note = failure.error
                continue
            if key not in seen:
                self.log(f"copydesk: check {failure.check} failed on {uri}: {failure.error}\n{failure.traceback}",
                         types.MessageType.Error)
        self._logged_failures[uri] = now
        if not any(f.check == "corpus" for f in result.failures):
            self._corpus_note = None

    def lint_and_publish(self, uri: str) -> None:
        self._pending.pop(uri, None)
        if self.pull_mode:
            return
        if not self.settings_ready:
            if uri not in self._deferred:
                self._deferred.append(uri)
            return
        try:
            linted = self.lint(uri)
        except Exception as e:  # never let one document take the server down
            log.exception("lint failed")
            self.log(f"copydesk: linting {uri} failed: {e}", types.MessageType.Error)
            return
        if linted is not None:
            self._publish(uri, linted.diagnostics, linted.version, final=not linted.result.pending)
            if linted.result.pending:
                self._request_parse(uri, linted.result.pending)

    def _request_parse(self, uri: str, texts: list[str]) -> None:
        """Have ``texts`` parsed off the event loop, then lint and publish
        ``uri`` again.  One parse runs at a time; a request replaces the
        document's earlier one that has not started (superseded work is
        dropped), and keystrokes meanwhile are linted without waiting."""
        self._parse_wanted[uri] = texts
        if not self._parse_running:
            self._parse_running = True
            asyncio.ensure_future(self._parse_loop())

    async def _parse_loop(self) -> None:
        loop = asyncio.get_running_loop()
        try:
            while self._parse_wanted:
                uri = next(iter(self._parse_wanted))
                texts = self._parse_wanted.pop(uri)
                try:
                    await loop.run_in_executor(self._parser, syntax.parse_many, texts)
                except Exception as e:  # the parses are not cached: asking again would loop
                    self.log(f"copydesk: parsing {uri} failed: {e}", types.MessageType.Error)
                    linted = self.linted.get(uri)
                    if linted is not None and uri not in self._parse_wanted and uri not in self._pending:
                        self._final(uri, linted.version)  # what was published is all there will be
                    continue
                if uri in self._parse_wanted or uri in self._pending or not is_open(self.workspace, uri):
                    continue  # changed meanwhile: the newer lint asks (or asked) for its own parses
                if self.pull_mode:
                    self.refresh_pulled()  # the client pulls again and gets the whole set
                else:
                    self.lint_and_publish(uri)
        finally:
            self._parse_running = False

    def schedule(self, uri: str) -> None:
        handle = self._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        if self.pull_mode:
            return
        path = to_fs_path(uri) if uri.startswith("file:") else None
        delay = self.settings_for(path).debounce
        if delay <= 0:
            self.lint_and_publish(uri)
        else:
            self._pending[uri] = asyncio.get_running_loop().call_later(delay, self.lint_and_publish, uri)

    def relint_all(self) -> None:
        self.generation += 1
        for uri in list(self.workspace.text_documents):
            if self.pull_mode:
                continue
            self.lint_and_publish(uri)
        if self.pull_mode:
            self.refresh_pulled()

    def can_refresh(self) -> bool:
        return bool(_cap(self.client_capabilities, "workspace", "diagnostics", "refresh_support"))

    def refresh_pulled(self) -> None:
        """workspace/diagnostic/refresh: a client that pulls diagnostics asks
        again for the open documents' (unchanged ones answer "unchanged")."""
        if self.can_refresh():
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception:
                log.exception("diagnostic refresh failed")

    # ------------------------------------------------------------- reloads

    def reset_settings(self) -> None:
        """Client settings changed: recompute configs; re-lint when they differ.
        Engines of configs no open document uses any more are dropped."""
        if self.pool.reset_settings():
            self.relint_all()

    def reload(self, config_changed: bool = True) -> asyncio.Future:
        """Rule, corpus or config files changed: rebuild engines, keep the
        last good one when the new rules have errors, re-publish.

        The engines are built in a worker thread: reading and validating a
        big (or hostile) rule pack, building its term automaton or indexing
        a corpus takes seconds, and meanwhile every document is still linted,
        hovered and answered with the current engines (the last good rules).
        Reloads run one after the other, each reading the files afresh."""
        return asyncio.ensure_future(self._reload(config_changed))

    async def _reload(self, config_changed: bool) -> None:
        async with self._reload_lock:
            plan = self.pool.plan_reload([_path(uri) for uri in self.workspace.text_documents], config_changed)
            loop = asyncio.get_running_loop()
            built = {}
            for key, cfg in plan.rebuild.items():
                built[key] = await loop.run_in_executor(None, self.pool.construct, cfg)
            self.pool.apply_reload(plan, built)
            self.publish_file_errors()
            self.relint_all()

    def fresh(self, paths: list[str]) -> bool:
        """True when one of these files differs from when a change to it was
        last handled: an editor's save and its file watcher's event for the
        same write are one change (one reload, one message)."""
        changed = False
        for path in paths:
            signature = _signature(path)
            if self._seen_files.get(path, _UNSEEN) != signature:
                self._seen_files[path] = signature
                changed = True
        return changed

    def relevant_change(self, path: str) -> tuple[bool, bool]:
        """(is a change we react to, is a config file)."""
        p = Path(path)
        if p.name in CONFIG_NAMES:
            return True, True
        # Rule files, rule folders and corpus folders in use (any YAML file
        # elsewhere, e.g. a CI workflow, is not ours).
        roots = list(self._watched_folders())
        for engine in self.pool.engines.values():
            roots.extend(engine.config.rule_paths)
            roots.extend(engine.config.corpus_paths or [])
            roots.extend(getattr(engine.ruleset, "sources", []))
            if engine.language.source:  # a language pack named by path in the config
                roots.append(engine.language.source)
        real = os.path.realpath(path)
        for r in roots:
            r = os.path.realpath(r)
            if real == r or real.startswith(r.rstrip(os.sep) + os.sep):
                return True, False
        return False, False

    def watch_patterns(self) -> list[types.FileSystemWatcher]:
        globs = ["**/*.yml", "**/*.yaml", "**/copydesk.toml", "**/.copydesk.toml", "**/pyproject.toml"]
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in globs]
        # Rule and corpus folders may live outside the workspace.
        for folder in self._watched_folders():
            watchers.append(types.FileSystemWatcher(
                glob_pattern=types.RelativePattern(base_uri=Path(folder).resolve().as_uri(), pattern="**/*")))
        return watchers


_UNSEEN = object()
_HASHED_BYTES = 4 * 1024 * 1024


def _signature(path: str):
    """What a file is now: its content hash (rule and config files are
    small), else its stat; None when it is gone."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    if stat.S_ISREG(st.st_mode) and st.st_size <= _HASHED_BYTES:
        try:
            return hashlib.sha1(read_regular(path, _HASHED_BYTES)).hexdigest()
        except OSError:
            pass
    return (st.st_mode, st.st_size, st.st_mtime_ns)


def _path(uri: str) -> str | None:
    return to_fs_path(uri) if uri.startswith("file:") else None


def _cap(obj: Any, *names: str) -> Any:
    for n in names:
        if obj is None:
            return None
        obj = getattr(obj, n, None)
    return obj


def create_server() -> CopydeskServer:
    server = CopydeskServer()
    memoize_unstructure(server.protocol._converter)  # a keystroke re-sends the unchanged diagnostics
    # A keystroke re-parses only the Markdown blocks around the edit.
    keep_incremental_state(INCREMENTAL_DOCUMENTS)

    @server.feature(types.INITIALIZE)
    def initialize(ls: CopydeskServer, params: types.InitializeParams) -> None:
        use_lsp_positions(ls.workspace)  # spec line breaks for incremental edits
        ls.init_settings = ClientSettings.from_any(params.initialization_options)
        ls.pull_mode = _cap(params.capabilities, "text_document", "diagnostic") is not None \
            and ls.init_settings.raw.get("diagnosticMode", "auto") != "push"
        ls.settings_ready = not _cap(params.capabilities, "workspace", "configuration")

    @server.feature(types.INITIALIZED)
    async def initialized(ls: CopydeskServer, params: types.InitializedParams) -> None:
        caps = ls.client_capabilities
        # Polling starts before the first await: a document opened (and a file
        # it uses edited) while the client answers our requests below must be
        # seen against its state at open, not taken as the baseline.
        ls.poller = start_polling(ls)
        await ls.startup.begin()
        if _cap(caps, "workspace", "configuration"):
            try:
                await _pull_configuration(ls)
            finally:
                ls.settings_ready = True
                ls.pool.configs.clear()
                deferred, ls._deferred = ls._deferred, []
                for uri in deferred:
                    if uri in ls.workspace.text_documents:
                        ls.lint_and_publish(uri)
        await ls.register_watchers()
        lsp_ledger.load_syntax_in_background(ls, asyncio.get_running_loop())
        if _cap(caps, "workspace", "did_change_configuration", "dynamic_registration"):
            try:
                await ls.client_register_capability_async(types.RegistrationParams(registrations=[
                    types.Registration(id="copydesk-config", method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                                       register_options=types.DidChangeConfigurationRegistrationOptions(section="copydesk"))
                ]))
            except Exception:
                pass

    @server.feature(types.TEXT_DOCUMENT_DID_OPEN)
    def did_open(ls: CopydeskServer, params: types.DidOpenTextDocumentParams) -> None:
        ls.lint_and_publish(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
    def did_change(ls: CopydeskServer, params: types.DidChangeTextDocumentParams) -> None:
        if is_open(ls.workspace, params.text_document.uri):  # else: never opened, ignored
            ls.schedule(params.text_document.uri)

    @server.feature(types.TEXT_DOCUMENT_DID_SAVE, types.SaveOptions(include_text=False))
    def did_save(ls: CopydeskServer, params: types.DidSaveTextDocumentParams) -> None:
        uri = params.text_document.uri
        path = _path(uri)
        if path and Path(path).suffix in (".yml", ".yaml", ".toml"):
            relevant, is_config = ls.relevant_change(path)
            if relevant:
                if ls.fresh([path]):
                    ls.reload(config_changed=is_config)
                return
        handle = ls._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.lint_and_publish(uri)

    @server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
    def did_close(ls: CopydeskServer, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        handle = ls._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        ls.linted.pop(uri, None)
        ls._diagnostics.pop(uri, None)
        ls._parse_wanted.pop(uri, None)
        ls._logged_failures.pop(uri, None)
        if uri not in ls._error_uris:
            ls._publish(uri, [], None)

    @server.feature(
        types.TEXT_DOCUMENT_DIAGNOSTIC,
        types.DiagnosticOptions(identifier=SOURCE, inter_file_dependencies=False, workspace_diagnostics=False),
    )
    def pull_diagnostics(ls: CopydeskServer, params: types.DocumentDiagnosticParams):
        uri = params.text_document.uri
        handle = ls._pending.pop(uri, None)
        if handle is not None:
            handle.cancel()
        # With fastFirst and a client that takes refresh requests, a report
        # that needs a parse first comes at once without the parse's findings
        # (its result id says "partial"); the parse runs off the event loop and
        # a workspace/diagnostic/refresh has the client pull the whole set.
        # Otherwise a pulled report is the whole set.
        fast = ls.settings_for(_path(uri)).fast_first and ls.can_refresh()
        linted = ls.lint(uri, wait=not fast)
        if linted is None:
            return types.RelatedFullDocumentDiagnosticReport(items=[])
        result_id = f"{linted.generation}:{linted.version}:{hash(linted.document.text) & 0xFFFFFFFF:x}"
        if linted.result.pending:
            result_id += ":partial"
            ls._request_parse(uri, linted.result.pending)
        if params.previous_result_id == result_id:
            return types.RelatedUnchangedDocumentDiagnosticReport(result_id=result_id)
        return types.RelatedFullDocumentDiagnosticReport(items=linted.diagnostics, result_id=result_id)

    @server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(ls: CopydeskServer, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        can_pull = _cap(ls.client_capabilities, "workspace", "configuration")
        if isinstance(settings, dict) and settings:
            ls.global_settings = ClientSettings.from_any(settings)
            if can_pull:
                # Per-folder values pulled earlier would otherwise win over the new ones.
                await _pull_configuration(ls, folders_only=True)
        elif can_pull:
            await _pull_configuration(ls)
        ls.reset_settings()

    @server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(ls: CopydeskServer, params: types.DidChangeWatchedFilesParams) -> None:
        relevant: list[str] = []
        config = False
        for change in params.changes:
            path = _path(change.uri)
            if not path:
                continue
            r, c = ls.relevant_change(path)
            if r:
                relevant.append(path)
                config |= c
        if relevant and ls.fresh(relevant):
            ls.reload(config_changed=config)

    @server.feature(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_folders(ls: CopydeskServer, params: types.DidChangeWorkspaceFoldersParams) -> None:
        if _cap(ls.client_capabilities, "workspace", "configuration"):
            await _pull_configuration(ls)
        ls.reset_settings()

    @server.feature(
        types.TEXT_DOCUMENT_CODE_ACTION,
        types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL_KIND]),
    )
    def code_action(ls: CopydeskServer, params: types.CodeActionParams):
        uri = params.text_document.uri
        linted = ls.lint(uri)
        if linted is None:
            return None
        doc, enc = linted.document, ls.encoding
        start = doc.offset_at(params.range.start.line, params.range.start.character, enc)
        end = doc.offset_at(params.range.end.line, params.range.end.character, enc)
        start, end = min(start, end), max(start, end)  # a reversed range: the span between
        by_finding = {id(f): d for f, d in zip(linted.result.findings, linted.diagnostics)}
        return actions.code_actions(
            uri, linted.version, doc, linted.result, start, end,
            lambda f: [by_finding[id(f)]] if id(f) in by_finding else [], enc, params.context.only,
        )

    @server.command(workspace_lint.LINT_WORKSPACE)
    def lint_workspace(ls: CopydeskServer, *args: Any) -> dict:
        return workspace_lint.lint_workspace(ls.pool, ls.encoding, args[0] if args else {})

    @server.feature(types.TEXT_DOCUMENT_HOVER)
    def hover(ls: CopydeskServer, params: types.HoverParams):
        uri = params.text_document.uri
        linted = ls.lint(uri)
        if linted is None:
            return None
        doc, enc = linted.document, ls.encoding
        if linted.too_large:
            return None
        offset = doc.offset_at(params.position.line, params.position.character, enc)
        blocks: list[str] = []
        span = None
        here = [f for f in linted.result.findings if f.start <= offset < max(f.end, f.start + 1)]
        for f in sorted(here, key=lambda f: f.end - f.start):  # a term before the sentence around it
            span = (f.start, f.end) if span is None else (min(span[0], f.start), max(span[1], f.end))
            rule = linted.engine.active_rules.get(f.rule_id) or linted.engine.ruleset.get(f.rule_id)
            blocks.append(finding_hover(f, rule))
        try:
            # The model of the last lint (same document version): no re-parse per
            # hover, and no parse on the event loop (a text not parsed yet: no
            # hover from the syntactic layer this time).
            with syntax.deferred(syntax.Deferral(load=False)):
                blocks.extend(linted.engine.hover(doc, offset, model=linted.result.model))
                try:
                    cue = lsp_ledger.cue_hover(linted, offset)  # who says so, on a reporting verb
                except syntax.NeedsParse:
                    cue = None
            if cue:
                blocks.append(cue)
        except Exception as e:
            ls.log(f"copydesk: hover failed: {e}", types.MessageType.Error)
        if not blocks:
            return None
        return types.Hover(
            contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value="\n\n---\n\n".join(blocks)),
            range=lsp_range(doc, *span, enc) if span else None,
        )

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)
    async def document_symbol(ls: CopydeskServer, params: types.DocumentSymbolParams):
        """The source ledger as the outline: who says what (lsp/ledger.py)."""
        linted = ls.lint(params.text_document.uri)
        if linted is None:
            return None
        loop = asyncio.get_running_loop()
        missing = await loop.run_in_executor(None, lsp_ledger.missing_message)  # waits for the model load
        if missing:
            if not getattr(ls, "_ledger_warned", False):
                ls._ledger_warned = True
                ls.show(f"copydesk: no source outline: {missing}", types.MessageType.Warning)
            return []
        # Parsing a new draft takes a moment: off the event loop, so
        # diagnostics of other documents are not held up.
        return await loop.run_in_executor(None, lsp_ledger.document_symbols, linted, ls.encoding)

    return server


async def _pull_configuration(ls: CopydeskServer, folders_only: bool = False) -> None:
    """workspace/configuration: the global "copydesk" section and one per
    workspace folder (multi-root: each folder may differ)."""
    folders = list(ls.workspace.folders.values())
    items = [] if folders_only else [types.ConfigurationItem(section="copydesk")]
    items += [types.ConfigurationItem(scope_uri=f.uri, section="copydesk") for f in folders]
    if not items:
        ls.folder_settings = {}
        return
    try:
        values = await asyncio.wait_for(
            ls.workspace_configuration_async(types.ConfigurationParams(items=items)), timeout=5
        )
    except Exception as e:
        ls.log(f"copydesk: workspace/configuration failed: {e}", types.MessageType.Warning)
        return
    values = list(values or [])
    if not folders_only:
        if values:
            ls.global_settings = ClientSettings.from_any(values[0])
        values = values[1:]
    ls.folder_settings = {}
    for folder, value in zip(folders, values):
        path = to_fs_path(folder.uri)
        if path and isinstance(value, dict) and value:
            ls.folder_settings[path] = ClientSettings.from_any(value)
