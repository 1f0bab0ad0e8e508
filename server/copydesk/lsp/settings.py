"""Client settings (initializationOptions, workspace/configuration section
"copydesk", didChangeConfiguration) -> engine config overrides.

Keys mirror ``copydesk.toml``; camelCase spellings (VS Code settings) are
accepted too:

    rules            ["newsroom-rules/"]   extra rule files/folders (relative: to the workspace folder)
    defaultRules     true                  load the bundled packs
    disable          ["loaded-term/regime"]
    enable           ["figures/figure-unverified"]
    severity         {"loaded-term/thugs": "error"}
    corpus           ["seeds/"]            reference corpus folders
    checks           ["loaded-term"]       check namespaces to run (default all)
    debounce         300                   ms after a change before linting (0: at once)
    fastFirst        true                  publish the findings that need no new parse at once,
                                           the whole set when the syntactic layer has parsed the
                                           text, followed by copydesk/diagnosticsFinal
                                           (false: one publish, after the parse)
    languages        ["markdown", "plaintext", "html"]   languageIds the server lints
    diagnosticMode   "auto"                "push" forces publishDiagnostics even for clients
                                           that can pull (initializationOptions only)
    pollInterval     2000                  ms between checks of the rule, config and corpus
                                           files when the client cannot watch files (Neovim
                                           0.7); 0: never (initializationOptions only)

Diagnostics are pulled (textDocument/diagnostic) when the client announces
support, and then not also pushed; otherwise they are published.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_DEBOUNCE_MS = 300
# The last publish of a version is followed by copydesk/diagnosticsFinal
# (server.DIAGNOSTICS_FINAL): clients and tests that need the whole set wait for it.
DEFAULT_FAST_FIRST = True
DEFAULT_LANGUAGES = ("markdown", "plaintext", "html")

_ALIASES = {
    "defaultRules": "default_rules",
    "rulePaths": "rules",
    "disabledRules": "disable",
    "disable_rules": "disable",
    "enabledRules": "enable",
    "severityOverrides": "severity",
    "severities": "severity",
    "corpusPaths": "corpus",
    "enabledChecks": "checks",
    "debounceMs": "debounce",
    "fast_first": "fastFirst",
    "languageIds": "languages",
}


def _strings(value: Any) -> list[str] | None:
    if value is None:
        return None
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if isinstance(v, (str, int, float))]
    return None


@dataclass(frozen=True)
class ClientSettings:
    raw: dict = field(default_factory=dict)

    @staticmethod
    def from_any(value: Any) -> "ClientSettings":
        if not isinstance(value, dict):
            return ClientSettings({})
        # Accept both {"copydesk": {...}} and the section itself.
        if isinstance(value.get("copydesk"), dict):
            value = value["copydesk"]
        out = {}
        for k, v in value.items():
            out[_ALIASES.get(k, k)] = v
        return ClientSettings(out)

    def over(self, other: "ClientSettings") -> "ClientSettings":
        """These settings laid over ``other`` (ours win)."""
        merged = dict(other.raw)
        merged.update({k: v for k, v in self.raw.items() if v is not None})
        return ClientSettings(merged)

    @property
    def debounce(self) -> float:
        """Seconds."""
        value = self.raw.get("debounce", DEFAULT_DEBOUNCE_MS)
        try:
            return max(0.0, float(value)) / 1000.0
        except (TypeError, ValueError):
            return DEFAULT_DEBOUNCE_MS / 1000.0

    @property
    def fast_first(self) -> bool:
        value = self.raw.get("fastFirst", DEFAULT_FAST_FIRST)
        return value if isinstance(value, bool) else DEFAULT_FAST_FIRST

    @property
    def languages(self) -> frozenset[str]:
        langs = _strings(self.raw.get("languages"))
        return frozenset(langs if langs else DEFAULT_LANGUAGES)

    def overrides(self, base: str | None) -> dict:
        """Keyword arguments for ``Config.merged``; relative paths resolve
        against ``base`` (the workspace folder)."""

        def resolve(paths: list[str]) -> list[str]:
            if base is None:
                return paths
            return [p if Path(p).is_absolute() else str(Path(base) / Path(p).expanduser()) for p in paths]

        out: dict[str, Any] = {}
        for key in ("rules", "corpus"):
            values = _strings(self.raw.get(key))
            if values:
                out[key] = tuple(resolve(values))
        for key in ("disable", "enable", "checks"):
            values = _strings(self.raw.get(key))
            if values is not None and (values or key == "checks" and key in self.raw):
                if key == "checks" and not values:
                    continue  # an empty list means "all", as when unset
                out[key] = tuple(values)
        if isinstance(self.raw.get("default_rules"), bool):
            out["default_rules"] = self.raw["default_rules"]
        sev = self.raw.get("severity")
        if isinstance(sev, dict):
            from ..rules.model import SEVERITIES

            out["severity"] = {str(k): str(v) for k, v in sev.items() if v in SEVERITIES}
        return out
