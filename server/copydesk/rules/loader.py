"""Load and validate YAML rule packs.

Rule files are data: parsed with ``yaml.safe_load`` semantics (SafeLoader, no
Python object construction), validated with JSON Schema, and every problem is
reported as ``file:line:col: message`` from the YAML node positions.

libyaml's ``CSafeLoader`` parses when PyYAML has it (same safe constructor,
~10x faster); a file it rejects is parsed again with the pure-Python loader so
the error message is always PyYAML's.  ``jsonschema`` and PyYAML are imported
only when a pack has to be parsed and validated: the engine reads packs it
validated before from the pack cache (``packcache``).
"""
from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterable

from ..files import FileRefused, read_regular
from ..text.encoding import DecodeError, decode_utf8
from .model import COMMON_FIELDS, Rule, RuleError, RuleSet

if TYPE_CHECKING:  # imported on first validation, not at start-up
    import jsonschema

SCHEMA_PATH = Path(__file__).with_name("pack.schema.json")


class _LazyYaml:
    """PyYAML, imported on first use: a run whose packs all come from the
    pack cache never parses YAML (and never pays for importing it)."""

    def __getattr__(self, name: str):
        import yaml as module

        globals()["yaml"] = module
        return getattr(module, name)


yaml = _LazyYaml()
DEFAULT_LANGUAGE = "en"


@lru_cache(maxsize=1)
def pack_schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def rule_schema(kind_schema: dict) -> dict:
    """The full schema of one rule: common fields plus the check's own."""
    base = copy.deepcopy(pack_schema()["$defs"]["rule"])
    base["properties"].update(kind_schema.get("properties", {}))
    base["required"] = sorted(set(base.get("required", [])) | set(kind_schema.get("required", [])))
    # Constraints across fields ("terms or patterns") apply too.
    for key, value in kind_schema.items():
        if key not in ("properties", "required"):
            base[key] = copy.deepcopy(value)
    base["additionalProperties"] = False
    return base


def full_schema() -> dict:
    """A single JSON Schema for rule packs (for editors and docs)."""
    from ..checks import registry

    schema = copy.deepcopy(pack_schema())
    variants = []
    for kind, check in sorted(registry().items()):
        s = rule_schema(check.schemas[kind])
        s["properties"]["check"] = {"const": kind}
        variants.append(s)
    schema["properties"]["rules"]["items"] = {"oneOf": variants}
    return schema


# ----------------------------------------------------------------- positions


class _Located:
    """Maps JSON paths in the loaded data to YAML node marks."""

    def __init__(self, root: yaml.Node | None):
        self.root = root

    def node(self, path: Iterable[Any]) -> yaml.Node | None:
        node = self.root
        for key in path:
            if node is None:
                return None
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if k.value == key:
                        nxt = v
                node = nxt
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int):
                node = node.value[key] if key < len(node.value) else None
            else:
                return node
        return node

    def key_node(self, path: list[Any]) -> yaml.Node | None:
        """The node of the key itself (for "unknown property" errors)."""
        parent = self.node(path[:-1])
        if isinstance(parent, yaml.MappingNode):
            for k, _ in parent.value:
                if k.value == path[-1]:
                    return k
        return None

    def mark(self, path: Iterable[Any]) -> tuple[int, int]:
        path = list(path)
        while True:
            node = self.node(path)
            if node is not None:
                return node.start_mark.line + 1, node.start_mark.column + 1
            if not path:
                return 1, 1
            path.pop()


def _duplicate_keys(node: yaml.Node | None, path: str, errors: list[RuleError]) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, yaml.Node] = {}
        for k, v in node.value:
            if k.value in seen:
                errors.append(
                    RuleError(
                        path,
                        k.start_mark.line + 1,
                        k.start_mark.column + 1,
                        f"duplicate key '{k.value}' (first at line {seen[k.value].start_mark.line + 1})",
                    )
                )
            seen[k.value] = k
            _duplicate_keys(v, path, errors)
    elif isinstance(node, yaml.SequenceNode):
        for v in node.value:
            _duplicate_keys(v, path, errors)


def _path_text(path: Iterable[Any]) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out


_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string", "integer": "an integer",
               "boolean": "true or false", "number": "a number", "null": "null"}


