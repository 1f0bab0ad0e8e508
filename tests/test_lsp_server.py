"""The language server end to end, through a real LSP client (pytest-lsp)."""
from __future__ import annotations

import asyncio

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import (RULES_OK, apply_edits, change_doc, file_uri, find_range, open_doc, server_config,
                         start_session, wait_diagnostics, watched_file_changed)

DRAFT = (
    "# Aleppo 🙂 falls\n"
    "\n"
    "Rebels led by Hayat Tahrir al-Sham — “HTS” — entered Aleppo 🚀 on Friday, the Syrian "
    "Observatory said. The regime’s forces withdrew.\n"
    "\n"
    "Critics called it a blitzkrieg.\n"
)


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0})
    yield
    await lsp_client.shutdown_session()


def by_code(diags):
    return {d.code: d for d in diags}


async def test_open_publishes_diagnostics_with_utf16_ranges(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    diags = await wait_diagnostics(client, uri)
    found = by_code(diags)
    assert set(found) >= {"loaded-term/regime", "loaded-term/blitzkrieg"}
    regime = found["loaded-term/regime"]
    assert regime.range == find_range(DRAFT, "regime’s")
    assert regime.source == "copydesk"
    assert regime.severity == types.DiagnosticSeverity.Warning
    assert regime.code_description.href.startswith("https://")
    assert regime.data["ruleId"] == "loaded-term/regime"
    assert regime.data["fixes"][0] == "Replace “regime” with “government”"
    assert regime.data["finding"]["suggestions"] == ["government", "authorities", "administration"]


async def test_plaintext_and_other_language_ids(client: LanguageClient):
    txt = file_uri(client.tmp_path / "wire.txt")
    open_doc(client, txt, "The regime said nothing 🙂 about the blitzkrieg.\n", language="plaintext")
    assert {d.code for d in await wait_diagnostics(client, txt)} == {"loaded-term/regime", "loaded-term/blitzkrieg"}
    # Languages the server is not configured for are left alone.
    py = file_uri(client.tmp_path / "script.py")
    open_doc(client, py, "regime = 1\n", language="python")
    open_doc(client, txt + ".md", "The regime.\n")
    await wait_diagnostics(client, txt + ".md")
    assert py not in client.diagnostics


async def test_incremental_edit_shifts_ranges(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    await wait_diagnostics(client, uri)
    # Insert an emoji and an em dash before "regime’s" on the same line.
    at = find_range(DRAFT, "The regime’s").start
    change_doc(client, uri, 2, types.Range(at, at), "🙂— ")
    text = DRAFT.replace("The regime’s", "🙂— The regime’s")
    diags = await wait_diagnostics(client, uri)
    assert by_code(diags)["loaded-term/regime"].range == find_range(text, "regime’s")
    # A new line above moves every finding down one line.
    top = types.Position(0, 0)
    change_doc(client, uri, 3, types.Range(top, top), "Ḥalab — “Aleppo”\n")
    text = "Ḥalab — “Aleppo”\n" + text
    diags = await wait_diagnostics(client, uri)
    assert by_code(diags)["loaded-term/blitzkrieg"].range == find_range(text, "blitzkrieg")
    # Deleting the term removes its finding.
    change_doc(client, uri, 4, find_range(text, " The regime’s forces withdrew."), "")
    diags = await wait_diagnostics(client, uri)
    assert "loaded-term/regime" not in by_code(diags)


async def test_save_and_close(client: LanguageClient):
    path = client.tmp_path / "saved.md"
    path.write_text(DRAFT, encoding="utf-8")
    uri = file_uri(path)
    open_doc(client, uri, DRAFT)
    await wait_diagnostics(client, uri)
    client.diagnostics.pop(uri)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert {d.code for d in await wait_diagnostics(client, uri)} >= {"loaded-term/regime"}
    client.diagnostics.pop(uri)
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    assert list(await wait_diagnostics(client, uri)) == []


async def test_quick_fix_applies_and_finding_goes_away(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    diags = await wait_diagnostics(client, uri)
    regime = by_code(diags)["loaded-term/regime"]
    result = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=regime.range,
        context=types.CodeActionContext(diagnostics=[regime])))
    titles = [a.title for a in result]
    assert "Replace “regime” with “government”" in titles
    assert "Disable loaded-term/regime for this line" in titles
    assert "Disable loaded-term/regime for this file" in titles
    fix = next(a for a in result if a.title == "Replace “regime” with “government”")
    assert fix.kind == types.CodeActionKind.QuickFix and fix.is_preferred
    assert fix.diagnostics[0].code == "loaded-term/regime"
    (doc_edit,) = fix.edit.document_changes
    assert doc_edit.text_document.version == 1
    fixed = apply_edits(DRAFT, doc_edit.edits)
    assert "The government’s forces withdrew." in fixed
    change_doc(client, uri, 2, None, fixed)
    assert "loaded-term/regime" not in by_code(await wait_diagnostics(client, uri))


async def test_disable_actions_insert_directives(client: LanguageClient):
    text = "---\ntitle: t\n---\n# Head\n\n  - The regime fell 🙂.\n  - The regime’s army.\n"
    uri = file_uri(client.tmp_path / "list.md")
    open_doc(client, uri, text)
    diags = await wait_diagnostics(client, uri)
    first = diags[0]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=first.range,
        context=types.CodeActionContext(diagnostics=[first])))
    line_fix = next(a for a in actions if a.title.endswith("for this line"))
    after_line = apply_edits(text, line_fix.edit.document_changes[0].edits)
    assert "\n  <!-- copydesk-disable-next-line loaded-term/regime -->\n  - The regime fell" in after_line
    file_fix = next(a for a in actions if a.title.endswith("for this file"))
    after_file = apply_edits(text, file_fix.edit.document_changes[0].edits)
    assert after_file.startswith("---\ntitle: t\n---\n<!-- copydesk-disable loaded-term/regime -->\n# Head")
    change_doc(client, uri, 2, None, after_line)
    left = [d for d in await wait_diagnostics(client, uri) if d.code == "loaded-term/regime"]
    assert [d.range.start.line for d in left] == [7]  # only the other item
    change_doc(client, uri, 3, None, after_file)
    assert "loaded-term/regime" not in by_code(await wait_diagnostics(client, uri))


