"""Follow-ups about what the previous answer quoted: who said it ("Wie zegt dat?", "Who said that?") and what came
next ("En wat antwoordde hij?", "En toen?").

The speaker stands in the quoted sentence ("Daarvan is geen sprake, zegt Woonink"), in the sentence right after it
("Dat heeft directeur Nico Woonink maandag gezegd") or, for a pronoun ("..., dreigde hij."), is the person the
passage named before; what came next is the sentence after the quote. Either is quoted verbatim, a speaker's name
first. Where the earlier quote is not found, or nothing answers, the question goes to the answerer as usual.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.answer.people import names_someone, without_title
from bot.answer.questions import AnswerType
from bot.answer.spans import AGE_AFTER_NAME, Span, find_spans, speaker_cued
from bot.answer.types import Answer, Citation, Turn
from index.passages import Passage
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
_ASKS_WHAT_NEXT = re.compile(
    r"^\s*(?:(?:en|maar|and)\s+)?(?:"
    r"(?:en\s+)?toen|daarna|wat gebeurde (?:er )?(?:toen|daarna|vervolgens)|"
    r"wat (?:antwoordde|zei|deed|vroeg) (?:hij|zij|ze|die)(?: toen| daarop| erop| daarna)?|"
    r"hoe (?:reageerde|antwoordde) (?:hij|zij|ze|die)(?: daarop| erop)?|wat was (?:zijn|haar|hun|het) antwoord|"
    r"then what|what happened (?:next|then|after that)|"
    r"what did (?:he|she|they) (?:answer|reply|say next|do next|say then)|how did (?:he|she|they) (?:react|respond)"
    r")\s*\??\s*$",
    re.IGNORECASE,
)
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


def asks_what_next(question: str) -> bool:
    """Whether the question asks only what came after ("En wat antwoordde hij?", "En toen?", "How did he react?")."""
    return _ASKS_WHAT_NEXT.match(question) is not None


def quoted_fragments(answer: str) -> list[str]:
    """The verbatim sentences of an earlier answer's quote, in order (its markers, short answer and the
    '...' where it was cut removed)."""
    text = _MARKERS.sub("", answer).strip()
    # ("70 — “... Vladimir Poetin (70) ...”", as `Answer.quoting` writes it: the quote is after the short answer)
    if " — “" in text and text.endswith("”"):
        text = text.split(" — “", 1)[1][:-1]
    pieces = [p.strip() for p in text.split("...")]
    # (two quoted sentences are joined by a space even where the passage has others between them)
    sentences = [piece[s:e].strip() for piece in pieces for s, e in sentence_spans(piece)]
    return [p for p in sentences if len(p) >= 20]


def about_previous(
    question: str,
    query: str,
    history: Sequence[Turn],
    hits: list[Hit],
    language: str,
    search: Callable[[str], list[Hit]] | None = None,
    article_passages: Callable[[str], list[Passage]] | None = None,
) -> Answer | None:
    """Who said, or what came after, what the previous answer quoted; None for other questions, or when the
    earlier quote is in no retrieved passage (nor in what `search` finds for it), or nothing there answers.
    With `article_passages` (an article id -> its passages in order), what came after a quote that ends its
    passage is the start of the next one."""
    if not history or not (asks_who_said(question) or asks_what_next(question)):
        return None
    found = _locate(quoted_fragments(history[-1].answer), hits, search)
    if found is None:
        return None
    hit, sentences, first, last = found
    if asks_who_said(question):
        return _who_said(question, query, language, hit, sentences, first)
    passage: Passage | None = hit.passage
    if last + 1 >= len(sentences):  # the quote ends its passage: what follows opens the next one, if any
        following = article_passages(hit.passage.article_id) if article_passages else []
        passage = next((p for p in following if p.ordinal == hit.passage.ordinal + 1), None)
        sentences, last = (sentence_spans(passage.text), -1) if passage else ([], -1)
    if passage is None or last + 1 >= len(sentences):
        return None
    start, end = sentences[last + 1]
    return Answer.quoting(question, Citation.from_passage(1, passage, passage.text[start:end]), language, query)


def _locate(
    fragments: list[str], hits: list[Hit], search: Callable[[str], list[Hit]] | None
) -> tuple[Hit, list[tuple[int, int]], int, int] | None:
    """The passage holding the earlier quote's sentences, its sentence spans, and the first and last of them
    that the quote holds."""
    if not fragments:
        return None
    if search is not None and not any(f in h.passage.text for h in hits for f in fragments):
        hits = search(fragments[0])
    for hit in hits:
        text = hit.passage.text
        places = [text.find(f) for f in fragments if f in text]
        if not places:
            continue
        sentences = sentence_spans(text)
        held = [i for i, (s, e) in enumerate(sentences) if any(s <= at < e for at in places)]
        return (hit, sentences, held[0], held[-1]) if held else None
    return None


def _who_said(
    question: str, query: str, language: str, hit: Hit, sentences: list[tuple[int, int]], index: int
) -> Answer | None:
    """The speaker of sentence `index` of the hit's passage, from it or the next sentence (see the module)."""
    text = hit.passage.text
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
        citation = Citation.from_passage(1, hit.passage, text[start:end])
        return Answer.quoting(question, citation, language, query, short=speaker.text if speaker else None)
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
    full = [s for s in names if " " in s.text or AGE_AFTER_NAME.match(sentence, s.end)]
    return next(iter(cued or full or names), None)


def _inside_quote(text: str, position: int) -> bool:
    """Whether `position` of a passage lies inside quotation marks (a name the speaker mentions is not the
    speaker)."""
    before = text[:position]
    opened = before.count("“") + before.count(",,") + before.count("„")
    closed = before.count("”") + before.count("''")
    return opened > closed