def _short(value: Any, limit: int = 60) -> str:
    """A value for a message: a huge list must not become a huge message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _yaml_type(value: Any) -> str:
    for t, name in ((bool, "true/false"), (dict, "a mapping"), (list, "a list"), (str, "a string"),
                    (int, "an integer"), (float, "a number")):
        if isinstance(value, t):
            return name
    return "null" if value is None else type(value).__name__


def _schema_message(err: jsonschema.ValidationError) -> str:
    where = _path_text(err.absolute_path)
    if err.validator == "additionalProperties":
        extra = sorted(set(err.instance) - set(err.schema.get("properties", {})), key=str)
        allowed = ", ".join(sorted(err.schema.get("properties", {})))
        msg = f"unknown field {', '.join(_short(e) for e in extra)} (allowed: {allowed})"
    elif err.validator == "required":
        msg = err.message.replace(" is a required property", " is required")
    elif err.validator == "type":
        wanted = err.validator_value if isinstance(err.validator_value, list) else [err.validator_value]
        msg = (f"expected {' or '.join(_TYPE_NAMES.get(t, t) for t in wanted)}, "
               f"got {_yaml_type(err.instance)} {_short(err.instance)}")
    elif err.validator == "anyOf" and all(set(b) == {"required"} for b in err.validator_value):
        names = [n for b in err.validator_value for n in b["required"]]
        msg = f"needs at least one of {', '.join(repr(n) for n in names)}"
    elif err.validator == "oneOf" and list(err.absolute_path)[:1] == ["lexicons"]:
        msg = f"a lexicon is a list of words, or a mapping with 'add'/'remove' lists; got {_short(err.instance)}"
    else:
        msg = err.message if len(err.message) <= 300 else err.message[:299] + "…"
    return f"{where}: {msg}" if where else msg


# ------------------------------------------------------------------- loading


# Rule files are small; these bounds keep a hostile or broken one from
# exhausting memory or the stack (deep nesting, "billion laughs" aliases).
MAX_RULE_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 64
MAX_NODES = 200_000  # after alias expansion


class _Limit(Exception):
    def __init__(self, mark, message: str):
        super().__init__(message)
        self.mark = mark
        self.message = message


def _check_limits(text: str, loader_class=None) -> None:
    """Walk the YAML event stream (not recursive, nothing built) and refuse
    documents nested too deep, aliases that refer to themselves, and
    aliases that would expand to a huge tree."""
    stack: list[list] = []  # [expanded size, anchor] per open collection
    sizes: dict[str, int] = {}
    total = 0

    def add(n: int, mark) -> None:
        nonlocal total
        total += n
        if stack:
            stack[-1][0] += n
        if total > MAX_NODES:
            raise _Limit(mark, f"document expands to more than {MAX_NODES:,} nodes "
                               "(too many aliases or entries); rule files must stay small")

    for ev in yaml.parse(text, Loader=loader_class or yaml.SafeLoader):
        if isinstance(ev, yaml.CollectionStartEvent):
            if len(stack) >= MAX_DEPTH:
                raise _Limit(ev.start_mark, f"nested more than {MAX_DEPTH} levels deep")
            add(1, ev.start_mark)
            stack.append([1, ev.anchor])
        elif isinstance(ev, yaml.CollectionEndEvent):
            size, anchor = stack.pop()
            if anchor:
                sizes[anchor] = size
            if stack:
                stack[-1][0] += size - 1  # its own 1 was counted at start
        elif isinstance(ev, yaml.ScalarEvent):
            add(1, ev.start_mark)
            if ev.anchor:
                sizes[ev.anchor] = 1
        elif isinstance(ev, yaml.AliasEvent):
            if any(anchor == ev.anchor for _, anchor in stack):
                raise _Limit(ev.start_mark, f"alias *{ev.anchor} refers to a node that contains it")
            # An undefined alias is left to the composer, which reports it.
            add(sizes.get(ev.anchor, 1), ev.start_mark)


def _mark(mark) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


def _yaml_error(e: yaml.MarkedYAMLError, path: str) -> RuleError:
    line, col = _mark(e.problem_mark or e.context_mark)
    problem = e.problem or str(e)
    if isinstance(e, yaml.constructor.ConstructorError) and "constructor for the tag" in problem:
        tag = problem.split("tag", 1)[1].strip(" '").replace("tag:yaml.org,2002:", "!!")
        return RuleError(path, line, col,
                         f"YAML syntax error: tag '{tag}' is not allowed: rule files are plain data (no Python objects)")
    if e.context:
        problem = f"{problem} ({e.context})"
    return RuleError(path, line, col, f"YAML syntax error: {problem}")


def parse_pack(text: str, path: str) -> tuple[Any, _Located, list[RuleError]]:
    # libyaml when PyYAML was built with it: the same SafeLoader semantics.
    fast = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    if len(text) > MAX_RULE_FILE_BYTES:
        return None, _Located(None), [RuleError(path, 1, 1, f"rule file is over {MAX_RULE_FILE_BYTES // 1048576} MB; "
                                                            "split it or trim it")]
    if fast is not yaml.SafeLoader:
        try:
            _check_limits(text, fast)
        except _Limit as e:
            # Our own limits, the same message and place with either loader:
            # refused at once (a 3.6 MB pack over the node limit in 0.2 s of
            # CPU, not the ~4 s the pure-Python walk takes).
            return None, _Located(None), [RuleError(path, *_mark(e.mark), e.message)]
        except yaml.YAMLError:
            pass  # a syntax error: the pure-Python loader's message below
        else:
            result = _parse_pack(text, path, fast, checked=True)
            if not result[2]:
                return result
        # Any other problem: the pure-Python loader's messages are the reference.
    return _parse_pack(text, path, yaml.SafeLoader)


def _parse_pack(text: str, path: str, loader_class, checked: bool = False) -> tuple[Any, _Located, list[RuleError]]:
    errors: list[RuleError] = []
    try:
        if not checked:
            _check_limits(text, loader_class)
        # SafeLoader only (== yaml.safe_load): no Python objects, no code.
        loader = loader_class(text)
        try:
            root = loader.get_single_node()
            data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
    except _Limit as e:
        errors.append(RuleError(path, *_mark(e.mark), e.message))
        return None, _Located(None), errors
    except yaml.MarkedYAMLError as e:
        errors.append(_yaml_error(e, path))
        return None, _Located(None), errors
    except yaml.YAMLError as e:
        errors.append(RuleError(path, 1, 1, f"YAML error: {e}"))
        return None, _Located(None), errors
    except RecursionError:  # belt and braces: _check_limits bounds depth
        errors.append(RuleError(path, 1, 1, "rule file is nested too deeply"))
        return None, _Located(None), errors
    _duplicate_keys(root, path, errors)
    return data, _Located(root), errors


def read_rule_file(path: str) -> tuple[str | None, RuleError | None]:
    """The text of a rule file, or a located reason it cannot be read."""
    try:
        data = read_regular(path, MAX_RULE_FILE_BYTES)
    except FileRefused as e:
        if "limit" in e.reason:
            return None, RuleError(path, 1, 1, f"rule file is over {MAX_RULE_FILE_BYTES // 1048576} MB; "
                                               "split it or trim it")
        return None, RuleError(path, 1, 1, f"cannot read rule file: {e.reason}")
    except OSError as e:
        return None, RuleError(path, 1, 1, f"cannot read rule file: {e.strerror or e}")
    try:
        return decode_utf8(data), None  # a byte-order mark is dropped
    except DecodeError as e:
        return None, RuleError(path, e.line, e.column, f"invalid UTF-8 at byte offset {e.offset} "
                                                       f"({e.byte!r}); rule files must be UTF-8")


@dataclass
class Pack:
    """One rule pack as loaded: its rules, its lexicon edits, what it requires
    of the run's language (with where it says so), and its problems."""

    path: str
    rules: list[Rule] = field(default_factory=list)
    lexicons: dict = field(default_factory=dict)
    errors: list[RuleError] = field(default_factory=list)
    requires_language: tuple[str, int, int] | None = None  # (code, line, column)
    requires_lexicons: list[tuple[str, int, int]] = field(default_factory=list)


