"""Answers as Telegram HTML, and long HTML cut into messages of at most 4096 characters."""

from __future__ import annotations

import re
from html import escape

from bot.answer.types import Answer, Citation
from bot.render import LABELS, listed, source_line

TELEGRAM_LIMIT = 4096
_TAG = re.compile(r"<(/?)(\w+)[^>]*>")


def citation_html(citation: Citation, language: str) -> str:
    """'[1] <b>Title</b> (date), paragraph 3' and the quoted sentence below it."""
    return (
        f"[{citation.n}] {escape(source_line(citation, language))}\n<blockquote>{escape(citation.quote)}</blockquote>"
    )


def answer_html(answer: Answer) -> str:
    """The answer with its [n] markers, then the compact source list; every piece of text escaped."""
    parts = []
    if answer.note:
        parts.append(f"<i>{escape(answer.note)}</i>")
    short = answer.short_answer
    if short and answer.text.startswith(short):  # the short answer (a number, date or name) in bold
        parts.append(f"<b>{escape(short)}</b>{escape(answer.text[len(short) :])}")
    else:
        parts.append(escape(answer.text))
    labels = LABELS.get(answer.language, LABELS["nl"])
    if answer.citations:
        sources = "\n".join(citation_html(c, answer.language) for c in listed(answer.citations))
        parts.append(f"<b>{labels['sources']}</b>\n{sources}")
    if answer.related:  # a refusal's related passage: shown, and marked as not an answer
        related = "\n".join(citation_html(c, answer.language) for c in answer.related)
        parts.append(f"<i>{escape(labels['related'])}:</i>\n{related}")
    return "\n\n".join(parts)


def passage_html(citation: Citation, language: str) -> str:
    """The full passage behind source [n], the quoted sentence in bold."""
    text = citation.text
    start = text.find(citation.quote)
    if start >= 0 and citation.quote:
        end = start + len(citation.quote)
        body = f"{escape(text[:start])}<b>{escape(text[start:end])}</b>{escape(text[end:])}"
    else:
        body = escape(text)
    return f"[{citation.n}] <i>{escape(source_line(citation, language))}</i>\n\n{body}"


def _atoms(html: str) -> list[str]:
    """Tags and words (each word with the whitespace after it); a cut may fall between any two."""
    atoms: list[str] = []
    for piece in re.split(r"(<[^>]+>)", html):
        if piece.startswith("<"):
            atoms.append(piece)
        elif piece:
            atoms.extend(re.findall(r"\S+\s*|\s+", piece))
    return atoms


def _break_rank(atom: str) -> int:
    """How good a cut after this atom is: paragraph > line > sentence > word."""
    if atom.startswith("<"):
        return 1 if atom.startswith("</") else 0
    if "\n\n" in atom:
        return 4
    if "\n" in atom:
        return 3
    if re.search(r"[.!?:;][\"”’)]?\s+$", atom):
        return 2
    return 1 if atom[-1:].isspace() else 0


def _open_tags(atoms: list[str]) -> list[str]:
    """Opening tags still open after these atoms, outermost first."""
    stack: list[str] = []
    for atom in atoms:
        match = _TAG.fullmatch(atom)
        if not match:
            continue
        if match.group(1):
            for i in range(len(stack) - 1, -1, -1):
                if _TAG.fullmatch(stack[i]).group(2) == match.group(2):  # type: ignore[union-attr]
                    del stack[i:]
                    break
        else:
            stack.append(atom)
    return stack


def _closing(stack: list[str]) -> str:
    return "".join(f"</{_TAG.fullmatch(t).group(2)}>" for t in reversed(stack))  # type: ignore[union-attr]


def _hard_split(word: str, size: int) -> list[str]:
    """A 'word' longer than a message, cut without breaking an &entity;."""
    pieces = []
    while len(word) > size:
        cut = size
        amp = word.rfind("&", cut - 10, cut)
        if amp != -1 and ";" not in word[amp:cut]:
            cut = amp
        pieces.append(word[:cut])
        word = word[cut:]
    return [*pieces, word]


def split_html(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Messages of at most `limit` characters, cut at the best boundary; tags open at a cut are closed
    there and opened again in the next message, so every message is valid HTML on its own."""
    if len(html) <= limit:
        return [html]
    atoms = [p for a in _atoms(html) for p in (_hard_split(a, limit // 2) if len(a) > limit // 2 else [a])]
    messages: list[str] = []
    prefix: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(atoms):
        candidate = [*prefix, *current, atoms[i]]
        if len("".join(candidate)) + len(_closing(_open_tags(candidate))) <= limit:
            current.append(atoms[i])
            i += 1
            continue
        # Cut at the best boundary in the second half of what we have (or anywhere, failing that).
        ranks = [(_break_rank(a), j) for j, a in enumerate(current)]
        late = [r for r in ranks if r[1] >= len(current) // 2] or ranks
        best = max(late, key=lambda r: (r[0], r[1]))[1] + 1 if late else len(current)
        best = max(best, 1)
        chunk = [*prefix, *current[:best]]
        messages.append(("".join(chunk) + _closing(_open_tags(chunk))).strip())
        prefix = _open_tags(chunk)
        i -= len(current) - best
        current = []
    rest = [*prefix, *current]
    if "".join(current).strip():
        messages.append("".join(rest).strip())
    return [m for m in messages if m]
