"""Rule files and config are data: nothing in them is ever executed.

YAML is read with SafeLoader only (``yaml.safe_load`` semantics), so tags
that would build Python objects are located errors; message templates are
filled by a ``{name}`` substitution that cannot reach attributes (not
``str.format``); config is TOML, whose fields are only ever compared and
looked up.
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, run_cli

PAYLOADS = {
    "apply-os-system": '!!python/object/apply:os.system ["touch {marker}"]',
    "new-os-system": '!!python/object/new:os.system ["touch {marker}"]',
    "apply-subprocess": '!!python/object/apply:subprocess.check_call [["touch", "{marker}"]]',
    "name": "!!python/name:os.system",
    "module": "!!python/module:os",
}
LEAKS = ("<class", "method-wrapper", "slot wrapper", "bound method", "built-in", "object at 0x", "<module")


def _payload(kind: str, marker: Path) -> str:
    return PAYLOADS[kind].replace("{marker}", str(marker))


def test_payload_is_real_under_an_unsafe_loader(tmp_path):
    """Guard against a toothless test: the same YAML does run code when
    loaded unsafely, so the safe loader is what stops it below."""
    marker = tmp_path / "PWNED"
    yaml.unsafe_load(f"x: {_payload('apply-os-system', marker)}\n")
    assert marker.exists()


def _rule_pack(payload: str) -> str:
    return (
        "pack: evil\n"
        "rules:\n"
        "  - id: loaded-term/evil\n"
        "    check: loaded-term\n"
        f"    message: {payload}\n"
        "    terms: [regime]\n"
    )


def _lexicon_pack(payload: str) -> str:
    return f"pack: evil\nlexicons:\n  reporting_verbs: {payload}\nrules: []\n"


@pytest.mark.parametrize("where,build,line,col", [
    ("rule", _rule_pack, 5, 14),
    ("lexicon", _lexicon_pack, 3, 20),
])
@pytest.mark.parametrize("kind", sorted(PAYLOADS))
def test_python_tags_are_located_errors_and_run_nothing(tmp_path, kind, where, build, line, col):
    marker = tmp_path / "PWNED"
    pack = tmp_path / "evil.yml"
    pack.write_text(build(_payload(kind, marker)), encoding="utf-8")
    draft = tmp_path / "draft.md"
    draft.write_text("The regime fell on Sunday.\n", encoding="utf-8")

    validate = run_cli("rules", "validate", str(pack))
    check = run_cli("check", "--rules", str(pack), str(draft))

    assert not marker.exists(), "a rule file ran code"
    for proc, stream in ((validate, validate.stdout_text), (check, check.stderr_text)):
        assert proc.returncode == 2, proc.stderr_text
        assert "Traceback" not in proc.stderr_text + proc.stdout_text
        assert f"{pack}:{line}:{col}: YAML syntax error: tag '!!python/" in stream, stream
        assert "is not allowed" in stream
    assert "nothing was linted" in check.stderr_text


def test_loader_never_uses_an_unsafe_yaml_loader(monkeypatch):
    """Loading the bundled packs works with every unsafe loader disabled."""
    from copydesk.resources import default_rules_dir
    from copydesk.rules import load_rules

    def refuse(*args, **kwargs):
        raise AssertionError("an unsafe YAML loader was used")

    for name in ("Loader", "UnsafeLoader", "FullLoader", "CLoader", "CUnsafeLoader", "CFullLoader"):
        if hasattr(yaml, name):
            monkeypatch.setattr(getattr(yaml, name), "__init__", refuse)
    for name in ("unsafe_load", "full_load", "unsafe_load_all", "full_load_all", "load_all"):
        monkeypatch.setattr(yaml, name, refuse)
    ruleset = load_rules([default_rules_dir()])
    assert not ruleset.errors
    assert "loaded-term/regime" in ruleset.rules


HOSTILE = ("{0.__class__} {match.__init__} {match.__class__.__mro__} {__class__} "
           "{match!r} {match:>30} {term.__len__} {suggestions.__class__.__base__} "
           "{values} {self} {rule}")


def test_templates_cannot_reach_attributes(tmp_path):
    pack = tmp_path / "templates.yml"
    pack.write_text(yaml.safe_dump({"rules": [{
        "id": "loaded-term/regime",
        "check": "loaded-term",
        "message": f"[{{match}}|{{suggestions}}] {HOSTILE}",
        "quote_message": f"quoted [{{match}}] {HOSTILE}",
        "terms": ["regime"],
        "suggestions": ["government"],
    }]}, allow_unicode=True), encoding="utf-8")
    draft = "The regime fell on Sunday. Crowds chanted “down with the regime” for hours.\n"
    proc = run_cli("check", "--no-default-rules", "--rules", str(pack), "--format", "json",
                   "-", "--stdin-filename", "d.md", input=draft)
    assert proc.returncode == 1, proc.stderr_text
    data = json.loads(proc.stdout_text)
    messages = [f["message"] for f in data["findings"]]
    assert len(messages) == 2 and not data["failures"]
    own, quoted = messages
    assert own.startswith("[regime|“government”] ")  # real placeholders are filled …
    assert quoted.startswith("quoted [regime] ")
    for m in messages:
        assert HOSTILE in m  # … the rest stays literal text
        assert not any(leak in m for leak in LEAKS), m


def _hostile_override_pack() -> str:
    """Every bundled rule, same id and fields, every template made hostile."""
    from copydesk.resources import default_rules_dir
    from copydesk.rules import load_rules

    ruleset = load_rules([default_rules_dir()])
    rules = []
    for rule in ruleset.rules.values():
        raw = {"id": rule.id, "check": rule.check, "severity": rule.severity, "enabled": True,
               "message": f"{HOSTILE} {rule.message}"}
        for key, value in rule.options.items():
            if isinstance(value, str) and "{" in value:
                value = f"{HOSTILE} {value}"
            raw[key] = value
        rules.append(raw)
    assert rules
    return yaml.safe_dump({"pack": "hostile", "rules": rules}, allow_unicode=True)


def test_no_check_formats_rule_text_with_str_format(tmp_path):
    """Whatever checks exist (now or later), a hostile template in any bundled
    rule neither leaks attributes nor breaks the check."""
    pack = tmp_path / "hostile.yml"
    pack.write_text(_hostile_override_pack(), encoding="utf-8")
    targets = [str(ROOT / "examples"), str(ROOT / "seeds")]
    proc = run_cli("check", "--rules", str(pack), "--format", "json", "--fail-on", "never", *targets)
    assert proc.returncode == 0, proc.stderr_text
    assert "failed" not in proc.stderr_text and "Traceback" not in proc.stderr_text
    data = json.loads(proc.stdout_text)
    assert not data["failures"], data["failures"]
    findings = data["findings"]
    assert findings, "the example draft should trigger bundled rules"
    for f in findings:
        assert HOSTILE in f["message"], f
        text = json.dumps(f, ensure_ascii=False)
        assert not any(leak in text for leak in LEAKS), text


CONFIG_PAYLOADS = [
    "__import__('os').system('touch {marker}')",
    "!!python/object/apply:os.system ['touch {marker}']",
    "{0.__class__}{0.__init__.__globals__}",
    "$(touch {marker})",
    "`touch {marker}`",
]


def test_config_fields_are_data(tmp_path):
    """Payloads in every config field: refused or treated as plain strings,
    never run; the CLI reports located errors and no traceback."""
    marker = tmp_path / "PWNED"
    p = [x.replace("{marker}", str(marker)) for x in CONFIG_PAYLOADS]
    lists = ", ".join(json.dumps(x) for x in p)
    project = tmp_path / "project"
    project.mkdir()
    (project / "draft.md").write_text("The regime fell on Sunday.\n", encoding="utf-8")
    config = project / "copydesk.toml"

    # Syntactically valid: every string ends up compared, globbed or looked up.
    config.write_text(
        f"include = [{lists}, \"*.md\"]\nexclude = [{lists}]\n"
        f"[settings]\n" + "".join(f"s{i} = {json.dumps(x)}\n" for i, x in enumerate(p)),
        encoding="utf-8",
    )
    proc = run_cli("check", "--format", "json", "draft.md", cwd=project)
    assert proc.returncode == 1, proc.stderr_text
    assert [f["rule_id"] for f in json.loads(proc.stdout_text)["findings"]] == ["loaded-term/regime"]
    # Rule ids and check names are looked up in the loaded packs: none of
    # these names one, so each is a located error (exit 2), never run.
    config.write_text(f"disable = [{lists}]\nenable = [{lists}]\nchecks = [{lists}, \"loaded-term\"]\n",
                      encoding="utf-8")
    proc = run_cli("check", "--format", "json", "draft.md", cwd=project)
    assert proc.returncode == 2 and proc.stdout_text == ""
    located = [line for line in proc.stderr_text.splitlines() if line.startswith(f"{config}:")]
    assert len(located) == 3 * len(p), proc.stderr_text
    assert {line.split(":")[1] for line in located} == {"1", "2", "3"}

    # Rule paths and severities: located errors, exit 2.
    config.write_text(
        f"rules = [{json.dumps(p[0])}]\n[severity]\n\"loaded-term/regime\" = {json.dumps(p[2])}\n",
        encoding="utf-8",
    )
    proc = run_cli("check", "draft.md", cwd=project)
    assert proc.returncode == 2
    assert f"{config}:3:1: severity for 'loaded-term/regime' must be one of" in proc.stderr_text
    config.write_text(f"rules = [{json.dumps(p[1])}]\n", encoding="utf-8")
    proc = run_cli("check", "draft.md", cwd=project)
    assert proc.returncode == 2 and "cannot read rule file" in proc.stderr_text

    for proc_text in (proc.stdout_text, proc.stderr_text):
        assert "Traceback" not in proc_text
    assert not marker.exists(), "a config field ran code"
    assert sorted(x.name for x in project.iterdir()) == ["copydesk.toml", "draft.md"]