def load_pack(path: str | Path, text: str | None = None) -> tuple[list[Rule], dict, list[RuleError]]:
    """Rules, lexicons and errors of one pack file (errors never raise)."""
    pack = read_pack(path, text)
    return pack.rules, pack.lexicons, pack.errors


def read_pack(path: str | Path, text: str | None = None) -> Pack:
    """One pack file, loaded and validated (errors never raise)."""
    import jsonschema

    from ..checks import registry

    path = str(path)
    if text is None:
        text, problem = read_rule_file(path)
        if problem is not None:
            return Pack(path, errors=[problem])
    data, loc, errors = parse_pack(text, path)
    if errors and data is None:
        return Pack(path, errors=errors)
    if data is None:
        return Pack(path, errors=[RuleError(path, 1, 1, "empty rule file: expected a mapping with 'rules'")])
    validator = jsonschema.Draft202012Validator(pack_schema())
    pack_errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    bad_rules: set[int] = set()
    bad_lexicons: set[str] = set()
    for err in pack_errors:
        p = list(err.absolute_path)
        if len(p) >= 2 and p[0] == "rules" and isinstance(p[1], int):
            bad_rules.add(p[1])
        if len(p) >= 2 and p[0] == "lexicons":
            bad_lexicons.add(p[1])
        line, col = loc.mark(p)
        errors.append(RuleError(path, line, col, _schema_message(err)))
    if not isinstance(data, dict):
        return Pack(path, errors=errors)

    checks = registry()
    rules: list[Rule] = []
    ids: dict[str, int] = {}  # id -> line of its first rule in this file
    raw_rules = data.get("rules")
    for i, raw in enumerate(raw_rules if isinstance(raw_rules, list) else []):
        if not isinstance(raw, dict):
            continue
        rid = raw.get("id")
        if isinstance(rid, str):
            if rid in ids:
                line, col = loc.mark(["rules", i])
                errors.append(RuleError(path, line, col,
                                        f"duplicate rule id '{rid}' (first at line {ids[rid]})"))
                continue
            ids[rid] = loc.mark(["rules", i])[0]
        kind = raw.get("check")
        base = ["rules", i]
        if i in bad_rules and kind not in checks:
            continue  # its pack-level errors say enough
        if kind not in checks:
            line, col = loc.mark(base + ["check"])
            known = ", ".join(sorted(checks))
            errors.append(RuleError(path, line, col, f"unknown check kind '{kind}' (known: {known})"))
            continue
        check = checks[kind]
        v = jsonschema.Draft202012Validator(rule_schema(check.schemas[kind]))
        rule_errors = list(v.iter_errors(raw))
        for err in rule_errors:
            p = base + list(err.absolute_path)
            if err.validator == "additionalProperties":
                extra = sorted(set(err.instance) - set(err.schema.get("properties", {})), key=str)
                node = loc.key_node(p + [extra[0]]) if extra else None
                line, col = (
                    (node.start_mark.line + 1, node.start_mark.column + 1) if node else loc.mark(p)
                )
            else:
                line, col = loc.mark(p)
            # A rule with pack-level errors is checked again here for its
            # check-specific fields; report each place once.
            if i in bad_rules and any(e.line == line and e.column == col for e in errors):
                continue
            errors.append(RuleError(path, line, col, _schema_message(err)))
        if rule_errors or i in bad_rules:
            continue
        rule = Rule(
            id=raw["id"],
            check=kind,
            severity=raw.get("severity", "warning"),
            message=raw["message"],
            rationale=raw.get("rationale", ""),
            link=raw.get("link"),
            title=raw.get("title"),
            enabled=raw.get("enabled", True),
            options={k: v for k, v in raw.items() if k not in COMMON_FIELDS},
            examples=raw.get("examples", {}),
            source=path,
            line=loc.mark(base)[0],
            column=loc.mark(base)[1],
        )
        # Check-specific semantic validation (e.g. regexes that do not compile).
        valid = True
        for field_path, message in check.validate_rule(rule):
            line, col = loc.mark(base + list(field_path))
            errors.append(RuleError(path, line, col, f"{rule.id}: {message}"))
            valid = False
        if valid:
            rules.append(rule)
    lexicons = data.get("lexicons")
    if not isinstance(lexicons, dict):
        lexicons = {}
    pack = Pack(path, rules, {k: v for k, v in lexicons.items() if k not in bad_lexicons}, errors)
    requires = data.get("requires")
    if isinstance(requires, dict):
        code = requires.get("language")
        if isinstance(code, str):
            pack.requires_language = (code, *loc.mark(["requires", "language"]))
        names = requires.get("lexicons")
        if isinstance(names, list):
            pack.requires_lexicons = [(n, *loc.mark(["requires", "lexicons", i]))
                                      for i, n in enumerate(names) if isinstance(n, str)]
    return pack


