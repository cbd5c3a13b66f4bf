"""Strip page clutter (video teasers, cookie notices, read-more links) from article text; pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class ClutterRule:
    """A paragraph that matches `pattern` (case-insensitive, from its start) is page furniture."""

    name: str
    pattern: str


# The one place where clutter is defined: Dutch and English, matched against whole paragraphs.
CLUTTER_RULES: tuple[ClutterRule, ...] = (
    ClutterRule("video teaser", r"(?:BEKIJK|KIJK|VIDEO|WATCH)\s*[.:!]"),
    ClutterRule("read more", r"(?:LEES OOK|LEES MEER|OOK INTERESSANT|READ MORE|ALSO READ|RELATED)\s*[.:!]?\s"),
    ClutterRule("blocked embed (nl)", r"Je kan deze inhoud niet bekijken"),
    ClutterRule("blocked embed (nl)", r"U kunt deze inhoud niet bekijken"),
    ClutterRule("cookie notice (nl)", r".{0,200}\b(?:aanvaard|accepteer) (?:de )?cookies\b"),
    ClutterRule("cookie notice (nl)", r"Deze inhoud bevat cookies"),
    ClutterRule("cookie notice (en)", r".{0,200}\baccept (?:all )?cookies\b"),
    ClutterRule("blocked embed (en)", r"(?:This content is blocked|You can(?:no|')t (?:view|see) this content)"),
    ClutterRule(
        "newsletter",
        r"(?:Schrijf je in voor|Abonneer je op|Sign up for|Subscribe to) (?:onze|de|our|the) newsletter",
    ),
    ClutterRule("photo credit", r"(?:Foto|Beeld|Photo|Image)\s*:\s*\S[^.!?]{0,60}$"),
)

_COMPILED = tuple((rule, re.compile(rule.pattern, re.IGNORECASE | re.DOTALL)) for rule in CLUTTER_RULES)


def clutter_rule(paragraph: str) -> ClutterRule | None:
    """The rule that marks this paragraph as clutter, or None when it is article text."""
    text = paragraph.strip()
    for rule, regex in _COMPILED:
        if regex.match(text):
            return rule
    return None


def normalize_whitespace(paragraph: str) -> str:
    """Collapse runs of whitespace inside a paragraph to single spaces."""
    return re.sub(r"\s+", " ", paragraph).strip()


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs are separated by blank lines; each comes back whitespace-normalized."""
    parts = re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n"))
    return [p for p in (normalize_whitespace(part) for part in parts) if p]
