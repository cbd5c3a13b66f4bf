"""`citebot prompts test|diff`: run question suites through the chain and compare runs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.settings import Settings

app = typer.Typer(help="Test prompts and settings offline on question suites.", no_args_is_help=True)


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(code)


@app.command("test")
def test(
    ctx: typer.Context,
    suites: Annotated[list[Path], typer.Argument(help="Suite files (YAML), e.g. prompts/suites/sample.yaml.")],
    prompt: Annotated[str | None, typer.Option(help="Answer template prompts/NAME.md.")] = None,
    set_: Annotated[
        list[str] | None, typer.Option("--set", help="key=value for any setting (top_k, answerer, ...); repeatable.")
    ] = None,
    compare: Annotated[
        tuple[str, str] | None,
        typer.Option(help="Run two variants, each 'key=value,...' (or '' for defaults), side by side."),
    ] = None,
    report: Annotated[Path | None, typer.Option(help="Write a report: FILE.md, FILE.json or FILE.html.")] = None,
    record: Annotated[Path | None, typer.Option(help="Save every answer under DIR for `prompts diff`.")] = None,
    workers: Annotated[int | None, typer.Option(help="Cases answered in parallel (default: cores, at most 4).")] = None,
    cache: Annotated[
        Path | None, typer.Option(help="Answer repeated model calls from DIR (keyed by model, prompt, passages).")
    ] = None,
) -> None:
    """Run suites; exit 1 if a case fails or a metric is below the suite's threshold, 2 if a suite is invalid."""
    from tqdm import tqdm

    from bot.evaluate import report as reports
    from bot.evaluate.runner import SuiteResult, Variant, VariantError, run_suite
    from bot.evaluate.runner import record as save
    from bot.evaluate.suite import SuiteError, load_suite
    from index.embeddings import make_embedder

    settings: Settings = ctx.obj
    if cache is not None:
        settings = settings.model_copy(update={"llm_cache_dir": cache})
    try:
        loaded = [load_suite(p) for p in suites]
        base = Variant.parse(",".join(set_ or []) + (f",prompt={prompt}" if prompt else ""))
        variants = [Variant.parse(spec, base.overrides) for spec in compare] if compare else [base]
        for variant in variants:
            variant.apply(settings)
            if "answer_prompt" in variant.overrides:
                from bot.prompts import load_prompt

                load_prompt(variant.overrides["answer_prompt"], settings.prompts_dir)
    except (SuiteError, VariantError, ValueError) as exc:
        raise _fail(str(exc)) from None
    embedder = make_embedder(variants[0].apply(settings).embedding_model)
    total = sum(len(s.cases) for s in loaded) * len(variants)
    runs: list[list[SuiteResult]] = []
    with tqdm(total=total, desc="cases", unit="case", disable=total < 2) as bar:
        for variant in variants:
            try:
                runs.append(
                    [run_suite(s, settings, variant, embedder, workers=workers, on_case=bar.update) for s in loaded]
                )
            except VariantError as exc:
                raise _fail(str(exc)) from None
    flips: set[str] = set()
    for results in runs:
        for result in results:
            typer.echo(reports.table(result) + "\n")
    if compare:
        for a, b in zip(runs[0], runs[1], strict=True):
            typer.echo(reports.compare_table(a, b) + "\n")
            flips |= {cid for cid, _, _ in reports.flipped(a, b)}
    every = [r for results in runs for r in results]
    if report:
        try:
            reports.write_report(report, every, flips)
        except ValueError as exc:
            raise _fail(str(exc)) from None
        typer.echo(f"report: {report}")
    if record:
        save(runs[-1], record)
        typer.echo(f"recorded: {record}")
    if not all(r.ok for r in every):
        raise typer.Exit(1)


@app.command("diff")
def diff(
    old: Annotated[Path, typer.Argument(help="Folder (or .json) recorded with --record.")],
    new: Annotated[Path, typer.Argument(help="A later recording.")],
) -> None:
    """Which answers changed between two recorded runs (exit 0 either way)."""
    from bot.evaluate.report import diff as diff_runs
    from bot.evaluate.runner import VariantError, load_recorded

    try:
        text, _ = diff_runs(load_recorded(old), load_recorded(new))
    except VariantError as exc:
        raise _fail(str(exc)) from None
    typer.echo(text)
