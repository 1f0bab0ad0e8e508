"""Names that line up: a check's module, its bundled pack and the prefix of
its rule ids are one name (``checks/loaded_term.py``, ``rules/loaded-term.yml``,
``loaded-term/terrorist``), and the names the loaded-terms pack had before it
was renamed keep working, as a user wrote them, with a deprecation note."""
from __future__ import annotations

import json

import yaml
from conftest import RULES, run_cli
from copydesk.checks import registry
from copydesk.resources import RENAMED_PACKS

DRAFT = "The regime’s forces fell back. Officials said so-called rebels shelled the town.\n"


def _check_names() -> dict[str, type]:
    """Check name (the module's, with '-') -> check class."""
    return {cls.__module__.rsplit(".", 1)[1].replace("_", "-"): cls for cls in set(registry().values())}


def _pack_rules(path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]


def test_every_check_has_a_pack_and_ids_by_its_name():
    names = _check_names()
    assert {"loaded-term", "attribution", "figures"} <= set(names)
    for name, cls in names.items():
        pack = RULES / f"{name}.yml"
        assert pack.is_file(), f"check module {cls.__module__} has no bundled pack rules/{name}.yml"
        rules = _pack_rules(pack)
        ids = {r["id"] for r in rules}
        for rule in rules:
            assert rule["id"].startswith(name + "/"), f"{pack.name}: {rule['id']} is not under '{name}/'"
            assert rule["check"] in cls.kinds, f"{pack.name}: {rule['id']} has kind {rule['check']!r} of another check"
        for kind in cls.kinds:
            # A kind is the check's name, or one rule of its pack: attribution/unattributed-claim.
            assert kind == name or f"{name}/{kind}" in ids, f"kind {kind!r} of {name} lines up with no name"


def test_every_bundled_pack_is_named_after_its_check():
    names = _check_names()
    kind_to_name = {kind: name for name, cls in names.items() for kind in cls.kinds}
    defaults = sorted(p for p in RULES.glob("*.yml"))
    assert defaults
    for pack in defaults:
        assert pack.stem in names, f"rules/{pack.name} is named after no check module"
    for pack in defaults + sorted((RULES / "packs").glob("*.yml")):
        assert yaml.safe_load(pack.read_text(encoding="utf-8"))["pack"] == pack.stem, f"{pack.name}: 'pack:' is not its name"
        for rule in _pack_rules(pack):
            # Optional packs add rules to a check: their ids carry the check's name too.
            assert rule["id"].split("/", 1)[0] == kind_to_name[rule["check"]], f"{pack.name}: {rule['id']}"


def _findings(*args, cwd=None):
    proc = run_cli("check", "--format", "json", *args, "-", "--stdin-filename", "d.md", input=DRAFT, cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr_text
    return [(f["rule_id"], f["line"], f["column"]) for f in json.loads(proc.stdout_text)["findings"]], proc.stderr_text


def test_the_old_pack_path_still_loads_with_a_note(tmp_path):
    assert RENAMED_PACKS == {"loaded-terms": "loaded-term"}
    new, err_new = _findings("--no-default-rules", "--rules", str(RULES / "loaded-term.yml"))
    assert {rid for rid, _, _ in new} == {"loaded-term/regime", "loaded-term/so-called"}
    assert "deprecated" not in err_new
    old, err_old = _findings("--no-default-rules", "--rules", str(RULES / "loaded-terms.yml"))
    assert old == new
    assert f"'{RULES / 'loaded-terms.yml'}' is deprecated: the bundled pack is now '{RULES / 'loaded-term.yml'}'" in err_old
    # The same path in copydesk.toml.
    (tmp_path / "copydesk.toml").write_text(f'default_rules = false\nrules = ["{RULES / "loaded-terms.yml"}"]\n',
                                            encoding="utf-8")
    in_config, err_config = _findings(cwd=tmp_path)
    assert in_config == new and "deprecated" in err_config
    # A file by that name that is not the bundled one is the user's own: no alias.
    missing = run_cli("check", "--no-default-rules", "--rules", str(tmp_path / "loaded-terms.yml"), "-",
                      input=DRAFT)
    assert missing.returncode == 2 and "deprecated" not in missing.stderr_text


def test_rules_validate_and_rules_test_take_the_old_name(tmp_path):
    proc = run_cli("rules", "validate", str(RULES / "loaded-terms.yml"))
    assert proc.returncode == 0, proc.stderr_text
    assert "rules in 1 file(s): OK" in proc.stdout_text and "deprecated" in proc.stderr_text
    archive = tmp_path / "archive"
    archive.mkdir()
    (archive / "a.md").write_text(DRAFT, encoding="utf-8")
    runs = {name: run_cli("rules", "test", name, "--against", str(archive), "--format", "json")
            for name in ("loaded-term", "loaded-terms")}
    for proc in runs.values():
        assert proc.returncode == 0, proc.stderr_text
    old, new = (json.loads(runs[n].stdout_text) for n in ("loaded-terms", "loaded-term"))
    assert old.pop("target") == "loaded-terms" and new.pop("target") == "loaded-term"
    assert old == new
    assert "regime" in runs["loaded-term"].stdout_text
    assert "deprecated" in runs["loaded-terms"].stderr_text and "deprecated" not in runs["loaded-term"].stderr_text


def test_disable_by_check_name_is_unchanged():
    found, _ = _findings("--disable", "loaded-term")
    assert found and not any(rid.startswith("loaded-term/") for rid, _, _ in found)
