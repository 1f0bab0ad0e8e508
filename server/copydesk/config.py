"""Project configuration: ``copydesk.toml`` or ``[tool.copydesk]`` in
``pyproject.toml``, found upward from the linted file.

    rules = ["newsroom-rules/"]        # extra rule files or folders
    default_rules = true               # load the bundled packs first
    disable = ["loaded-term/regime"]   # rule ids, or "check-kind/*"
    enable = ["figures/figure-unverified"]
    include = ["**/*.md", "**/*.txt"]
    exclude = ["archive/**"]
    corpus = ["seeds/"]
    language = "en"                    # language pack: a bundled code or a path to a .yml
    cache = ".copydesk-cache"          # corpus index folder (default: $COPYDESK_CACHE_DIR,
                                       # $XDG_CACHE_HOME/copydesk, ~/.cache/copydesk)
    corpus_db = "postgresql://copydesk@db.internal/archive"   # shared index (no password here)
    corpus_db_password_env = "COPYDESK_DB_PASSWORD"           # else PGPASSWORD / ~/.pgpass
    corpus_db_timeout = 5                                      # seconds (connect, each query)
    checks = ["loaded-term", "attribution"]   # id prefixes to run (default all)
    [severity]
    "loaded-term/thugs" = "error"
"""
from __future__ import annotations

import fnmatch
import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from .files import FileRefused, read_regular
from .rules.model import SEVERITIES, RuleError
from .text.encoding import DecodeError, decode_utf8

CONFIG_NAMES = ("copydesk.toml", ".copydesk.toml", "pyproject.toml")
DEFAULT_INCLUDE = ("*.md", "*.markdown", "*.txt", "*.html", "*.htm")
DEFAULT_EXCLUDE = (".git/**", "node_modules/**", ".venv/**", "venv/**", "**/.git/**", "**/node_modules/**")


