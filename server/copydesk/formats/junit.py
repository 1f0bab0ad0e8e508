"""JUnit XML for CI dashboards: a test suite per file, a failing test case
per finding, one passing case for a clean file, an error case for a file that
could not be read, and one for each path that matched nothing ("copydesk
inputs")."""
from __future__ import annotations

import xml.etree.ElementTree as ET

from ..report import Report

NAME = "junit"

def _clean(text: str) -> str:
    """XML 1.0 cannot hold most control characters, even escaped."""
    return "".join(
        ch if ch in "\t\n\r" or (" " <= ch <= "\ud7ff") or ("\ue000" <= ch <= "\ufffd") or ord(ch) > 0xFFFF
        else f"\\x{ord(ch):02x}"
        for ch in text
    )


def build(report: Report) -> ET.Element:
    root = ET.Element("testsuites", name="copydesk")
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for fr in report.files:
        suite = ET.SubElement(root, "testsuite", name=_clean(fr.path))
        counts = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
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
            totals[k] += v
    if report.errors:
        # Paths that matched nothing, folders that could not be read: errors
        # of the run, not of a draft, in a suite of their own.
        suite = ET.SubElement(root, "testsuite", name="copydesk inputs")
        for e in report.errors:
            path, sep, _ = e.partition(": ")
            case = ET.SubElement(suite, "testcase", classname="copydesk inputs", name=_clean(path if sep else e))
            err = ET.SubElement(case, "error", message=_clean(e), type="input-error")
            err.text = _clean(e)
        n = len(report.errors)
        for k, v in {"tests": n, "failures": 0, "errors": n, "skipped": 0}.items():
            suite.set(k, str(v))
            totals[k] += v
    for k, v in totals.items():
        root.set(k, str(v))
    return root


def render(report: Report, out, *, color: bool = False, options: dict | None = None) -> None:
    tree = ET.ElementTree(build(report))
    ET.indent(tree)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(ET.tostring(tree.getroot(), encoding="unicode"))
    out.write("\n")
