"""A cache of validated rule packs and language packs, in the cache folder.

Parsing the bundled packs and validating them against the JSON Schema costs
more than linting a short draft, and the packs rarely change.  A pack that
loaded without a single error is stored as plain JSON data (never pickle) in
``<cache folder>/packs/``: its rules and lexicons, the SHA-256 of the pack
file's bytes, a fingerprint of the code that validated it (copydesk's
version, the pack schema, the loader and the checks' sources) and the
SHA-256 of the stored data itself.  A later run uses the entry only when the
pack's bytes and the fingerprint still match and the entry is intact; an
edited pack, a copydesk upgrade, a damaged, truncated or foreign file are a
miss, and the pack is parsed and validated again (and the entry rewritten).
Even a hit is checked: every rule must have the fields of a ``Rule`` with
the right types, and each check's own ``validate_rule`` (regexes through
RE2 …) runs again.  Packs with errors are never cached, so every error is
reported exactly as without the cache.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, fields
from functools import lru_cache
from pathlib import Path

from ..cachedir import write_atomic
from .model import Rule

FORMAT = 1
MAX_ENTRY_BYTES = 16 * 1024 * 1024
_RULE_FIELDS = {f.name for f in fields(Rule)}
_STR_FIELDS = ("id", "check", "severity", "message", "rationale")
_OPT_STR_FIELDS = ("link", "title", "source")


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """Changes whenever the code that parses or validates packs changes."""
    from .. import __version__

    h = hashlib.sha256(f"{FORMAT}\0{__version__}\0".encode())
    here = Path(__file__).resolve().parent
    checks, lang = here.parent / "checks", here.parent / "lang"
    files = (sorted(here.glob("*.py")) + [here / "pack.schema.json"] + sorted(checks.glob("*.py"))
             + sorted(lang.glob("*.py")) + sorted(lang.glob("*.json")))
    for f in files:
        try:
            h.update(f.name.encode() + b"\0" + f.read_bytes() + b"\0")
        except OSError:
            h.update(f.name.encode() + b"\0?\0")
    return h.hexdigest()


def _entry_path(folder: Path, kind: str, pack: str) -> Path:
    key = hashlib.sha256(f"{kind}\0{os.path.abspath(pack)}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return folder / "packs" / f"{key}.json"


def _payload_hash(payload: dict) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def _get(folder: Path, kind: str, pack: str, content_sha: str) -> dict | None:
    """The stored data of a pack, or None: missing, damaged, foreign or stale."""
    try:
        p = _entry_path(folder, kind, pack)
        if p.stat().st_size > MAX_ENTRY_BYTES:
            return None
        entry = json.loads(p.read_bytes())
        if not isinstance(entry, dict) or entry.get("format") != FORMAT:
            return None
        payload = entry.get("payload")
        if not isinstance(payload, dict) or entry.get("hash") != _payload_hash(payload):
            return None
        if (payload.get("kind") != kind or payload.get("fingerprint") != fingerprint()
                or payload.get("path") != os.path.abspath(pack) or payload.get("sha256") != content_sha):
            return None
        data = payload.get("data")
        return data if isinstance(data, dict) else None
    except (OSError, ValueError, TypeError, KeyError, RecursionError):
        return None


def get(folder: Path, pack: str, content_sha: str):
    """The validated ``Pack`` of a rule pack, or None (a miss)."""
    from .loader import Pack

    data = _get(folder, "rules", pack, content_sha)
    if data is None:
        return None
    try:
        lexicons, raw_rules = data["lexicons"], data["rules"]
        if not isinstance(lexicons, dict) or not isinstance(raw_rules, list):
            return None
        rules = [_rule(r, pack) for r in raw_rules]
        if any(r is None for r in rules) or not _revalidate(rules):
            return None
        language = data["requires_language"]
        if language is not None:
            language = _located(language)
            if language is None:
                return None
        lexs = [_located(x) for x in data["requires_lexicons"]]
        if any(x is None for x in lexs):
            return None
        return Pack(pack, rules, lexicons, [], language, lexs)
    except (KeyError, TypeError, ValueError):
        return None


def _located(value) -> tuple[str, int, int] | None:
    if (isinstance(value, list) and len(value) == 3 and isinstance(value[0], str)
            and all(isinstance(v, int) and not isinstance(v, bool) for v in value[1:])):
        return value[0], value[1], value[2]
    return None


def get_language(folder: Path, pack: str, content_sha: str) -> tuple[str, str, dict] | None:
    """(code, name, lexicons) of a validated language pack, or None."""
    data = _get(folder, "language", pack, content_sha)
    if data is None:
        return None
    code, name, lexicons = data.get("code"), data.get("name"), data.get("lexicons")
    if not (isinstance(code, str) and isinstance(name, str) and isinstance(lexicons, dict)):
        return None
    return code, name, lexicons


def put_language(folder: Path, pack: str, content_sha: str, code: str, name: str, lexicons: dict) -> None:
    _put(folder, "language", pack, content_sha, {"code": code, "name": name, "lexicons": lexicons})


def _rule(raw, pack: str) -> Rule | None:
    if not isinstance(raw, dict) or set(raw) != _RULE_FIELDS:
        return None
    if not all(isinstance(raw[k], str) for k in _STR_FIELDS):
        return None
    if not all(raw[k] is None or isinstance(raw[k], str) for k in _OPT_STR_FIELDS):
        return None
    if not isinstance(raw["enabled"], bool) or not isinstance(raw["options"], dict):
        return None
    for k in ("line", "column"):
        if raw[k] is not None and (not isinstance(raw[k], int) or isinstance(raw[k], bool)):
            return None
    if raw["source"] != pack:
        return None
    return Rule(**raw)


def _revalidate(rules: list[Rule]) -> bool:
    """The checks' own semantic validation, again: the cheap half of loading."""
    from ..checks import registry

    checks = registry()
    for rule in rules:
        check = checks.get(rule.check)
        if check is None or rule.check not in getattr(check, "schemas", {}):
            return False
        if any(True for _ in check.validate_rule(rule)):
            return False
    return True


def put(folder: Path, pack: str, content_sha: str, loaded) -> None:
    """Store a rule pack (a ``Pack``) that loaded without errors."""
    _put(folder, "rules", pack, content_sha, {
        "rules": [asdict(r) for r in loaded.rules],
        "lexicons": loaded.lexicons,
        "requires_language": list(loaded.requires_language) if loaded.requires_language else None,
        "requires_lexicons": [list(x) for x in loaded.requires_lexicons],
    })


def _put(folder: Path, kind: str, pack: str, content_sha: str, data: dict) -> None:
    """Best effort: a cache folder that cannot be written only costs the
    next run the parse."""
    payload = {
        "kind": kind,
        "fingerprint": fingerprint(),
        "path": os.path.abspath(pack),
        "sha256": content_sha,
        "data": data,
    }
    try:
        text = json.dumps({"format": FORMAT, "hash": _payload_hash(payload), "payload": payload},
                          ensure_ascii=False)
        # Only data that comes back from JSON exactly as it went in (no dates,
        # no tuples, no integer keys) may be cached.
        if json.loads(text)["payload"]["data"] != data:
            return
    except (TypeError, ValueError, RecursionError):
        return
    write_atomic(_entry_path(folder, kind, pack), text, prefix=".pack-")
