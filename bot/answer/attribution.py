"""Who said it: a follow-up that asks who said what the previous answer quoted ("Wie zegt dat?", "Who said that?").

The speaker stands in the quoted sentence ("Daarvan is geen sprake, zegt Woonink") or in the sentence right after
it ("Dat heeft directeur Nico Woonink maandag gezegd"): the answer quotes that sentence, with the name first. Where
neither reports speech, the question goes to the answerer as usual.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.answer.people import names_someone
from bot.answer.questions import AnswerType
from bot.answer.spans import find_spans, speaker_cued
from bot.answer.types import Answer, Citation, Turn
from index.retrieve import Hit
from index.sentences import sentence_spans

_ASKS_WHO_SAID = re.compile(
    r"^\s*(?:(?:en|maar|and|but)\s+)?(?:"
    r"(?:wie|who)\s+(?:zegt|zei|zeggen|zeiden|beweert|beweerde|stelt|stelde|schrijft|schreef|vertelt|vertelde|"
    r"verklaarde|verklaart|meent|dreigde|says|said|claims|claimed|writes|wrote|states|stated)"
    r"(?:\s+(?:dat|dit|het|zoiets|dat dan|this|that|it|so))?"
    r"|volgens wie|according to whom|wie heeft dat gezegd|who has said that)\s*\??\s*$",
    re.IGNORECASE,
)
_ACCORDING = re.compile(r"\b(?:volgens|according to)\s+$", re.IGNORECASE)
_MARKERS = re.compile(r"\s*\[\d+\]")
_QUOTED = re.compile(r"“(.+?)”")
_REPORTS = re.compile(
    r"\b(?:zegt|zei|zeggen|zeiden|gezegd|aldus|volgens|vertelt|vertelde|verteld|schrijft|schreef|verklaarde|"
    r"verklaart|liet weten|laat weten|stelt|stelde|meent|says|said|told|according to|wrote|stated)\b",
    re.IGNORECASE,
)


def asks_who_said(question: str) -> bool:
    """Whether the question asks only who said something ("Wie zegt dat?", "Volgens wie?", "Who said that?")."""
    return _ASKS_WHO_SAID.match(question) is not None


def quoted_fragments(answer: str) -> list[str]:
    """The verbatim sentences of an earlier answer's quote, in order (its markers, short answer and the
    '...' where it was cut removed)."""
    text = _MARKERS.sub("", answer).strip()
    inner = _QUOTED.findall(text)
    pieces = [p.strip() for chunk in (inner or [text]) for p in chunk.split("...")]
    # (two quoted sentences are joined by a space even where the passage has others between them)
    sentences = [piece[s:e].strip() for piece in pieces for s, e in sentence_spans(piece)]
    return [p for p in sentences if len(p) >= 20]


def who_said(question: str, query: str, history: Sequence[Turn], hits: list[Hit], language: str) -> Answer | None:
    """The sentence naming who said what the previous answer quoted, with the name first; None when the question
    asks something else, there is no earlier quote among the retrieved passages, or no sentence names a speaker."""
    if not history or not asks_who_said(question):
        return None
    fragments = quoted_fragments(history[-1].answer)
    for hit in hits:
        text = hit.passage.text
        at = next((text.find(f) for f in fragments if f in text), -1)
        if at < 0:
            continue
        sentences = sentence_spans(text)
        index = next((i for i, (s, e) in enumerate(sentences) if s <= at < e), None)
        if index is None:
            return None
        for start, end in sentences[index : index + 2]:
            sentence = text[start:end]
            if not _REPORTS.search(sentence):
                continue  # (quotation marks alone say nothing of who speaks)
            names = [
                s
                for s in find_spans(sentence)
                if s.kind is AnswerType.PERSON and names_someone(s, sentence) and not _inside_quote(sentence, s.start)
            ]
            cued = [s for s in names if speaker_cued(sentence, s.start) or _ACCORDING.search(sentence[: s.start])]
            speaker = next(iter(cued or names), None)
            citation = Citation.from_passage(1, hit.passage, sentence)
            body = f"{speaker.text} — “{sentence}” [1]" if speaker else f"{sentence} [1]"
            return Answer(
                question,
                body,
                answered=True,
                citations=[citation],
                language=language,
                query=query,
                short_answer=speaker.text if speaker else None,
            )
        return None
    return None


def _inside_quote(sentence: str, position: int) -> bool:
    """Whether `position` lies inside quotation marks (a name the speaker mentions is not the speaker)."""
    before = sentence[:position]
    opened = before.count("“") + before.count(",,") + before.count("„")
    closed = before.count("”") + before.count("''")
    return opened > closed
