"""Incremental == full: random incremental edits through a real client, and
after every change the server's published diagnostics equal a fresh full
lint of the text the editor holds.  (bench/fuzz_lsp.py runs 10,000 edits.)"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lsprotocol import types
from pygls.uris import to_fs_path

from lsp_fuzzing import PIECES, Edit, FullLint, ServerSession, ranges_hold_their_match, snap

pieces = st.lists(st.sampled_from(PIECES) | st.text(st.sampled_from("ab \n\r\t“”’🙂é—\u2028"), max_size=4),
                  max_size=10).map("".join)
documents = st.one_of(
    st.just(""),
    st.lists(st.sampled_from(PIECES), max_size=60).map("".join),
    st.just("# Aleppo 🙂\r\n\r\nThe regime’s forces withdrew, the Observatory said.\r\n\r\n"
            "Critics called it a “blitzkrieg”.\tJihadists 👩‍👩‍👧 claimed the town.\r\n"),
)


@st.composite
def edit_for(draw, doc: str) -> Edit:
    kind = draw(st.sampled_from(["insert", "delete", "replace", "replace-lines"]))
    a = snap(doc, draw(st.integers(0, len(doc))))
    if kind == "insert":
        b = a
    elif kind == "replace-lines":  # from one line into another
        b = snap(doc, draw(st.integers(a, len(doc))))
    else:
        b = snap(doc, draw(st.integers(a, min(len(doc), a + 40))))
    text = "" if kind == "delete" else draw(pieces)
    return Edit(a, max(a, b), text)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    workspace = tmp_path_factory.mktemp("fuzz-ws")
    (workspace / "copydesk.toml").write_text("", encoding="utf-8")
    session = ServerSession(workspace)
    yield session
    session.close()


@pytest.fixture(scope="module")
def full_lint():
    return FullLint()


def _check(server, full_lint, uri, text, step):
    got = server.published(uri)
    assert got is not None, f"no diagnostics published after {step}"
    assert got == full_lint.diagnostics(text, to_fs_path(uri)), f"after {step}, text={text!r}"
    assert not ranges_hold_their_match(text, got), f"after {step}, text={text!r}"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(start=documents, data=st.data())
def test_incremental_edits_match_a_full_lint(server, full_lint, start, data):
    uri = server.new_uri()
    server.open(uri, start)
    text = start
    _check(server, full_lint, uri, text, "open")
    for step in range(data.draw(st.integers(1, 12), label="steps")):
        # One notification may carry several changes, applied in order.
        changes = []
        for _ in range(data.draw(st.integers(1, 3), label="changes")):
            if data.draw(st.integers(0, 20), label="whole") == 0:
                text = data.draw(st.sampled_from(["", text[: len(text) // 2], text + "\r\nThe regime fell."]))
                changes.append(types.TextDocumentContentChangeWholeDocument(text=text))
                continue
            edit = data.draw(edit_for(text), label="edit")
            changes.append(edit.change(text))
            text = edit.apply(text)
        server.change(uri, changes)
        _check(server, full_lint, uri, text, f"change {step + 1}")
    server.close_doc(uri)
    assert not server.errors_logged()
