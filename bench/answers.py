"""Answer benchmark: does the default (extractive) answerer cite the right passage, and refuse what is not there?

Sets (see bench/answer_data.py): XQuAD-NL with only even paragraphs indexed (test half a24-a47 reported;
Dutch questions and their English originals) and our news questions (test half reported, tune half shown
apart). Every question goes through the production chain (`Chain.invoke`, what `citebot ask` runs).

- answerable: *cited right* when the first citation is the gold article (news: and its quote holds the
  answer text); *cited wrong* when it is another; *refused* (a false refusal) when not answered;
- unanswerable: *refused* when not answered.

Also a precision-refusal curve over the answer threshold (table, and a PNG with --plot).
Usage: python -m bench.answers [--plot bench/answers.png] [--before bench/answers_before.json] [--json-out F]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from pathlib import Path

import numpy as np

from bench.answer_data import Question, news_questions, write_news_articles, write_xquad_articles, xquad_questions
from bench.answer_index import indexed_chain
from bench.common import print_table
from bot.answer.types import Answer, Citation, Turn
from bot.chain import Chain


def outcome(q: Question, answer: Answer) -> str:
    """right / wrong / refused for answerable questions; refused / answered for unanswerable ones."""
    if q.gold is None:
        return "refused" if not answer.answered else "answered"
    if not answer.answered or not answer.citations:
        return "refused"
    first = answer.citations[0]
    right = first.article_id == q.gold
    if right and q.set == "news" and q.answer:
        right = q.answer.casefold() in first.quote.casefold()
    return "right" if right else "wrong"


def conversation(chain: Chain, history: tuple[tuple[str, str], ...]) -> list[Turn]:
    """The turns before a follow-up as a reader has them: each earlier question with the answer the chain gave."""
    turns: list[Turn] = []
    for question, answer in history:
        turns.append(Turn(question, answer or chain.invoke(question, turns).text))
    return turns


def run(chain: Chain, questions: list[Question]) -> list[dict]:
    rows = []
    for q in questions:
        history = conversation(chain, q.history)
        started = time.perf_counter()
        answer = chain.invoke(q.text, history)
        ms = (time.perf_counter() - started) * 1000
        rows.append(
            {
                "id": q.id,
                "set": q.set,
                "half": q.half,
                "language": q.language,
                "outcome": outcome(q, answer),
                "answerable": q.gold is not None,
                "ms": ms,
                "answer": answer.text[:200],
            }
        )
    return rows


def summarize(rows: list[dict]) -> dict[str, float]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    share = lambda xs, o: sum(r["outcome"] == o for r in xs) / len(xs) if xs else float("nan")  # noqa: E731
    return {
        "answerable": len(answerable),
        "right": share(answerable, "right"),
        "wrong": share(answerable, "wrong"),
        "refused": share(answerable, "refused"),
        "unanswerable": len(unanswerable),
        "unanswerable_refused": share(unanswerable, "refused"),
    }


GROUPS = [
    (
        "XQuAD-NL test half (a24-a47), Dutch",
        lambda r: r["set"] == "xquad" and r["half"] == "test" and r["language"] == "nl",
    ),
    ("XQuAD-NL test half, English", lambda r: r["set"] == "xquad" and r["half"] == "test" and r["language"] == "en"),
    ("News, test half, Dutch", lambda r: r["set"] == "news" and r["half"] == "test" and r["language"] == "nl"),
    ("News, all 21 articles, Dutch", lambda r: r["set"] == "news" and r["language"] == "nl"),
    ("News, all 21 articles, English", lambda r: r["set"] == "news" and r["language"] == "en"),
]


def table(results: dict[str, list[dict]], before: dict | None) -> None:
    headers = [
        "set",
        "answerable",
        "cited right",
        "cited wrong",
        "refused (false refusal)",
        "unanswerable",
        "unanswerable refused",
    ]
    rows = []
    for label, keep in GROUPS:
        selected = [r for rows_ in results.values() for r in rows_ if keep(r)]
        if not selected:
            continue
        s = summarize(selected)
        b = (before or {}).get(label)

        def fmt(key: str, s: dict = s, b: dict | None = b) -> str:
            return f"{s[key]:.3f}" + (f" (was {b[key]:.3f})" if b else "")

        rows.append(
            [
                label,
                s["answerable"],
                fmt("right"),
                fmt("wrong"),
                fmt("refused"),
                s["unanswerable"],
                fmt("unanswerable_refused"),
            ]
        )
    print_table(headers, rows)


def curve(chains: dict[str, Chain], questions: dict[str, list[Question]], plot: Path | None) -> None:
    """Right / wrong / refusals as the answer threshold moves (test halves; the decision's probability)."""
    from bot.answer.extractive import ExtractiveAnswerer
    from bot.condense import condense

    points: dict[str, list[tuple[float, str]]] = defaultdict(list)
    for name, chain in chains.items():
        answerer = chain.answerer
        assert isinstance(answerer, ExtractiveAnswerer)
        for q in questions[name]:
            if q.half != "test":
                continue
            query = condense(q.text, [Turn(h, a) for h, a in q.history])
            decision = answerer.decide(q.text, query, chain.search.search(query), q.language)
            fake = Answer(q.text, "", True, language=q.language)
            if decision.best is not None:
                fake.citations = [Citation.from_passage(1, decision.best.hit.passage, decision.best.text)]
            else:
                fake.answered = False
            points[f"{q.set}-{q.language}"].append((decision.probability, outcome(q, fake)))
    grid = np.round(np.arange(0.05, 0.96, 0.05), 2)
    rows, series = [], {}
    for key, values in sorted(points.items()):
        p = np.array([v[0] for v in values])
        o = np.array([v[1] for v in values])
        ans = np.array([v[1] in ("right", "wrong", "refused") for v in values])
        curves = []
        for t in grid:
            answered = p >= t
            right = np.sum(answered & (o == "right"))
            wrong = np.sum(answered & (o == "wrong"))
            false_answers = np.sum(answered & ~ans)
            precision = right / max(1, right + wrong + false_answers)
            curves.append((precision, right / max(1, ans.sum()), 1 - false_answers / max(1, (~ans).sum())))
            rows.append(
                [
                    key,
                    f"{t:.2f}",
                    f"{precision:.3f}",
                    f"{right / max(1, ans.sum()):.3f}",
                    f"{wrong / max(1, ans.sum()):.3f}",
                    f"{1 - false_answers / max(1, (~ans).sum()):.3f}",
                ]
            )
        series[key] = curves
    print("\nprecision-refusal curve (test halves): precision = right answers / all answers given\n")
    print_table(["set", "threshold", "precision", "cited right", "cited wrong", "unanswerable refused"], rows)
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, axes = plt.subplots(1, 2, figsize=(11, 4.2))
        for key, curves in series.items():
            axes[0].plot(grid, [c[0] for c in curves], label=f"{key} precision")
            axes[0].plot(grid, [c[1] for c in curves], "--", label=f"{key} cited right")
            axes[1].plot([c[2] for c in curves], [c[1] for c in curves], marker=".", label=key)
        axes[0].set_xlabel("answer threshold (probability)")
        axes[0].set_ylabel("share")
        axes[0].set_title("precision and cited right vs threshold")
        axes[0].legend(fontsize=7)
        axes[1].set_xlabel("unanswerable refused")
        axes[1].set_ylabel("answerable cited right")
        axes[1].set_title("right answers vs refusals (each dot a threshold)")
        axes[1].legend(fontsize=7)
        fig.tight_layout()
        fig.savefig(plot, dpi=110)
        print(f"\nwrote {plot}")


def main() -> None:
    from index.embeddings import make_embedder

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--plot", type=Path, help="write the precision-refusal curve as a PNG")
    parser.add_argument("--before", type=Path, help="results JSON of an earlier run (shown as 'was')")
    parser.add_argument("--json-out", type=Path, help="write this run's summary per set as JSON")
    parser.add_argument("--no-curve", action="store_true")
    args = parser.parse_args()
    embedder = make_embedder("use-multilingual")
    chains = {
        "xquad": indexed_chain("xquad-even", write_xquad_articles, embedder),
        "news": indexed_chain("news", write_news_articles, embedder),
    }
    questions = {"xquad": xquad_questions(), "news": news_questions()}
    results = {
        name: run(chains[name], [q for q in qs if q.half == "test" or name == "news"]) for name, qs in questions.items()
    }
    before = json.loads(args.before.read_text()) if args.before else None
    print()
    table(results, before)
    ms = [r["ms"] for rows in results.values() for r in rows]
    print(
        f"\nlatency per question (whole chain, small indexes): p50 {np.percentile(ms, 50):.0f} ms, p95 {np.percentile(ms, 95):.0f} ms"
    )
    if args.json_out:
        summary = {
            label: summarize([r for rows in results.values() for r in rows if keep(r)]) for label, keep in GROUPS
        }
        args.json_out.write_text(json.dumps(summary, indent=1) + "\n")
    if not args.no_curve:
        curve(chains, questions, args.plot)


if __name__ == "__main__":
    main()