def merge_lexicons(into: dict[str, list[str]], extra: dict) -> None:
    """A list adds words; ``{add: [...], remove: [...]}`` edits the list."""
    for name, value in extra.items():
        current = into.setdefault(name, [])
        if isinstance(value, list):
            _extend_new(current, value)
        elif isinstance(value, dict):
            _extend_new(current, value.get("add", []))
            remove = {str(v).lower() for v in value.get("remove", [])}
            into[name] = [v for v in current if v.lower() not in remove]


def _extend_new(current: list, values) -> None:
    """``current.extend(v for v in values if v not in current)``, in linear
    time (a set beside the list) for the words of a lexicon."""
    try:
        seen = set(current)
        for v in values:
            if v not in seen:
                seen.add(v)
                current.append(v)
    except TypeError:  # unhashable entries (a malformed pack): the list's own test
        current.extend(v for v in values if v not in current)


def rule_files(paths: Iterable[str | Path]) -> list[Path]:
    """Expand folders to the YAML files in them (sorted: load order is
    stable).  A folder's ``language/`` subfolder holds language packs, not
    rule packs."""
    from ..resources import current_pack_path

    out: list[Path] = []
    for p in paths:
        p = Path(current_pack_path(p))
        if p.is_dir():
            out.extend(sorted(q for q in p.rglob("*") if q.suffix in (".yml", ".yaml") and q.is_file()
                              and "language" not in q.relative_to(p).parts[:-1]))
        else:
            out.append(p)
    return out


