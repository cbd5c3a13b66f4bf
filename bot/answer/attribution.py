"""Who said it: a follow-up that asks who said what the previous answer quoted ("Wie zegt dat?", "Who said that?").

The speaker stands in the quoted sentence ("Daarvan is geen sprake, zegt Woonink") or in the sentence right after
it ("Dat heeft directeur Nico Woonink maandag gezegd"): the answer quotes that sentence, with the name first. Where
neither reports speech, the question goes to the answerer as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.answer.people import names_someone, without_title
from bot.answer.questions import AnswerType
from bot.answer.spans import Span, find_spans, speaker_cued
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
_AGE = re.compile(r"\s*\(\d{1,3}\)")
_ACCORDING = re.compile(r"\b(?:volgens|according to)\s+$", re.IGNORECASE)
_MARKERS = re.compile(r"\s*\[\d+\]")
_REPORTS = re.compile(
    r"\b(?:zegt|zei|zeggen|zeiden|gezegd|aldus|volgens|vertelt|vertelde|verteld|schrijft|schreef|verklaarde|"
    r"verklaart|liet weten|laat weten|stelt|stelde|meent|dreigde|dreigt|benadrukte|benadrukt|herhaalde|"
    r"waarschuwde|waarschuwt|antwoordde|reageerde|merkte|voegde|says|said|told|according to|wrote|stated|warned|"
    r"added|replied|threatened|stressed)\b",
    re.IGNORECASE,
)


def asks_who_said(question: str) -> bool:
    """Whether the question asks only who said something ("Wie zegt dat?", "Volgens wie?", "Who said that?")."""
    return _ASKS_WHO_SAID.match(question) is not None


def quoted_fragments(answer: str) -> list[str]:
    """The verbatim sentences of an earlier answer's quote, in order (its markers, short answer and the
    '...' where it was cut removed)."""
    text = _MARKERS.sub("", answer).strip()
    if " — “" in text and text.endswith("”"):  # "70 — “... Vladimir Poetin (70) ...”": the quote after the span
        text = text.split(" — “", 1)[1][:-1]
    pieces = [p.strip() for p in text.split("...")]
    # (two quoted sentences are joined by a space even where the passage has others between them)
    sentences = [piece[s:e].strip() for piece in pieces for s, e in sentence_spans(piece)]
    return [p for p in sentences if len(p) >= 20]


def who_said(
    question: str,
    query: str,
    history: Sequence[Turn],
    hits: list[Hit],
    language: str,
    search: Callable[[str], list[Hit]] | None = None,
) -> Answer | None:
    """The sentence naming who said what the previous answer quoted, with the name first; None when the question
    asks something else, the earlier quote is in no retrieved passage (nor in what `search` finds for it), or no
    sentence names a speaker."""
    if not history or not asks_who_said(question):
        return None
    fragments = quoted_fragments(history[-1].answer)
    if not fragments:
        return None
    if search is not None and not any(f in h.passage.text for h in hits for f in fragments):
        hits = search(fragments[0])
    for hit in hits:
        text = hit.passage.text
        at = next((text.find(f) for f in fragments if f in text), -1)
        if at < 0:
            continue
        sentences = sentence_spans(text)
        index = next((i for i, (s, e) in enumerate(sentences) if s <= at < e), None)
        if index is None:
            return None
        for at_sentence in range(index, min(index + 2, len(sentences))):
            start, end = sentences[at_sentence]
            if not _REPORTS.search(text[start:end]):
                continue  # (quotation marks alone say nothing of who speaks)
            speaker = _speaker(text, start, end)
            if speaker is None:
                # "..., dreigde hij.": he is the one the passage named last before it ("benadrukte Loekasjenko"),
                # quoted with the sentences up to the one that says he said it when they are few.
                for earlier in range(at_sentence - 1, -1, -1):
                    if (named := _speaker(text, *sentences[earlier])) is not None:
                        first = sentences[earlier][0]
                        start, end = (first, end) if at_sentence - earlier <= 2 else sentences[earlier]
                        speaker = replace(named, start=named.start + sentences[earlier][0] - start)
                        break
            sentence = text[start:end]
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


def _speaker(text: str, start: int, end: int) -> Span | None:
    """The person the sentence text[start:end] reports as speaking: one right after a verb of saying or "volgens",
    else the first person it names outside quotation marks (which may open sentences before); None when it names
    nobody."""
    sentence = text[start:end]
    names = [
        without_title(s)
        for s in find_spans(sentence)
        if s.kind is AnswerType.PERSON and names_someone(s, sentence) and not _inside_quote(text, start + s.start)
    ]
    cued = [s for s in names if speaker_cued(sentence, s.start) or _ACCORDING.search(sentence[: s.start])]
    # A full name or one with an age ("Aleksandr Loekasjenko (68)") before a single word ("Wit-Rusland").
    full = [s for s in names if " " in s.text or _AGE.match(sentence, s.end)]
    return next(iter(cued or full or names), None)


def _inside_quote(text: str, position: int) -> bool:
    """Whether `position` of a passage lies inside quotation marks (a name the speaker mentions is not the
    speaker)."""
    before = text[:position]
    opened = before.count("“") + before.count(",,") + before.count("„")
    closed = before.count("”") + before.count("''")
    return opened > closed
