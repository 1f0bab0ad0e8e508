"""``workspace/executeCommand copydesk.server.lintWorkspace``: every draft in
the given folders, linted with the settings the editor's documents get, as LSP
diagnostics (the VS Code extension's "Lint Workspace" puts them in the
Problems panel).

Arguments: ``[{"folders": ["/abs/path", ...]}]``.
Result: ``{"files": [{"uri": ..., "diagnostics": [Diagnostic, ...]}, ...],
"errors": ["path: why it was not linted", ...]}``; every draft found is listed,
with an empty list when it is clean.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol.converters import get_converter

from ..runner import ConfigCache, InputError, discover, read_draft
from ..text.document import Document, language_for_path
from .convert import diagnostic, path_uri

if TYPE_CHECKING:
    from .pools import EnginePool

LINT_WORKSPACE = "copydesk.server.lintWorkspace"


class _ServerConfigs(ConfigCache):
    """Discovery with the server's per-folder configs (client settings merged)."""

    def __init__(self, pool: "EnginePool") -> None:
        super().__init__()
        self.pool = pool

    def for_path(self, path: Path):
        return self.pool.config_for_path(str(Path(path).resolve()))

    def engine(self, cfg):
        return self.pool.engine_for(cfg)


def lint_workspace(pool: "EnginePool", encoding: str, options: Any) -> dict:
    folders = options.get("folders", []) if isinstance(options, dict) else []
    folders = [str(f) for f in folders if isinstance(f, str)]
    configs = _ServerConfigs(pool)
    found = discover(folders, configs)
    errors = list(found.errors)
    converter = get_converter()
    files = []
    for target in found.targets:
        path = str(target.path.resolve())
        try:
            text = read_draft(target.path)
        except InputError as e:
            errors.append(f"{path}: {e}")
            continue
        engine = configs.engine(configs.for_path(target.path))
        doc = Document(text, path=path, language=language_for_path(path))
        result = engine.lint(doc)
        diags = [diagnostic(doc, f, engine.active_rules.get(f.rule_id) or engine.ruleset.get(f.rule_id), encoding)
                 for f in result.findings]
        files.append({"uri": path_uri(path), "diagnostics": [converter.unstructure(d) for d in diags]})
    return {"files": files, "errors": errors}
