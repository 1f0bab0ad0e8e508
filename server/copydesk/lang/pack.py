"""Language packs: find, read and validate ``rules/language/<code>.yml``.

A language pack is data like a rule pack (read with the same bounded
SafeLoader, validated against ``language.schema.json``, every problem a
located ``RuleError``).  ``language`` in the config names a bundled pack by
code (``en``) or gives the path of one.
"""
from __future__ import annotations

import json
import os
from functools import lru_cache
from pathlib import Path

from .language import Language

SCHEMA_PATH = Path(__file__).with_name("language.schema.json")
DEFAULT = "en"


@lru_cache(maxsize=1)
def language_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def languages_dir() -> Path:
    from ..resources import default_rules_dir

    return default_rules_dir() / "language"


def bundled_languages() -> list[str]:
    return sorted(p.stem for p in languages_dir().glob("*.yml"))


def language_path(spec: str) -> Path:
    """The pack file a ``language`` setting names: a bundled code or a path."""
    if spec.endswith((".yml", ".yaml")) or os.sep in spec or "/" in spec:
        return Path(spec)
    return languages_dir() / f"{spec}.yml"


def load_language_pack(spec: str = DEFAULT, cache=None):
    """(code, name, lexicons, errors) of a language pack; errors never raise.
    ``cache``: the cache folder, where a validated pack is kept (packcache)."""
    path = language_path(spec)
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = None
    return _load(str(path), stamp, spec, str(cache) if cache else None)


@lru_cache(maxsize=8)
def _load(path: str, stamp, spec: str, cache: str | None = None):
    from ..rules.loader import read_rule_file
    from ..rules.model import RuleError

    if stamp is None:
        known = ", ".join(bundled_languages())
        return None, "", {}, [RuleError(path, 1, 1, f"no language pack for '{spec}' (bundled: {known}; "
                                                    "or give the path of a .yml language pack)")]
    text, problem = read_rule_file(path)
    if problem is not None:
        return None, "", {}, [problem]
    if cache:
        import hashlib
        from pathlib import Path

        from ..rules import packcache

        sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        hit = packcache.get_language(Path(cache), path, sha)
        if hit is not None:
            return (*hit, [])
        result = _validate(path, text)
        if not result[3]:
            packcache.put_language(Path(cache), path, sha, *result[:3])
        return result
    return _validate(path, text)


def _validate(path: str, text: str):
    import jsonschema

    from ..rules.loader import _schema_message, parse_pack
    from ..rules.model import RuleError

    data, loc, errors = parse_pack(text, path)
    if data is None:
        return None, "", {}, errors or [RuleError(path, 1, 1, "empty language pack")]
    validator = jsonschema.Draft202012Validator(language_schema())
    for err in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
        line, col = loc.mark(list(err.absolute_path))
        errors.append(RuleError(path, line, col, _schema_message(err)))
    if errors:
        return None, "", {}, errors
    return data["language"], data.get("name", ""), data["lexicons"], []


@lru_cache(maxsize=1)
def default_language() -> Language:
    """The bundled English language, for code that reads text without a rule
    set (tools, the corpus reader's sentence splitter)."""
    code, name, lexicons, errors = load_language_pack(DEFAULT)
    if errors:
        raise ValueError("; ".join(map(str, errors)))
    return Language(code, lexicons, name, str(language_path(DEFAULT)))
