"""User-supplied regular expressions, compiled with RE2.

RE2 matches in linear time, so a pattern such as ``(a+)+$`` from a rule file
cannot hang the linter (Python's ``re`` would backtrack for hours).
"""
from __future__ import annotations

from functools import lru_cache

import re2

_OPTIONS = re2.Options()
_OPTIONS.log_errors = False
_OPTIONS.max_mem = 8 << 20  # bound the compiled program; huge patterns fail cleanly


class PatternError(ValueError):
    pass


@lru_cache(maxsize=512)
def compile_user_regex(pattern: str, ignore_case: bool = True):
    """Compile or raise PatternError with RE2's reason."""
    source = f"(?i){pattern}" if ignore_case else pattern
    try:
        return re2.compile(source, _OPTIONS)
    except Exception as e:  # re2.error's type differs across versions
        reason = e.args[0] if e.args else str(e)
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        hint = ""
        if any(k in reason for k in ("invalid escape sequence: \\", "invalid perl operator: (?<", "invalid perl operator: (?=",
                                     "invalid perl operator: (?!")):
            hint = " (patterns use RE2 syntax: no backreferences or lookaround)"
        raise PatternError(f"invalid regular expression {pattern!r}: {reason}{hint}") from None


def compile_user_set(patterns: list[str], ignore_case: bool = True):
    """One RE2 set of already validated patterns: a single pass over a text
    says which of them match anywhere in it (``set.Match(text)`` -> indexes
    or None), so a check with many patterns scans a paragraph once.  None
    when RE2 cannot build the set within its memory bound: run each
    pattern instead."""
    try:
        st = re2.Set.SearchSet(_OPTIONS)
        for p in patterns:
            st.Add(f"(?i){p}" if ignore_case else p)
        st.Compile()
    except Exception:
        return None
    return st