async def test_hover_shows_rule_rationale_and_link(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    diags = await wait_diagnostics(client, uri)
    regime = by_code(diags)["loaded-term/regime"]
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=regime.range.start))
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "loaded-term/regime" in hover.contents.value
    assert "pejorative" in hover.contents.value  # the rule's rationale
    assert "https://www.bbc.co.uk/" in hover.contents.value
    assert hover.range == regime.range
    nothing = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(4, 0)))
    assert nothing is None or "loaded-term" not in nothing.contents.value


async def test_did_change_configuration_disables_rule_and_sets_severity(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    assert "loaded-term/regime" in by_code(await wait_diagnostics(client, uri))
    client.diagnostics.pop(uri)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings={"copydesk": {
        "debounce": 0, "disable": ["loaded-term/regime"], "severity": {"loaded-term/blitzkrieg": "error"}}}))
    diags = by_code(await wait_diagnostics(client, uri))
    assert "loaded-term/regime" not in diags
    assert diags["loaded-term/blitzkrieg"].severity == types.DiagnosticSeverity.Error
    # Settings that come through workspace/configuration (settings: null).
    client.set_configuration({"debounce": 0, "checks": ["attribution"]}, section="copydesk")
    client.diagnostics.pop(uri)
    client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    diags = by_code(await wait_diagnostics(client, uri))
    assert not any(code.startswith("loaded-term/") for code in diags)



def _house_pack(folder):
    """A house rule folder with one good pack, named by copydesk.toml."""
    rules = folder / "house"
    rules.mkdir()
    pack = rules / "house.yml"
    pack.write_text(RULES_OK)
    (folder / "copydesk.toml").write_text('rules = ["house/"]\n')
    return rules, pack