def _read_pack_cached(file: Path, cache: Path) -> Pack:
    """``read_pack`` through the pack cache: a pack validated by an earlier
    run (same bytes, same code) is read back instead of parsed."""
    from . import packcache

    path = str(file)
    text, problem = read_rule_file(path)
    if problem is not None:
        return Pack(path, errors=[problem])
    sha = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    hit = packcache.get(cache, path, sha)
    if hit is not None:
        return hit
    pack = read_pack(path, text)
    if not pack.errors:
        packcache.put(cache, path, sha, pack)
    return pack


def load_rules(paths: Iterable[str | Path], language: str = DEFAULT_LANGUAGE,
               cache: str | Path | None = None) -> RuleSet:
    """The rule packs of ``paths`` over the language pack ``language`` (a
    bundled code or a path): the language is always loaded, whatever packs
    are, so a pack never depends on another pack for its words.  With
    ``cache`` (a folder), packs validated by an earlier run are read from
    the pack cache there."""
    from ..lang import Language, language_path, load_language_pack

    ruleset = RuleSet()
    code, name, base, lang_errors = load_language_pack(language, cache=cache)
    ruleset.errors.extend(lang_errors)
    merge_lexicons(ruleset.lexicons, copy.deepcopy(base))
    packs: list[Pack] = []
    for file in rule_files(paths):
        pack = _read_pack_cached(file, Path(cache)) if cache else read_pack(file)
        packs.append(pack)
        ruleset.sources.append(str(file))
        ruleset.errors.extend(pack.errors)
        merge_lexicons(ruleset.lexicons, pack.lexicons)
        for rule in pack.rules:
            # (Duplicates within one file are reported by read_pack.) A later
            # pack may override a rule of an earlier one by id: that is how
            # users customise the defaults.
            ruleset.rules[rule.id] = rule
    if code is None:
        # A broken language pack is reported (the CLI lints nothing); the
        # engine falls back to the bundled language so an editor still checks.
        return ruleset
    ruleset.language = Language(code, ruleset.lexicons, name, str(language_path(language)))
    ruleset.errors.extend(_requirements(packs, ruleset))
    return ruleset


def _requirements(packs: list["Pack"], ruleset: RuleSet) -> list[RuleError]:
    """A pack written for another language, or a rule whose check (or pack)
    reads a lexicon the language does not have, is an error: the rule would
    otherwise run with an empty list and silently change its findings."""
    from ..checks import registry

    language = ruleset.language
    where = f"'{language.code}' ({language.source})"
    errors: list[RuleError] = []
    checks = registry()
    for pack in packs:
        if pack.requires_language and pack.requires_language[0] != language.code:
            code, line, col = pack.requires_language
            errors.append(RuleError(pack.path, line, col,
                                    f"this pack is written for language '{code}', but the run's language is "
                                    f"{where}; set language = \"{code}\" in the config, or use packs for "
                                    f"'{language.code}'"))
        for lex, line, col in pack.requires_lexicons:
            if not language.has(lex):
                errors.append(RuleError(pack.path, line, col, f"this pack needs lexicon '{lex}', which language {where} "
                                                              "does not have; add it in a language or rule pack"))
        for rule in pack.rules:
            if ruleset.rules.get(rule.id) is not rule:
                continue
            missing = [lex for lex in getattr(checks.get(rule.check), "lexicons", ()) if not language.has(lex)]
            if missing:
                errors.append(RuleError(pack.path, rule.line or 1, rule.column or 1,
                                        f"{rule.id}: check '{rule.check}' reads lexicon(s) "
                                        f"{', '.join(repr(m) for m in missing)}, which language {where} does not have"))
    return errors
