"""Render an Answer for people: terminal text with the sources below it."""

from __future__ import annotations

import textwrap

from bot.answer.types import Answer, Citation

LABELS = {
    "nl": {
        "sources": "Bronnen",
        "paragraph": "alinea",
        "section": "sectie",
        "related": "Verwant, maar dit staat er niet in",
    },
    "en": {
        "sources": "Sources",
        "paragraph": "paragraph",
        "section": "section",
        "related": "Related, but it does not say this",
    },
}


def source_line(citation: Citation, language: str) -> str:
    """'Title (date), paragraph 3, section Kernwapens' for one citation."""
    labels = LABELS.get(language, LABELS["nl"])
    where = f"{labels['paragraph']} {citation.paragraph}"
    if citation.section:
        where += f", {labels['section']} {citation.section}"
    date = f" ({citation.date})" if citation.date else ""
    return f"{citation.title}{date}, {where}"


def render_text(answer: Answer, width: int = 100) -> str:
    """The answer, wrapped, then one block per source with its quote."""
    lines = [textwrap.fill(f"({answer.note})", width), ""] if answer.note else []
    lines.append(textwrap.fill(answer.text, width))
    labels = LABELS.get(answer.language, LABELS["nl"])
    for label, citations in ((labels["sources"], answer.citations), (labels["related"], answer.related)):
        if citations:
            lines += ["", label + ":"]
            for c in citations:
                lines.append(f"[{c.n}] {source_line(c, answer.language)}  <{c.article_id}>")
                lines.append(textwrap.fill(f"“{c.quote}”", width, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines)
