"""How well the LLM answer checks tell faithful claims from altered ones (bench/claims.json).

Each claim is checked as a one-sentence answer citing the passage that holds its `at` phrase, exactly as
a generated answer is checked before anyone sees it. Faithful claims should pass; altered ones (an added
name, a changed number, a negation added or dropped, a substituted word, an added fact) should be caught.
"caught" is the recall of the check on altered claims, "precision" the share of flagged claims that were
altered, "passed" the share of faithful claims shown. The news claims need ../shared/bench (skipped
without it); the sample-article claims always run.

    python -m bench.checks [--half tune|test|all] [--show]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from bench.answer_data import write_news_articles, write_sample_articles
from bench.answer_index import indexed_chain
from bench.common import SHARED_BENCH, print_table

CLAIMS = Path(__file__).with_name("claims.json")


def run(half: str, show: bool) -> list[dict]:
    from bot.answer.checks import AnswerChecker
    from index.embeddings import make_embedder
    from index.retrieve import Hit

    claims = [c for c in json.loads(CLAIMS.read_text(encoding="utf-8"))["claims"] if half in ("all", c["half"])]
    embedder = make_embedder("use-multilingual")
    chains = {"sample": indexed_chain("sample", write_sample_articles, embedder)}
    if (SHARED_BENCH / "articles_nl.jsonl").exists():
        chains["news"] = indexed_chain("news", write_news_articles, embedder)
    else:
        print(f"news claims skipped: {SHARED_BENCH / 'articles_nl.jsonl'} not found")
    # One checker per index, so that passages' sentence and clause vectors are embedded once.
    checkers = {
        name: AnswerChecker(embedder, lambda chain=chain: chain.search.lexical) for name, chain in chains.items()
    }
    rows = []
    for claim in claims:
        name = "news" if claim["article"].startswith("dpg") else "sample"
        if name not in chains:
            continue
        chain, checker = chains[name], checkers[name]
        passage = next(
            p
            for p in chain.search.store.passages([claim["article"]])
            if p.article_id == claim["article"] and claim["at"] in p.text
        )
        report = checker.check(f"{claim['claim']} [1]", [Hit(passage, 1.0)], claim["lang"]).report
        passed = report.verdict == "ok"
        rows.append(claim | {"passed": passed, "added": getattr(report, "added", []), "support": report.support})
        if show and passed != claim["ok"]:
            verdict = "MISSED" if passed else "FALSE ALARM"
            print(f"{verdict} [{claim['kind']}] {claim['claim']} {rows[-1]['added']}")
    return rows


def summary(rows: list[dict]) -> list[object]:
    altered = [r for r in rows if not r["ok"]]
    faithful = [r for r in rows if r["ok"]]
    flagged = [r for r in rows if not r["passed"]]
    caught = sum(not r["passed"] for r in altered)
    return [
        len(faithful),
        len(altered),
        f"{caught / len(altered):.3f}" if altered else "-",
        f"{caught / len(flagged):.3f}" if flagged else "-",
        f"{sum(r['passed'] for r in faithful) / len(faithful):.3f}" if faithful else "-",
        sum(r["passed"] for r in altered),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--half", choices=["tune", "test", "all"], default="all")
    parser.add_argument("--show", action="store_true", help="print every claim the check got wrong")
    args = parser.parse_args()
    rows = run(args.half, args.show)
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rows:
        groups[f"{r['half']} half"].append(r)
        groups[f"{'Dutch' if r['lang'] == 'nl' else 'English'} claims"].append(r)
        if not r["ok"]:
            groups[f"altered: {r['kind']}"].append(r)
    headers = ["claims", "faithful", "altered", "caught (recall)", "precision", "faithful passed", "altered shown"]
    print()
    print_table(headers, [["all", *summary(rows)], *([name, *summary(g)] for name, g in sorted(groups.items()))])


if __name__ == "__main__":
    main()