@dataclass(frozen=True)
class Config:
    root: str | None = None  # folder of the config file (paths are relative to it)
    path: str | None = None  # the config file itself
    rules: tuple[str, ...] = ()
    packs: tuple[str, ...] = ()  # optional bundled packs by name (rules/packs/NAME.yml)
    default_rules: bool = True
    disable: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    severity: tuple[tuple[str, str], ...] = ()
    include: tuple[str, ...] = DEFAULT_INCLUDE
    exclude: tuple[str, ...] = ()
    corpus: tuple[str, ...] | None = None  # None: the bundled seeds
    checks: tuple[str, ...] | None = None  # None: every check
    settings: tuple[tuple[str, Any], ...] = ()  # front-end settings (debounce …)
    cache: str | None = None  # corpus index folder; None: env / XDG default
    corpus_db: str | None = None  # postgresql://… : the shared corpus index (None: SQLite in the cache)
    corpus_db_password_env: str | None = None  # environment variable holding its password
    corpus_db_timeout: float | None = None  # seconds: connect and statement timeout
    language: str = "en"  # language pack: a bundled code (rules/language/<code>.yml) or a path
    # Where the file names each rule id/check: (key, pattern, line, column),
    # so an unknown one is reported at its place (rules/ids.py).
    locations: tuple[tuple[str, str, int, int], ...] = ()

    def is_enabled(self, rule_id: str, default: bool) -> bool:
        """Explicit enable/disable beats the rule's own default; the most
        specific pattern (a full id over a wildcard) wins."""
        best = None
        for pattern, value in [(p, False) for p in self.disable] + [(p, True) for p in self.enable]:
            if _rule_matches(pattern, rule_id):
                spec = (pattern == rule_id, len(pattern))
                if best is None or spec >= best[0]:
                    best = (spec, value)
        if best is not None:
            return best[1]
        if self.checks is not None and not any(
            rule_id.startswith(c.rstrip("/") + "/") or rule_id == c for c in self.checks
        ):
            return False
        return default

    def severity_for(self, rule_id: str, default: str) -> str:
        for pattern, sev in self.severity:
            if pattern == rule_id:
                return sev
        for pattern, sev in self.severity:
            if _rule_matches(pattern, rule_id):
                return sev
        return default

    def resolve(self, p: str) -> str:
        if self.root is None or Path(p).is_absolute():
            return p
        return str(Path(self.root) / p)

    @property
    def rule_paths(self) -> list[str]:
        from .resources import current_pack_path  # a renamed bundled pack by its old path

        return [current_pack_path(self.resolve(p)) for p in self.rules]

    @property
    def language_pack(self) -> str:
        """The language setting, a path resolved against the config root."""
        if self.language.endswith((".yml", ".yaml")) or "/" in self.language:
            return self.resolve(self.language)
        return self.language

    @property
    def cache_path(self) -> str | None:
        return None if self.cache is None else self.resolve(self.cache)

    @property
    def corpus_paths(self) -> list[str] | None:
        return None if self.corpus is None else [self.resolve(p) for p in self.corpus]

    def wants(self, path: Path, root: Path, resolved: bool = False) -> bool:
        """Include/exclude globs, relative to the config root (or the folder
        searched).  ``resolved``: the caller already resolved ``path`` and ``root``."""
        base = Path(self.root) if self.root else root
        try:
            if resolved:
                rel = path.relative_to(base).as_posix()
            else:
                rel = path.resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            rel = path.name
        return self.wants_relative(rel)

    def wants_relative(self, rel: str) -> bool:
        """Include/exclude for a POSIX path relative to the config root."""
        excluded, included = _matchers(DEFAULT_EXCLUDE + self.exclude, self.include)
        return not excluded(rel) and bool(included(rel))

    def merged(self, **overrides: Any) -> "Config":
        """A copy with front-end settings (LSP, CLI flags) laid over it."""
        clean = {k: v for k, v in overrides.items() if v is not None}
        for key in ("rules", "packs", "disable", "enable", "include", "exclude", "corpus", "checks"):
            if key in clean:
                clean[key] = tuple(clean[key])
        if "severity" in clean and isinstance(clean["severity"], dict):
            merged = dict(self.severity)
            merged.update(clean["severity"])
            clean["severity"] = tuple(merged.items())
        for key in ("disable", "enable", "rules", "packs"):
            if key in clean:
                clean[key] = tuple(getattr(self, key)) + tuple(x for x in clean[key] if x not in getattr(self, key))
        if "settings" in clean and isinstance(clean["settings"], dict):
            merged = dict(self.settings)
            merged.update(clean["settings"])
            clean["settings"] = tuple(merged.items())
        return replace(self, **clean)


def _rule_matches(pattern: str, rule_id: str) -> bool:
    if pattern == rule_id:
        return True
    if pattern.endswith("/*") or pattern.endswith("/"):
        return rule_id.startswith(pattern.rstrip("*").rstrip("/") + "/")
    if "/" not in pattern:  # a bare check namespace: "figures"
        return rule_id.startswith(pattern + "/")
    return fnmatch.fnmatchcase(rule_id, pattern)


@lru_cache(maxsize=256)
def _matchers(exclude: tuple[str, ...], include: tuple[str, ...]):
    """One compiled test per glob list: a glob matches the whole relative
    path; one without "/" ("*.md") also the file name at any depth, like
    .gitignore; "**/" may match nothing."""
    return _compile_globs(exclude), _compile_globs(include)


def _compile_globs(patterns: tuple[str, ...]):
    whole, last = [], []
    for g in patterns:
        whole.append(fnmatch.translate(g))
        if "/" not in g:
            last.append(fnmatch.translate(g))
        if g.startswith("**/"):
            whole.append(fnmatch.translate(g[3:]))
    whole_rx = re.compile("|".join(whole)) if whole else None
    last_rx = re.compile("|".join(last)) if last else None

    def test(rel: str) -> bool:
        if whole_rx is not None and whole_rx.match(rel):
            return True
        return last_rx is not None and last_rx.match(rel.rsplit("/", 1)[-1]) is not None

    return test


