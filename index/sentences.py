"""Split text into sentences as character spans, so quotes stay verbatim substrings."""

from __future__ import annotations

import re

# Dutch and English abbreviations that end in a period but do not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "bv",
        "bijv",
        "blz",
        "ca",
        "d.w.z",
        "dhr",
        "dr",
        "drs",
        "e.a",
        "e.d",
        "e.g",
        "enz",
        "etc",
        "fig",
        "i.e",
        "ing",
        "ir",
        "jl",
        "m.a.w",
        "mevr",
        "mr",
        "mrs",
        "ms",
        "nl",
        "no",
        "nr",
        "o.a",
        "p",
        "pag",
        "prof",
        "resp",
        "sr",
        "st",
        "t.a.v",
        "vs",
        "vgl",
        "z.g.a.n",
        "zr",  # "Zr. Ms. Karel Doorman", "Hr. Ms." (navy ships)
        "hr",
        "mw",
        "mgr",
        "ds",
        "lt",
        "kol",
        "jr",
        "inc",
        "ltd",
        "corp",
        "jan",
        "feb",
        "mrt",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "okt",
        "oct",
        "nov",
        "dec",
    ]
)

# A sentence ends at . ! ? or … (plus closing quotes/brackets) followed by whitespace and
# something that can start a sentence: an upper-case letter, a digit or an opening quote (Dutch news opens a
# quote with ",,": "Waarom zo trapsgewijs? ,,Omdat er niet genoeg vaccin is").
_BOUNDARY = re.compile(r"[.!?…]+[\"”’')\]]*(?=\s+(?:,,|[\"“‘'(\[])?[A-ZÀ-ÖØ-Þ0-9])")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each sentence in `text`, whitespace trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _BOUNDARY.finditer(text):
        end = match.end()
        word = re.search(r"(\S+)$", text[start : match.start() + 1])
        token = word.group(1).rstrip(".").lower() if word else ""
        if match.group(0).startswith(".") and (token in _ABBREVIATIONS or re.fullmatch(r"[a-z]", token)):
            continue
        _append(text, start, end, spans)
        start = end
    _append(text, start, len(text), spans)
    return spans


def split_sentences(text: str) -> list[str]:
    """The sentences of `text` as strings."""
    return [text[s:e] for s, e in sentence_spans(text)]


def _append(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))
