"""Clients that cannot watch files for the server (no
workspace/didChangeWatchedFiles registration, as Neovim 0.7): the server
polls the rule, config and corpus files it uses and reloads on a change,
once.  Through a real LSP client (pytest-lsp) with such capabilities."""
from __future__ import annotations

import asyncio
import os

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from lsp_helpers import file_uri, open_doc, push_capabilities, server_config, start_session

PACK = """\
rules:
  - id: house/hooligan
    check: loaded-term
    severity: info
    terms: [{terms}]
    suggestions: [gunmen]
    message: "“{{match}}” is loaded; use {{suggestions}}."
"""
DRAFT = "Hooligans 🙂 attacked the depot. Goons fled.\n"


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    (tmp_path / "house").mkdir()
    (tmp_path / "house" / "house.yml").write_text(PACK.format(terms="hooligan"), encoding="utf-8")
    await start_session(lsp_client, tmp_path, {"debounce": 0, "pollInterval": 100},
                        capabilities=push_capabilities(watch=False))
    (tmp_path / "copydesk.toml").write_text('rules = ["house/"]\n', encoding="utf-8")
    yield
    await lsp_client.shutdown_session()


async def _until(client, uri, want, timeout=20.0):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        diags = client.diagnostics.get(uri)
        if diags is not None and want({(d.code, d.range.start.character) for d in diags}):
            return diags
        if loop.time() > deadline:
            raise AssertionError(f"diagnostics never matched: {diags}")
        await asyncio.sleep(0.05)


def _touch_later(path, text):
    # A later mtime even on filesystems with coarse timestamps.
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def _reloads(client):
    return [m.message for m in client.log_messages if "changed" in m.message and "reloading" in m.message]


async def test_rule_and_config_edits_reload_without_client_watching(client: LanguageClient):
    uri = file_uri(client.tmp_path / "draft.md")
    open_doc(client, uri, DRAFT)
    await _until(client, uri, lambda found: ("house/hooligan", 0) in found)
    assert not [r for r in client.registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]

    # A rule file edited: one reload, one message, the new term flagged.
    _touch_later(client.tmp_path / "house" / "house.yml", PACK.format(terms="hooligan, goon"))
    goons = DRAFT.index("Goons") + 1  # UTF-16: the emoji before counts two
    await _until(client, uri, lambda found: ("house/hooligan", goons) in found)
    await asyncio.sleep(0.5)  # a few more polls: nothing else changed
    reloads = _reloads(client)
    assert len(reloads) == 1 and "house.yml" in reloads[0], reloads

    # The config edited: the rule disabled.
    _touch_later(client.tmp_path / "copydesk.toml", 'rules = ["house/"]\ndisable = ["house/hooligan"]\n')
    await _until(client, uri, lambda found: not any(code == "house/hooligan" for code, _ in found))
    assert len(_reloads(client)) == 2 and "copydesk.toml" in _reloads(client)[1]

    # A new pack in the rule folder is seen too (the folder's own mtime).
    (client.tmp_path / "house" / "more.yml").write_text(
        PACK.format(terms="depot").replace("house/hooligan", "house/depot"), encoding="utf-8")
    os.utime(client.tmp_path / "house", ns=(0, os.stat(client.tmp_path / "house").st_mtime_ns + 4_000_000_000))
    await _until(client, uri, lambda found: any(code == "house/depot" for code, _ in found))


def test_a_file_edited_right_after_it_joins_the_watch_list_is_seen(tmp_path):
    """A new engine's rule file joins the list on the event loop; the polling
    thread takes it up to an interval later.  An edit in between (a user saving
    the pack the moment its first findings appear) is a change, not the
    baseline."""
    from copydesk.lsp.filepoll import FilePoller

    pack = tmp_path / "house.yml"
    pack.write_text("rules: []\n", encoding="utf-8")
    watched: list[str] = []
    seen: list[list[str]] = []

    async def scenario():
        loop = asyncio.get_running_loop()
        poller = FilePoller(lambda: list(watched), lambda paths, config: seen.append(paths), loop, interval=0.3)
        poller.start()
        await asyncio.sleep(0.5)  # the thread has taken its first (empty) baseline
        watched.append(str(pack))
        poller.refresh()  # a new engine reads the pack
        _touch_later(pack, "rules: []\n# edited\n")  # before the thread's next pass
        for _ in range(60):
            if seen:
                break
            await asyncio.sleep(0.05)
        poller.stop()

    asyncio.run(scenario())
    assert seen == [[str(pack)]]
