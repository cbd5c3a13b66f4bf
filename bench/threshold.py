"""Tune the extractive answerer's threshold: for each candidate value, how many answerable questions
get the right quote and how many unanswerable ones are (wrongly) answered.

Questions: bench/threshold_questions.json (about the sample article; more than the tests use).
Usage: python -m bench.threshold
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from bench.common import print_table

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    from bot.answer.extractive import ExtractiveAnswerer
    from bot.chain import build_chain, condense
    from bot.language import detect_language
    from bot.settings import Settings
    from index.sync import Indexer

    spec = json.loads((Path(__file__).parent / "threshold_questions.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp))
        chain = build_chain(settings)
        store = chain.search.store
        assert store.embeddings is not None
        Indexer(store, store.embeddings).add([ROOT / spec["article"]])
        chain.refresh()
        answerer = ExtractiveAnswerer(chain.search.embedder, lambda: chain.search.lexical)
        rows = []
        cases = [(q, e) for q, e in spec["answerable"]] + [(q, None) for q in spec["unanswerable"]]
        for question, evidence in cases:
            language = detect_language(question)
            query = condense(question, [])
            scored = answerer.score(question, query, chain.search.search(query), language)
            best = scored[0] if scored else None
            right = bool(best and evidence and evidence in best.hit.passage.text)
            rows.append((question, evidence, language, best.score if best else 0.0, right))
    print("per question (best sentence score; right = its passage holds the evidence):\n")
    print_table(
        ["question", "lang", "answerable", "best score", "right passage"],
        [
            [q, lang, "yes" if e else "no", f"{s:.3f}", "yes" if r else ("-" if not e else "NO")]
            for q, e, lang, s, r in rows
        ],
    )
    print("\nthresholds (Dutch questions use the first, others the cross-lingual one):\n")
    table = []
    for threshold in (0.30, 0.35, 0.38, 0.40, 0.42, 0.45, 0.50):
        for lang in ("nl", "en"):
            subset = [r for r in rows if r[2] == lang]
            good = sum(1 for _, e, _, s, r in subset if e and s >= threshold and r)
            wrong = sum(1 for _, e, _, s, r in subset if e and s >= threshold and not r)
            refused = sum(1 for _, e, _, s, _ in subset if e and s < threshold)
            false_answers = sum(1 for _, e, _, s, _ in subset if not e and s >= threshold)
            n_ans = sum(1 for r in subset if r[1])
            n_un = len(subset) - n_ans
            table.append([f"{threshold:.2f}", lang, f"{good}/{n_ans}", wrong, refused, f"{false_answers}/{n_un}"])
    print_table(["threshold", "lang", "right quote", "wrong quote", "refused", "unanswerable answered"], table)


if __name__ == "__main__":
    main()
