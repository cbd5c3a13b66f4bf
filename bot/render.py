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
        "updated": "bijgewerkt",
    },
    "en": {
        "sources": "Sources",
        "paragraph": "paragraph",
        "section": "section",
        "related": "Related, but it does not say this",
        "updated": "updated",
    },
}


def source_line(citation: Citation, language: str) -> str:
    """'Title (date, updated date), paragraph 3, section Kernwapens' for one citation."""
    labels = LABELS.get(language, LABELS["nl"])
    where = f"{labels['paragraph']} {citation.paragraph}"
    if citation.section:
        where += f", {labels['section']} {citation.section}"
    dates = [citation.date] if citation.date else []
    if citation.modified and citation.modified != citation.date:
        dates.append(f"{labels['updated']} {citation.modified}")
    date = f" ({', '.join(dates)})" if dates else ""
    return f"{citation.title}{date}, {where}"


def listed(citations: list[Citation]) -> list[Citation]:
    """The order sources are listed in: by number, but when they come from several articles, newest article
    first (by its update or publication date; the numbers stay as the answer uses them)."""
    if len({c.article_id for c in citations}) < 2:
        return citations
    return sorted(citations, key=lambda c: (c.modified or c.date or "", -c.n), reverse=True)


def render_text(answer: Answer, width: int = 100) -> str:
    """The answer, wrapped, then one block per source with its quote."""
    lines = [textwrap.fill(f"({answer.note})", width), ""] if answer.note else []
    lines.append(textwrap.fill(answer.text, width))
    labels = LABELS.get(answer.language, LABELS["nl"])
    for label, citations in ((labels["sources"], answer.citations), (labels["related"], answer.related)):
        if citations:
            lines += ["", label + ":"]
            for c in listed(citations):
                lines.append(f"[{c.n}] {source_line(c, answer.language)}  <{c.article_id}>")
                lines.append(textwrap.fill(f"“{c.quote}”", width, initial_indent="    ", subsequent_indent="    "))
    return "\n".join(lines)
