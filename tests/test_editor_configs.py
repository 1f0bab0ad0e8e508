"""The configs shipped for editors this machine cannot run (Helix, Sublime Text,
Zed): well-formed, and they start `copydesk serve` for Markdown and text."""
from __future__ import annotations

import json
import re

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from conftest import ROOT

EDITORS = ROOT / "editors"


def _jsonc(text: str):
    """JSON with // comments (Sublime Text and Zed settings)."""
    return json.loads(re.sub(r'^\s*//.*$|(?<=[,{\[])\s*//.*$', "", text, flags=re.M))


def test_helix_languages_toml():
    data = tomllib.loads((EDITORS / "helix" / "languages.toml").read_text(encoding="utf-8"))
    server = data["language-server"]["copydesk"]
    assert [server["command"], *server["args"]] == ["copydesk", "serve"]
    langs = {lang["name"]: lang for lang in data["language"]}
    assert "copydesk" in langs["markdown"]["language-servers"]
    text = langs["copydesk-text"]
    assert text["file-types"] == ["txt"] and text["language-id"] == "plaintext"


def test_sublime_lsp_client():
    data = _jsonc((EDITORS / "sublime" / "LSP-copydesk.sublime-settings").read_text(encoding="utf-8"))
    client = data["clients"]["copydesk"]
    assert client["command"] == ["copydesk", "serve"] and client["enabled"]
    assert "text.html.markdown" in client["selector"] and "text.plain" in client["selector"]


def test_zed_settings():
    data = _jsonc((EDITORS / "zed" / "settings.json").read_text(encoding="utf-8"))
    binary = data["lsp"]["copydesk"]["binary"]
    assert [binary["path"], *binary["arguments"]] == ["copydesk", "serve"]
    for language in ("Markdown", "Plain Text"):
        assert data["languages"][language]["language_servers"][0] == "copydesk"


def test_every_editor_folder_has_a_readme():
    for folder in EDITORS.iterdir():
        if folder.is_dir():
            assert (folder / "README.md").is_file(), folder


def test_vscode_settings_that_choose_a_program_are_not_taken_from_an_untrusted_workspace():
    """A workspace's .vscode/settings.json must not pick the program the
    extension runs when the folder is not trusted (VS Code's Restricted
    Mode): the extension declares limited support and restricts them."""
    package = json.loads((EDITORS / "vscode" / "package.json").read_text(encoding="utf-8"))
    untrusted = package["capabilities"]["untrustedWorkspaces"]
    assert untrusted["supported"] == "limited" and untrusted["description"]
    assert set(untrusted["restrictedConfigurations"]) >= {"copydesk.interpreter", "copydesk.importStrategy"}
    props = package["contributes"]["configuration"]["properties"]
    # Every setting that names something to execute is restricted.
    executable = {k for k, v in props.items() if k.endswith(("interpreter", "importStrategy", "command", "path"))}
    assert executable <= set(untrusted["restrictedConfigurations"])
