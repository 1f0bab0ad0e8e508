"""What the figures tests share: a corpus folder of articles written for a
test module, an engine over it, and a draft's figure findings."""
from __future__ import annotations

from copydesk.config import Config
from copydesk.engine import Engine
from copydesk.text.document import Document


def write_corpus(folder, articles: dict[str, str]) -> None:
    for name, text in articles.items():
        (folder / name).write_text(text, encoding="utf-8")


def corpus_engine(tmp_path_factory, articles: dict[str, str]) -> Engine:
    folder = tmp_path_factory.mktemp("corpus")
    write_corpus(folder, articles)
    return Engine(Config(corpus=(str(folder),), cache=str(tmp_path_factory.mktemp("cache"))))


def figure_findings(engine: Engine, body: str, day: str, title: str = "News"):
    """The draft's text (front matter dated ``day``) and its figure findings."""
    text = f"---\ntitle: {title}\ndate: {day}\n---\n\n{body}\n"
    result = engine.lint(Document(text, path="draft.md"))
    return text, [f for f in result.findings if f.rule_id.startswith("figures/")]


def cited(f) -> set[str]:
    """The corpus sentences a finding cites, whitespace folded."""
    return {" ".join(ev.text.split()) for ev in f.related}
