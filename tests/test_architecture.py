"""The house's shape, checked: lower layers never import the front-ends,
and English lives in the language pack, not in Python word lists."""
from __future__ import annotations

import ast
import re
from pathlib import Path

from conftest import SERVER

PACKAGE = SERVER / "copydesk"

# Analysis layers, lowest first, and the front-ends none of them may import.
LOWER = ("lang", "text", "rules", "checks", "corpus")
FRONT_ENDS = ("cli", "lsp", "formats")
# What sits above the analysis layers (the engine and what drives it).
ABOVE = ("engine", "runner", "report") + FRONT_ENDS
# What the language layer may import besides itself: the bundled-data
# locator, and the bounded YAML reader of the rule loader (lazily, to read
# language packs the way rule packs are read).
# rules.packcache: the validated-pack cache (plain data in the cache folder) that rules.loader uses too.
# cachedir: the cache folder's atomic file writer (a leaf: it imports no copydesk module).
LANG_MAY_IMPORT = ("lang", "resources", "cachedir", "rules.loader", "rules.model", "rules.packcache")


def _module(path: Path) -> str:
    rel = path.relative_to(PACKAGE).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every copydesk module a file imports, at the top or inside a function."""
    here = _module(path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1] if node.level > 1 else package
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module and node.module.startswith("copydesk"):
                target = node.module[len("copydesk."):] if node.module != "copydesk" else ""
            else:
                continue
            out.add(target)
            out.update(f"{target}.{a.name}" if target else a.name for a in node.names)
        elif isinstance(node, ast.Import):
            out.update(a.name[len("copydesk."):] for a in node.names if a.name.startswith("copydesk."))
    return {m for m in out if m}


def _files(layer: str) -> list[Path]:
    return sorted((PACKAGE / layer).rglob("*.py"))


def _under(module: str, layer: str) -> bool:
    return module == layer or module.startswith(layer + ".")


def test_lower_layers_never_import_the_engine_or_front_ends():
    bad = []
    for layer in LOWER:
        for path in _files(layer):
            for m in _imports(path):
                if any(_under(m, top) for top in ABOVE):
                    bad.append(f"{path.relative_to(SERVER)} imports copydesk.{m}")
    assert not bad, "\n".join(bad)


def test_the_language_layer_imports_nothing_above_it():
    bad = []
    for path in _files("lang"):
        for m in _imports(path):
            if not any(_under(m, ok) for ok in LANG_MAY_IMPORT) and m not in ("rules",):
                bad.append(f"{path.relative_to(SERVER)} imports copydesk.{m}")
    assert not bad, "\n".join(bad)


def test_the_cache_folder_module_is_a_leaf():
    assert _imports(PACKAGE / "cachedir.py") == set()


def test_formats_and_report_do_not_import_the_front_ends_or_the_engine():
    bad = []
    for path in _files("formats") + [PACKAGE / "report.py", PACKAGE / "findings.py"]:
        for m in _imports(path):
            if any(_under(m, top) for top in ("cli", "lsp", "engine", "runner")):
                bad.append(f"{path.relative_to(SERVER)} imports copydesk.{m}")
    assert not bad, "\n".join(bad)


def test_lsp_modules_do_not_import_each_other_in_a_cycle():
    graph = {}
    for path in _files("lsp"):
        graph[_module(path)] = {m for m in _imports(path) if _under(m, "lsp") and m != _module(path)}
    # Keep only edges to modules (from-imports of names were added as a.b.name).
    graph = {k: {m for m in v if m in graph} for k, v in graph.items()}

    def reaches(a: str, b: str, seen=None) -> bool:
        seen = seen or set()
        for n in graph.get(a, ()):
            if n == b or (n not in seen and (seen.add(n) or reaches(n, b, seen))):
                return True
        return False

    cycles = [f"{a} <-> {b}" for a in graph for b in graph[a] if a < b and reaches(b, a)]
    assert not cycles, cycles


# ------------------------------------------------------------ word lists

# A list, tuple, set or dict literal with more than a handful of English
# words is a word list: it belongs in rules/language/<code>.yml (or in the
# rule pack of the check that reads it), not in Python.
HANDFUL = 5
_WORDLIKE = re.compile(r"^[a-z][a-z’'.\- ]*$", re.I)

# What legitimately stays, and why.  (path, first word of the literal) -> reason.
ALLOWED = {
    # Not English: names of fields, formats, tags and settings the code itself defines.
    ("rules/model.py", "id"): "the common fields of every rule (the schema's, not a language's)",
    ("config.py", "rules"): "config keys",
    ("cli/rules.py", "id"): "JSON keys of `rules list --json`",
    ("formats/json.py", "path"): "JSON output fields",
    ("ledger.py", "cue"): "JSON fields of `copydesk sources`",
    ("formats/sarif.py", "id"): "SARIF fields",
    ("htmlreport/__init__.py", "path"): "report page data fields (JSON keys its script reads)",
    ("htmlreport/__init__.py", "title"): "report page data fields (JSON keys its script reads)",
    ("htmlreport/__init__.py", "kind"): "report page data fields (JSON keys its script reads)",
    ("lsp/settings.py", "defaultRules"): "client setting names",
    ("rules/loader.py", "object"): "JSON Schema type names",
    ("corpus/index.py", "index"): "corpus stats keys",
    ("text/html.py", "script"): "HTML elements whose text is not prose",
    ("text/html.py", "p"): "HTML block elements",
    ("lang/figures.py", "JJ"): "Penn part-of-speech tags",
    ("checks/attribution.py", "advcl"): "dependency labels (ClearNLP) of the parser: a modifier clause",
    ("checks/attribution.py", "aux"): "dependency labels (ClearNLP) of the parser: the words of a clause's own verb",
    ("checks/worthiness.py", "ROOT"): "dependency labels (ClearNLP) of the parser: clauses of the sentence",
    ("checks/worthiness.py", "relcl"): "dependency labels (ClearNLP) of the parser: clauses that end a verb's own",
    ("cli/__init__.py", "check"): "subcommand names and their modules",
}


def _word_lists(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    exports = {id(n.value) for n in ast.walk(tree) if isinstance(n, ast.Assign)
               and any(isinstance(t, ast.Name) and t.id == "__all__" for t in n.targets)}
    for node in ast.walk(tree):
        if id(node) in exports:
            continue  # __all__: names of the module, not words
        if isinstance(node, (ast.Set, ast.List, ast.Tuple)):
            items = node.elts
        elif isinstance(node, ast.Dict):
            items = [k for k in node.keys if k is not None]
        else:
            continue
        words = [e.value for e in items
                 if isinstance(e, ast.Constant) and isinstance(e.value, str) and _WORDLIKE.match(e.value)]
        if len(words) > HANDFUL:
            yield node.lineno, words


def test_no_word_lists_in_python_outside_the_language_packs():
    found, used = [], set()
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(PACKAGE).as_posix()
        for line, words in _word_lists(path):
            key = (rel, words[0])
            if key in ALLOWED:
                used.add(key)
                continue
            found.append(f"copydesk/{rel}:{line}: {len(words)} words ({', '.join(words[:6])}, …)")
    assert not found, "word lists belong in rules/language/<code>.yml:\n" + "\n".join(found)
    stale = sorted(set(ALLOWED) - used)
    assert not stale, f"allow-list entries that no longer match anything (remove them): {stale}"


def test_the_scan_finds_a_word_list(tmp_path):
    """The scanner is not toothless: a module with a word list is caught."""
    sample = tmp_path / "sample.py"
    sample.write_text('HEDGES = {"perhaps", "maybe", "possibly", "arguably", "reportedly", "apparently"}\n',
                      encoding="utf-8")
    assert [len(w) for _, w in _word_lists(sample)] == [6]
