"""Rule ids and check names named in settings (``disable``, ``enable``,
``[severity]``, ``checks``) checked against the loaded rule set, so a typo is
an error with a suggestion instead of a silent no-op.

A pattern is known when it names something the loaded packs define (the
bundled ones and any house pack): a rule id, a check namespace (``figures``,
``figures/*``), or a glob that matches at least one rule id.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from .model import RuleError, RuleSet

# The settings that name rules, in the order they are reported.
KEYS = ("disable", "enable", "severity", "checks")


@dataclass(frozen=True)
class IdProblem:
    key: str  # "disable", "enable", "severity" or "checks"
    pattern: str
    message: str  # "unknown rule id 'x'; did you mean y?"
    location: tuple[str, int, int] | None = None  # (config file, line, column) when it came from one

    def error(self) -> RuleError:
        path, line, col = self.location or ("", 1, 1)
        return RuleError(path, line, col, self.message, line, col + len(self.pattern) + 2)


def namespaces(ruleset: RuleSet) -> set[str]:
    """The id prefixes ("loaded-term", "figures"): what ``checks`` and a bare
    ``disable`` entry match."""
    return {rule.id.split("/", 1)[0] for rule in ruleset.rules.values() if "/" in rule.id}


def unknown_message(pattern: str, ruleset: RuleSet, key: str = "disable") -> str | None:
    """None when ``pattern`` names a loaded rule, check or matches one;
    else what is wrong, with the closest known names."""
    ids = ruleset.rules
    spaces = namespaces(ruleset)
    bare = pattern.rstrip("*").rstrip("/") if pattern.endswith(("/*", "/")) else pattern
    if pattern in ids:
        return None
    if key == "checks" or "/" not in bare:
        if bare in spaces or any(r.startswith(bare + "/") for r in ids):
            return None
        return f"unknown check '{pattern}'" + _suggest(bare, sorted(spaces))
    if any(c in pattern for c in "*?["):
        if any(fnmatch.fnmatchcase(r, pattern) for r in ids):
            return None
        return f"'{pattern}' matches no rule id" + _suggest(pattern, sorted(ids))
    return f"unknown rule id '{pattern}'" + _suggest(pattern, sorted(ids) + sorted(spaces))


def _suggest(word: str, candidates: list[str]) -> str:
    import difflib  # only for a typo: not at every start-up

    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f"; did you mean {close[0]}?" if close else "; see copydesk rules list"


def config_problems(config, ruleset: RuleSet) -> list[IdProblem]:
    """Every unknown id/check name in a config's rule settings.  Those read
    from a config file carry its location; the others came from a
    front-end (command-line flags, editor settings), which labels them.
    Nothing is reported while the rule files have errors of their own (their
    ids may be the ones missing)."""
    if ruleset.errors:
        return []
    where = {(key, pattern): (config.path, line, col) for key, pattern, line, col in config.locations}
    out = []
    for key in KEYS:
        values = getattr(config, key)
        if values is None:
            continue
        patterns = [p for p, _ in values] if key == "severity" else list(values)
        for pattern in dict.fromkeys(patterns):
            message = unknown_message(pattern, ruleset, key)
            if message is not None:
                out.append(IdProblem(key, pattern, message, where.get((key, pattern))))
    return out
