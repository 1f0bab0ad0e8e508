"""Findings -> LSP diagnostics: evidence in corpus files becomes
relatedInformation with file URIs and 0-based UTF-16 ranges."""
from __future__ import annotations

from lsprotocol import types

from copydesk.findings import Evidence, Finding
from copydesk.lsp.convert import diagnostic, rule_error_diagnostic
from copydesk.rules.model import Rule, RuleError
from copydesk.text.document import Document


def test_related_information_points_into_corpus_files(tmp_path):
    corpus = tmp_path / "corpus" / "afp.txt"
    corpus.parent.mkdir()
    corpus.write_text("Headline 🙂\nThe “monitor” 🛰 counted over 412 deaths on Sunday.\n", encoding="utf-8")
    line = corpus.read_text(encoding="utf-8").split("\n")[1]
    col = line.index("over 412") + 1  # 1-based characters
    ev = Evidence(str(corpus), 2, col, "over 412 deaths", "the corpus says over 412 deaths",
                  end_column=col + len("over 412 deaths"), meta=(("outlet", "AFP"),))
    text = "🙂 The fighting left over 500 deaths.\n"
    doc = Document(text, "draft.md")
    start = text.index("over 500")
    f = Finding("figures/figure-mismatch", "warning", "500 vs 412", start, start + len("over 500 deaths"),
                related=(ev,), data={"corpus_figure": "412"})
    rule = Rule("figures/figure-mismatch", "figures", "warning", "m", link="https://example.org/figures")
    d = diagnostic(doc, f, rule, "utf-16")
    assert d.range.start == types.Position(0, text.index("over 500") + 1)  # the emoji is 2 UTF-16 units
    assert d.code == "figures/figure-mismatch" and d.code_description.href == "https://example.org/figures"
    (rel,) = d.related_information
    assert rel.location.uri == corpus.resolve().as_uri()
    utf16 = lambda s: len(s.encode("utf-16-le")) // 2  # noqa: E731
    start16 = utf16(line[:col - 1])
    assert rel.location.range == types.Range(types.Position(1, start16),
                                             types.Position(1, start16 + len("over 412 deaths")))
    assert "AFP" in rel.message and "412" in rel.message
    assert d.data["finding"] == {"corpus_figure": "412"}


def test_rule_errors_become_ranges_in_the_rule_file(tmp_path):
    pack = tmp_path / "p.yml"
    pack.write_text("rules:\n  - id: “x” 🙂\n    check: nope\n", encoding="utf-8")
    d = rule_error_diagnostic(RuleError(str(pack), 3, 12, "unknown check kind 'nope'"), "utf-16")
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range.start == types.Position(2, 11)
    assert d.range.end == types.Position(2, len("    check: nope"))  # to the end of the line
