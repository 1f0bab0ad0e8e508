"""The one front-matter reader: a YAML (``---``) or TOML (``+++``) block at
the very start of a Markdown draft or a corpus article, closed by the same
fence (or ``...`` for YAML).  The linter skips it, the editor's "disable for
this file" action inserts after it, the corpus reads title/outlet/date/url
from it."""
from __future__ import annotations

import re
from dataclasses import dataclass

_OPEN = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\r?\n")
_CLOSE = {fence: re.compile(rf"^(?:{re.escape(fence)}|\.\.\.)[ \t]*(?:\r?\n|$)", re.M) for fence in ("---", "+++")}


@dataclass(frozen=True)
class FrontMatter:
    end: int  # offset just after the closing fence's line
    body: str  # the YAML or TOML between the fences
    fence: str  # "---" (YAML) or "+++" (TOML)

    def data(self) -> dict:
        """The block parsed ({} when it is not a mapping or does not parse)."""
        try:
            if self.fence == "+++":
                try:
                    import tomllib
                except ModuleNotFoundError:  # Python 3.10
                    import tomli as tomllib
                return tomllib.loads(self.body)
            import yaml

            # Safe loading (no tags, no objects), in libyaml's C loader when
            # installed: the report page reads a thousand headers.
            data = yaml.load(self.body, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        except Exception:  # a broken header is no metadata, never a crash
            return {}
        return data if isinstance(data, dict) else {}


def front_matter(text: str) -> FrontMatter | None:
    m = _OPEN.match(text)
    if not m:
        return None
    fence = m.group(1)
    c = _CLOSE[fence].search(text, m.end())
    if not c:
        return None
    return FrontMatter(c.end(), text[m.end():c.start()], fence)