async def test_rule_file_errors_keep_last_good_rules(client: LanguageClient):
    rules, pack = _house_pack(client.tmp_path)
    uri = file_uri(client.tmp_path / "draft.md")
    text = "Hooligans 🙂 attacked the regime.\n"
    open_doc(client, uri, text)
    assert "loaded-term/hooligan" in by_code(await wait_diagnostics(client, uri))
    for _ in range(200):
        watched = [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
        if watched and any(isinstance(w["globPattern"], dict) and w["globPattern"]["baseUri"] == file_uri(rules)
                           for w in watched[-1].register_options["watchers"]):
            break
        await asyncio.sleep(0.02)
    else:
        raise AssertionError(f"rule folder not watched: {client.registrations}")

    pack.write_text(RULES_OK.replace("    terms: [hooligan]\n", "    terms: [hooligan\n    colour: red\n"))
    pack_uri = file_uri(pack)
    client.diagnostics.pop(uri, None)
    watched_file_changed(client, pack_uri)
    errors = await wait_diagnostics(client, pack_uri)
    assert errors and errors[0].severity == types.DiagnosticSeverity.Error
    assert "YAML" in errors[0].message and errors[0].range.start.line >= 4
    assert any("keeping the last good rules" in m.message for m in client.messages)
    # The draft still gets the last good rules.
    assert "loaded-term/hooligan" in by_code(await wait_diagnostics(client, uri))

    # Fixed: the rule file's diagnostics clear and the new rule applies.
    pack.write_text(RULES_OK.replace("[hooligan]", "[hooligan, goon]"))
    client.diagnostics.pop(uri, None)
    client.diagnostics.pop(pack_uri, None)
    watched_file_changed(client, pack_uri)
    assert list(await wait_diagnostics(client, pack_uri)) == []
    await wait_diagnostics(client, uri)
    change_doc(client, uri, 2, None, "Goons 🙂 attacked.\n")
    assert "loaded-term/hooligan" in by_code(await wait_diagnostics(client, uri))


async def test_one_save_of_a_broken_rule_file_shows_one_message(client: LanguageClient):
    """The editor's didSave and its file watcher's event for the same write
    are one change: one reload, one error message."""
    rules, pack = _house_pack(client.tmp_path)
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, "Hooligans attacked.\n")
    assert "loaded-term/hooligan" in by_code(await wait_diagnostics(client, uri))
    pack_uri = file_uri(pack)
    open_doc(client, pack_uri, RULES_OK, language="yaml")
    broken = RULES_OK.replace("    terms: [hooligan]\n", "    terms: [hooligan\n    colour: red\n")
    pack.write_text(broken)
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=pack_uri)))
    watched_file_changed(client, pack_uri)
    await _wait_message(client, "YAML syntax error")
    # A second, different write is a change again.  Reloads run one after the
    # other in the order of the events, so once its message is shown, a
    # second reload of the first write would have shown its message too.
    pack.write_text(RULES_OK.replace("check: loaded-term", "check: no-such-check"))
    watched_file_changed(client, pack_uri)
    await _wait_message(client, "no-such-check")
    shown = [m.message for m in client.messages if "problem(s) in rule files" in m.message]
    assert len(shown) == 2 and "YAML syntax error" in shown[0] and "no-such-check" in shown[1], shown


async def _wait_message(client, text: str, timeout: float = 60) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not any(text in m.message for m in client.messages):
        if loop.time() > deadline:
            raise TimeoutError(f"no message with {text!r}: {[m.message for m in client.messages]}")
        await asyncio.sleep(0.02)


async def test_unrelated_yaml_changes_do_not_reload(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    await wait_diagnostics(client, uri)
    workflow = client.tmp_path / ".github" / "ci.yml"
    workflow.parent.mkdir()
    workflow.write_text("on: [push]\n")
    client.diagnostics.pop(uri)
    watched_file_changed(client, file_uri(workflow), types.FileChangeType.Created)
    await asyncio.sleep(0.5)
    assert uri not in client.diagnostics  # nothing was rebuilt or re-published


async def test_attribution_placeholder_action_resolves_the_finding(client: LanguageClient):
    text = ("Rebels took Ḥalab 🙂.\n\nThe fighting has killed more than 500 people, including 61 civilians.\n\n"
            "“We will not retreat from the city.”\n")
    uri = file_uri(client.tmp_path / "claims.md")
    open_doc(client, uri, text)
    diags = by_code(await wait_diagnostics(client, uri))
    assert {"attribution/unattributed-claim", "attribution/unattributed-quote"} <= set(diags)
    version = 1
    for code, expected in [("attribution/unattributed-claim", "500 people, including 61 civilians, according to [SOURCE]."),
                           ("attribution/unattributed-quote", "“We will not retreat from the city,” [SOURCE] said.")]:
        diag = by_code(client.diagnostics[uri])[code]
        actions = await client.text_document_code_action_async(types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=uri), range=diag.range,
            context=types.CodeActionContext(diagnostics=[diag])))
        act = next(a for a in actions if a.title.startswith("Insert an attribution placeholder"))
        text = apply_edits(text, act.edit.document_changes[0].edits)
        assert expected in text
        version += 1
        change_doc(client, uri, version, None, text)
        assert code not in by_code(await wait_diagnostics(client, uri))


async def test_a_language_pack_named_in_the_config_reloads_when_edited(client: LanguageClient):
    import yaml

    from conftest import RULES

    data = yaml.safe_load((RULES / "language" / "en.yml").read_text(encoding="utf-8"))
    pack = client.tmp_path / "house-english.yml"
    pack.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (client.tmp_path / "copydesk.toml").write_text('language = "house-english.yml"\n')
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, "“The regime will fall soon enough,” the crowd chanted 🙂.\n")
    assert "loaded-term/regime" in by_code(await wait_diagnostics(client, uri))  # no speaker: the writer's word
    data["lexicons"]["reporting_verbs"].append("chanted")
    pack.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    client.diagnostics.pop(uri, None)
    watched_file_changed(client, file_uri(pack))
    assert "loaded-term/regime" not in by_code(await wait_diagnostics(client, uri))  # the crowd's word now
