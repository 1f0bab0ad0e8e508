"""JUnit XML for CI dashboards: a test suite per file, a failing test case
per finding, one passing case for a clean file, an error case for a file that
could not be read, and one for each path that matched nothing ("copydesk
inputs")."""
from __future__ import annotations

import tempfile

from . import _jsonout

from ..report import Report


class _ElementTree:
    """``xml.etree.ElementTree``, imported when a JUnit report is written
    (the format registry imports every format at start-up)."""

    def __getattr__(self, name):
        import xml.etree.ElementTree as module

        return getattr(module, name)


ET = _ElementTree()

NAME = "junit"

def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped."""
    return "".join(
        ch if ch in "\t\n\r" or (" " <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ord(ch) > 0xFFFF
        else f"\\x{ord(ch):02x}"
        for ch in text
    )


_COUNTS = ("tests", "failures", "errors", "skipped")


def _suite(fr) -> tuple[ET.Element, dict]:
    suite = ET.Element("testsuite", name=_clean(fr.path))
    counts = dict.fromkeys(_COUNTS, 0)
    if fr.error:
        case = ET.SubElement(suite, "testcase", classname=_clean(fr.path), name="read draft")
        err = ET.SubElement(case, "error", message=_clean(fr.error), type="input-error")
        err.text = _clean(fr.error)
        counts["tests"] += 1
        counts["errors"] += 1
    for c in fr.failures:
        case = ET.SubElement(suite, "testcase", classname=_clean(fr.path), name=f"check {c.check}")
        err = ET.SubElement(case, "error", message=_clean(c.error), type="check-failure")
        err.text = _clean(c.error)
        counts["tests"] += 1
        counts["errors"] += 1
    for f in fr.findings:
        loc = fr.location(f)
        where = f"{fr.path}:{loc['line']}:{loc['column']}"
        case = ET.SubElement(
            suite, "testcase", classname=_clean(fr.path),
            name=_clean(f"{f.rule_id} at {loc['line']}:{loc['column']}"),
            file=_clean(fr.path), line=str(loc["line"]),
        )
        counts["tests"] += 1
        node = ET.SubElement(case, "failure", message=_clean(f.message), type=f.severity)
        node.text = _clean(f"{where}: {f.severity} [{f.rule_id}] {f.message}\n  {fr.matched(f)}")
        counts["failures"] += 1
    if not fr.error and not fr.findings and not fr.failures:
        ET.SubElement(suite, "testcase", classname=_clean(fr.path), name="no findings")
        counts["tests"] += 1
    for k, v in counts.items():
        suite.set(k, str(v))
    return suite, counts


def _inputs_suite(errors: list[str]) -> tuple[ET.Element, dict]:
    # Paths that matched nothing, folders that could not be read: errors
    # of the run, not of a draft, in a suite of their own.
    suite = ET.Element("testsuite", name="copydesk inputs")
    for e in errors:
        path, sep, _ = e.partition(": ")
        case = ET.SubElement(suite, "testcase", classname="copydesk inputs", name=_clean(path if sep else e))
        err = ET.SubElement(case, "error", message=_clean(e), type="input-error")
        err.text = _clean(e)
    n = len(errors)
    counts = {"tests": n, "failures": 0, "errors": n, "skipped": 0}
    for k, v in counts.items():
        suite.set(k, str(v))
    return suite, counts


class Stream:
    """The document written as drafts come: each draft's suite is serialised
    (indented as in the whole tree) to a temporary file; the root, whose
    attributes are the totals, is written at the end around them."""

    def __init__(self, out, *, color: bool = False, options: dict | None = None, rules=None, errors=None):
        self.out = out
        self.errors = list(errors or [])
        self.totals = dict.fromkeys(_COUNTS, 0)
        self.suites = 0
        self._fh = tempfile.TemporaryFile("w+", encoding="utf-8", newline="\n")

    def _put(self, suite: ET.Element, counts: dict) -> None:
        for k, v in counts.items():
            self.totals[k] += v
        ET.indent(suite, level=1)
        self._fh.write("\n  " + ET.tostring(suite, encoding="unicode"))
        self.suites += 1

    def add(self, fr) -> None:
        self._put(*_suite(fr))

    def close(self) -> None:
        try:
            if self.errors:
                self._put(*_inputs_suite(self.errors))
            root = ET.Element("testsuites", name="copydesk")
            for k, v in self.totals.items():
                root.set(k, str(v))
            empty = ET.tostring(root, encoding="unicode")  # <testsuites … />
            out = self.out
            out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
            if not self.suites:
                out.write(empty)
            else:
                out.write(empty[: -len(" />")] + ">")
                _jsonout.copy_spooled(self._fh, out)
                out.write("\n</testsuites>")
            out.write("\n")
        finally:
            self._fh.close()


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    stream = Stream(out, errors=report.errors)
    for fr in report.files:
        stream.add(fr)
    stream.close()
