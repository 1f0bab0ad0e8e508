"""Edits behind the code actions (attribution placeholder, directives),
on real text with curly quotes."""
from __future__ import annotations


from copydesk.findings import Applicability, Finding
from copydesk.lsp import actions
from copydesk.text.document import Document

from conftest import lint
from lsp_helpers import apply_edits


def _placeholder(text: str, needle: str) -> str:
    """The attribution check's placeholder fix for the finding at ``needle``,
    offered as a quick fix and applied as the editor would."""
    result = lint(text)
    start = text.index(needle)
    (finding,) = [f for f in result.findings if f.rule_id.startswith("attribution/") and f.start <= start < f.end]
    (fix,) = [x for x in finding.fixes if x.applicability is Applicability.DISPLAY_ONLY]
    acts = actions.code_actions("file:///d.md", 1, result.document, result, start, start, lambda f: [], "utf-16")
    (act,) = [a for a in acts if a.title == fix.title]
    assert act.title.startswith("Insert an attribution placeholder")
    return apply_edits(text, act.edit.document_changes[0].edits)


def test_placeholder_goes_at_the_end_of_the_claims_sentence():
    text = "Aleppo fell 🙂. The fighting has left over 500 deaths. Aid is short.\n"
    assert _placeholder(text, "over 500 deaths") == (
        "Aleppo fell 🙂. The fighting has left over 500 deaths, according to [SOURCE]. Aid is short.\n")


def test_placeholder_after_a_quote_names_a_speaker():
    text = "Rebels advanced.\n\n“We will not retreat from Ḥalab.”\n"
    assert _placeholder(text, "We will not") == (
        "Rebels advanced.\n\n“We will not retreat from Ḥalab,” [SOURCE] said.\n")
    text = "Rebels advanced 🙂.\n\n“Will they hold the city?”\n"
    assert "“Will they hold the city?” [SOURCE] said." in _placeholder(text, "Will they")


def test_the_placeholder_is_a_fix_of_the_check_so_every_format_carries_it():
    text = "The fighting has left over 500 deaths.\n"
    (finding,) = [f for f in lint(text).findings if f.rule_id == "attribution/unattributed-claim"]
    (fix,) = finding.fixes
    assert fix.applicability is Applicability.DISPLAY_ONLY and not fix.safe
    assert fix.edits[0].new_text == ", according to [SOURCE]"


def test_disable_line_keeps_indentation_and_crlf():
    text = "# T\r\n\r\n  > The regime’s army fell.\r\n"
    doc = Document(text, "d.md")
    f = Finding("loaded-term/regime", "warning", "m", text.index("regime"), text.index("regime") + 6)
    at, new = actions.disable_line_edit(doc, f)
    assert at == text.index("  > The")
    assert new == "  > <!-- copydesk-disable-next-line loaded-term/regime -->\r\n"
    fixed = text[:at] + new + text[at:]
    assert not [f for f in lint(fixed).findings if f.rule_id == "loaded-term/regime"]
    assert lint(fixed).model.paragraphs[-1].kind == "quote"  # still inside the quote


def test_disable_file_goes_after_front_matter():
    doc = Document("---\ntitle: x\n---\nThe regime.\n", "d.md")
    f = Finding("loaded-term/regime", "warning", "m", 20, 26)
    at, new = actions.disable_file_edit(doc, f)
    assert doc.text[:at] == "---\ntitle: x\n---\n" and new == "<!-- copydesk-disable loaded-term/regime -->\n"
    plain = Document("---\nThe regime.\n", "d.txt")
    assert actions.disable_file_edit(plain, f)[0] == 0