class ConfigError(Exception):
    def __init__(self, errors: list[RuleError]):
        super().__init__("; ".join(map(str, errors)))
        self.errors = errors


def find_config_file(start: Path) -> Path | None:
    here = start if start.is_dir() else start.parent
    here = here.resolve()
    for folder in (here, *here.parents):
        for name in CONFIG_NAMES:
            candidate = folder / name
            if candidate.is_file():
                if name == "pyproject.toml" and not _has_tool_section(candidate):
                    continue
                return candidate
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        data = tomllib.loads(read_regular(path, MAX_CONFIG_BYTES).decode("utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return "copydesk" in data.get("tool", {})


# A config file is a few lines; a bigger one is a mistake (or /dev/zero).
MAX_CONFIG_BYTES = 1024 * 1024

_LIST_KEYS = ("rules", "packs", "disable", "enable", "include", "exclude", "corpus", "checks")
_KNOWN = set(_LIST_KEYS) | {"default_rules", "severity", "settings", "cache", "language", "corpus_db",
                             "corpus_db_password_env", "corpus_db_timeout"}


def corpus_db_problem(value) -> str | None:
    """Why a ``corpus_db`` value is not acceptable (None when it is): a
    PostgreSQL URL without a password (the password comes from PGPASSWORD,
    a ~/.pgpass file or the variable ``corpus_db_password_env`` names)."""
    from urllib.parse import parse_qs, urlsplit

    if not isinstance(value, str) or not value:
        return "'corpus_db' must be a PostgreSQL URL (postgresql://user@host/database)"
    if value.split("://", 1)[0].lower() not in ("postgresql", "postgres"):
        return f"'corpus_db' must be a PostgreSQL URL (postgresql://user@host/database), not {value.split(':', 1)[0]!r}"
    try:
        parts = urlsplit(value)
        has_password = parts.password is not None or "password" in parse_qs(parts.query)
    except ValueError as e:
        return f"'corpus_db' is not a valid URL: {e}"
    if has_password:
        return ("'corpus_db' contains a password: never put it in a file; use PGPASSWORD, a ~/.pgpass file, "
                "or name an environment variable with corpus_db_password_env")
    return None


def load_config(path: Path) -> Config:
    """Parse a config file; raise ConfigError with located messages."""
    try:
        raw = read_regular(path, MAX_CONFIG_BYTES)
    except FileNotFoundError:
        raise
    except FileRefused as e:
        raise ConfigError([RuleError(str(path), 1, 1, f"cannot read config file: {e.reason}")]) from None
    except OSError as e:
        raise ConfigError([RuleError(str(path), 1, 1, f"cannot read config file: {e.strerror or e}")]) from None
    try:
        text = decode_utf8(raw)
    except DecodeError as e:
        raise ConfigError([RuleError(str(path), e.line, e.column,
                                     f"invalid UTF-8 at byte offset {e.offset}; config files must be UTF-8")]) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        line, col = _toml_position(str(e))
        raise ConfigError([RuleError(str(path), line, col, f"TOML syntax error: {e}")]) from None
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("copydesk", {})
    errors = []

    def err(key: str, message: str) -> None:
        # tomllib keeps no positions: find the line that sets the key.
        forms = (key, f'"{key}"', f"'{key}'", f"[{key}]")
        line = next((i + 1 for i, l in enumerate(text.splitlines())
                     if l.strip().startswith(forms)), 1)
        errors.append(RuleError(str(path), line, 1, message))

    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _KNOWN:
            err(key, f"unknown setting '{key}' (known: {', '.join(sorted(_KNOWN))})")
        elif key in _LIST_KEYS:
            if not (isinstance(value, list) and all(isinstance(v, str) for v in value)):
                err(key, f"'{key}' must be a list of strings")
            else:
                values[key] = tuple(value)
                if key == "packs":
                    from .resources import available_packs

                    known = available_packs()
                    for name in value:
                        if name not in known:
                            err(key, f"unknown pack '{name}' (available: {', '.join(known) or 'none'}; "
                                     "see copydesk rules packs)")
        elif key == "cache":
            if not isinstance(value, str) or not value:
                err(key, "'cache' must be a folder path (a string)")
            else:
                values[key] = value
        elif key == "corpus_db":
            problem = corpus_db_problem(value)
            if problem:
                err(key, problem)
            else:
                values[key] = value
        elif key == "corpus_db_password_env":
            if not isinstance(value, str) or not value:
                err(key, "'corpus_db_password_env' must be the name of an environment variable")
            else:
                values[key] = value
        elif key == "corpus_db_timeout":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                err(key, "'corpus_db_timeout' must be a number of seconds above 0")
            else:
                values[key] = float(value)
        elif key == "language":
            if not isinstance(value, str) or not value:
                err(key, "'language' must be a language code (\"en\") or the path of a language pack")
            else:
                values[key] = value
        elif key == "default_rules":
            if not isinstance(value, bool):
                err(key, "'default_rules' must be true or false")
            else:
                values[key] = value
        elif key == "severity":
            if not isinstance(value, dict):
                err(key, "'severity' must be a table of rule id = severity")
                continue
            for rid, sev in value.items():
                if sev not in SEVERITIES:
                    err(rid, f"severity for '{rid}' must be one of {', '.join(SEVERITIES)}, not {sev!r}")
            values[key] = tuple((k, v) for k, v in value.items() if v in SEVERITIES)
        elif key == "settings":
            if not isinstance(value, dict):
                err(key, "'settings' must be a table")
            else:
                values[key] = tuple(value.items())
    if errors:
        raise ConfigError(errors)
    values["locations"] = _id_locations(text, values)
    return Config(root=str(path.parent.resolve()), path=str(path), **values)


def _id_locations(text: str, values: dict[str, Any]) -> tuple[tuple[str, str, int, int], ...]:
    """(key, pattern, line, column) of each rule id/check name the file
    names: the first quoted (or bare, for a table key) occurrence after the
    line that sets the key; the key's line when not found."""
    lines = text.splitlines()
    out = []
    for key in ("disable", "enable", "severity", "checks"):
        if key not in values:
            continue
        patterns = [p for p, _ in values[key]] if key == "severity" else list(values[key])
        forms = (key, f'"{key}"', f"'{key}'", f"[{key}]", f"[tool.copydesk.{key}]")
        start = next((i for i, l in enumerate(lines) if l.strip().startswith(forms)), 0)
        for pattern in patterns:
            found = None
            for i in range(start, len(lines)):
                for needle in (f'"{pattern}"', f"'{pattern}'"):
                    col = lines[i].find(needle)
                    if col >= 0:
                        found = (i + 1, col + 1)
                        break
                if found is None and key == "severity" and lines[i].lstrip().startswith(pattern):
                    found = (i + 1, len(lines[i]) - len(lines[i].lstrip()) + 1)
                if found:
                    break
            line, col = found or (start + 1, 1)
            out.append((key, pattern, line, col))
    return tuple(out)


def _toml_position(message: str) -> tuple[int, int]:
    import re

    m = re.search(r"line (\d+), column (\d+)", message)
    return (int(m.group(1)), int(m.group(2))) if m else (1, 1)


def config_for(path: str | Path | None) -> Config:
    """The config that applies to a file (or folder); defaults when none."""
    if path is None:
        start = Path.cwd()
    else:
        start = Path(path)
        if not start.exists():
            start = start.parent if start.parent.exists() else Path.cwd()
    found = find_config_file(start)
    return load_config(found) if found else Config()
