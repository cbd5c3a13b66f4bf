"""Split a cleaned article into passages with stable ids, offsets and section metadata."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from index.articles import Article
from index.sentences import sentence_spans

TokenCounter = Callable[[str], int]


@dataclass(frozen=True)
class Passage:
    """A retrievable piece of an article; `text` is article.text[start:end] verbatim."""

    id: str
    article_id: str
    ordinal: int
    text: str
    start: int
    end: int
    paragraph: int
    section: str
    title: str
    date: str
    source: str
    version: str
    hash: str
    url: str = ""
    modified: str = ""  # the article's last update, where known

    def metadata(self) -> dict[str, str | int]:
        """Flat metadata for the vector store (no None values: Chroma rejects them)."""
        return {
            "article_id": self.article_id,
            "ordinal": self.ordinal,
            "start": self.start,
            "end": self.end,
            "paragraph": self.paragraph,
            "section": self.section,
            "title": self.title,
            "date": self.date,
            "source": self.source,
            "version": self.version,
            "hash": self.hash,
            "url": self.url,
            "modified": self.modified,
        }

    @classmethod
    def from_metadata(cls, passage_id: str, text: str, meta: dict) -> Passage:
        """Rebuild a passage read back from the store."""
        return cls(
            id=passage_id,
            text=text,
            article_id=str(meta["article_id"]),
            ordinal=int(meta["ordinal"]),
            start=int(meta["start"]),
            end=int(meta["end"]),
            paragraph=int(meta["paragraph"]),
            section=str(meta.get("section", "")),
            title=str(meta.get("title", "")),
            date=str(meta.get("date", "")),
            source=str(meta.get("source", "")),
            version=str(meta["version"]),
            hash=str(meta["hash"]),
            url=str(meta.get("url", "")),
            modified=str(meta.get("modified", "")),
        )


def parse_passage_id(passage_id: str) -> tuple[str, str] | None:
    """(article id, version) of a passage id ARTICLE:VERSION:ORDINAL, or None for an id of another form."""
    parts = passage_id.rsplit(":", 2)
    return (parts[0], parts[1]) if len(parts) == 3 else None


def content_hash(text: str) -> str:
    """Short sha256 of a text, used to skip re-embedding unchanged content."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def article_version(article: Article) -> str:
    """Changes whenever anything a passage carries changes; equal for an unchanged article."""
    parts = [article.id, article.title, article.date or "", article.text]
    if article.url or article.modified:  # (so versions of articles without them stay what they were)
        parts += [article.url, article.modified or ""]
    return content_hash("\x1f".join(parts))[:10]


def split_passages(article: Article, count_tokens: TokenCounter, max_tokens: int) -> list[Passage]:
    """Paragraph-based passages; long paragraphs are cut at sentence boundaries to fit `max_tokens`."""
    version = article_version(article)
    passages: list[Passage] = []
    section = ""
    paragraph = 0
    offset = 0
    for block in article.blocks:
        start = offset
        offset += len(block.text) + 2  # blocks are joined with a blank line
        if block.is_heading:
            section = block.text
            continue
        paragraph += 1
        for s, e in _fit(block.text, count_tokens, max_tokens):
            text = block.text[s:e]
            ordinal = len(passages)
            passages.append(
                Passage(
                    id=f"{article.id}:{version}:{ordinal:04d}",
                    article_id=article.id,
                    ordinal=ordinal,
                    text=text,
                    start=start + s,
                    end=start + e,
                    paragraph=paragraph,
                    section=section,
                    title=article.title,
                    date=article.date or "",
                    source=article.source,
                    version=version,
                    hash=content_hash(text),
                    url=article.url,
                    modified=article.modified or "",
                )
            )
    return passages


def _fit(text: str, count_tokens: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    """Group consecutive sentences of a paragraph into spans of at most `max_tokens` tokens."""
    if count_tokens(text) <= max_tokens:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    current: tuple[int, int] | None = None
    for s, e in _sentences_that_fit(text, count_tokens, max_tokens):
        if current and count_tokens(text[current[0] : e]) <= max_tokens:
            current = (current[0], e)
        else:
            if current:
                spans.append(current)
            current = (s, e)
    if current:
        spans.append(current)
    return spans


def _sentences_that_fit(text: str, count_tokens: TokenCounter, max_tokens: int) -> list[tuple[int, int]]:
    """Sentence spans; a sentence longer than the budget is cut between words."""
    out: list[tuple[int, int]] = []
    for s, e in sentence_spans(text):
        if count_tokens(text[s:e]) <= max_tokens:
            out.append((s, e))
            continue
        piece_start = s
        last_space = s
        for i in range(s, e + 1):
            if i == e or text[i] == " ":
                if count_tokens(text[piece_start:i]) > max_tokens and last_space > piece_start:
                    out.append((piece_start, last_space))
                    piece_start = last_space + 1
                last_space = i
        out.append((piece_start, e))
    return out
