"""HTML drafts (.html, .htm) are linted like Markdown: the prose only (tags,
scripts, styles, comments and the head skipped), entities read as their
characters, positions exact in the file.  Through the CLI and an LSP client."""
from __future__ import annotations

import json

import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from conftest import run_cli
from lsp_helpers import file_uri, open_doc, server_config, start_session, wait_diagnostics

PAGE = """\
<!DOCTYPE html>
<html lang="en"><head><title>The regime falls</title>
<meta name="description" content="thugs and the regime">
<style>p::before { content: "regime"; } /* thugs */</style>
<script>const label = "terrorists"; // the regime's thugs</script></head>
<body>
<!-- an editor's note about the regime -->
<h1>Aleppo&rsquo;s week</h1>
<p>The regime&rsquo;s forces withdrew as &ldquo;terrorists&rdquo; &mdash; in Ḥalab 🙂 &mdash; the thugs <em>fled</em>
at dawn.</p><p data-note="blitzkrieg">Officials said the talks would resume on Monday, according to the foreign ministry.</p>
<!-- copydesk-disable-next-line loaded-term/jihadist -->
<p>Jihadists were seen.</p>
<pre><code>var blitzkrieg = 1;</code></pre>
</body></html>
"""


def _findings(proc):
    assert proc.stdout_text.strip(), proc.stderr_text
    return json.loads(proc.stdout_text)["findings"]


def _where(text: str, needle: str) -> tuple[int, int]:
    at = text.index(needle)
    line = text.count("\n", 0, at)
    return line + 1, at - (text.rfind("\n", 0, at) + 1) + 1


def test_html_draft_prose_only_at_exact_positions(tmp_path):
    (tmp_path / "copydesk.toml").write_text("", encoding="utf-8")
    (tmp_path / "story.html").write_text(PAGE, encoding="utf-8")
    found = _findings(run_cli("check", "--format", "json", "story.html", cwd=tmp_path))
    terms = sorted((f["rule_id"], f["line"], f["column"], f["text"]) for f in found
                   if f["rule_id"].startswith("loaded-term/"))
    assert terms == sorted([
        ("loaded-term/regime", *_where(PAGE, "regime&rsquo;s"), "regime"),
        ("loaded-term/terrorist", *_where(PAGE, "terrorists&rdquo;"), "terrorists"),
        ("loaded-term/thug", *_where(PAGE, "thugs <em>"), "thugs"),
    ])
    # A claim's range runs over the entities and inline tags in the file itself.
    claim = next(f for f in found if f["rule_id"] == "attribution/unattributed-claim")
    assert claim["text"].startswith("The regime&rsquo;s forces withdrew") and claim["text"].endswith("at dawn.")
    # Nothing from <head>, <style>, <script>, comments, attributes or code.
    lines = {f["line"] for f in found}
    assert lines <= {9, 10}


def test_html_and_htm_found_in_folders(tmp_path):
    (tmp_path / "copydesk.toml").write_text("", encoding="utf-8")
    drafts = tmp_path / "drafts"
    drafts.mkdir()
    (drafts / "a.html").write_text("<p>The regime fell.</p>\n", encoding="utf-8")
    (drafts / "b.htm").write_text("<p>The thugs left.</p>\n", encoding="utf-8")
    (drafts / "c.md").write_text("The regime fell.\n", encoding="utf-8")
    found = _findings(run_cli("check", "--format", "json", "drafts", cwd=tmp_path))
    assert sorted((f["path"], f["rule_id"], f["column"]) for f in found) == [
        ("drafts/a.html", "loaded-term/regime", 8), ("drafts/b.htm", "loaded-term/thug", 8),
        ("drafts/c.md", "loaded-term/regime", 5)]


@pytest_lsp.fixture(config=server_config())
async def client(lsp_client: LanguageClient, tmp_path):
    await start_session(lsp_client, tmp_path, {"debounce": 0})
    yield
    await lsp_client.shutdown_session()


async def test_html_draft_over_lsp_utf16_ranges(client: LanguageClient):
    uri = file_uri(client.tmp_path / "story.html")
    open_doc(client, uri, PAGE, language="html")
    diags = await wait_diagnostics(client, uri)
    by_code: dict = {}
    for d in diags:
        by_code.setdefault(d.code, []).append(d.range)
    assert by_code["loaded-term/regime"] == [_range_at(PAGE, "regime&rsquo;s", len("regime"))]
    assert by_code["loaded-term/terrorist"] == [_range_at(PAGE, "terrorists&rdquo;", len("terrorists"))]
    # After the emoji on the same line: UTF-16 columns (🙂 counts two).
    thugs = _range_at(PAGE, "thugs <em>", len("thugs"))
    assert by_code["loaded-term/thug"] == [thugs]
    assert thugs.start.character == PAGE.splitlines()[8].index("thugs") + 1
    assert set(by_code) <= {"loaded-term/regime", "loaded-term/terrorist", "loaded-term/thug",
                            "attribution/unattributed-claim"}


def _range_at(text: str, needle: str, length: int) -> types.Range:
    at = text.index(needle)
    line = text.count("\n", 0, at)
    start = at - (text.rfind("\n", 0, at) + 1)
    body = text.splitlines()[line]
    col = len(body[:start].encode("utf-16-le")) // 2
    return types.Range(types.Position(line, col), types.Position(line, col + length))
