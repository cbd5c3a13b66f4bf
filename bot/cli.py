"""The `citebot` command: index articles, ask questions, chat in the terminal."""

from __future__ import annotations

import json
import logging
import sys
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.answer.types import Turn
from bot.evaluate.cli import app as prompts_app
from bot.render import render_text
from bot.settings import Settings
from index.errors import IndexingError
from index.history import version_line
from index.sync import Failure, SyncReport

app = typer.Typer(help="Ask questions about news articles; answers quote and cite them.", no_args_is_help=True)
index_app = typer.Typer(help="Add, sync, list and remove indexed articles.", no_args_is_help=True)
app.add_typer(index_app, name="index")
app.add_typer(prompts_app, name="prompts")
feedback_app = typer.Typer(
    help="Readers' 👍/👎 from Telegram, and 👎 answers as prompt-lab cases.", no_args_is_help=True
)
app.add_typer(feedback_app, name="feedback")

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object for scripts.")]
AnswererOption = Annotated[
    str | None, typer.Option(help="extractive or llm (overrides ANSWERER for this call).", case_sensitive=False)
]


@app.callback()
def main_options(
    ctx: typer.Context,
    data_dir: Annotated[Path | None, typer.Option(help="Index folder (default: CITEBOT_DATA_DIR or data/).")] = None,
    embedding_model: Annotated[
        str | None, typer.Option(help="use-multilingual, minilm or a sentence-transformers name/path.")
    ] = None,
) -> None:
    """Settings come from the environment / .env; options here override them."""
    overrides: dict[str, Any] = {"data_dir": data_dir, "embedding_model": embedding_model}
    ctx.obj = Settings(**{k: v for k, v in overrides.items() if v is not None})


def _fail(message: str) -> typer.Exit:
    typer.echo(f"error: {message}", err=True)
    return typer.Exit(1)


def _parts(settings: Settings, answerer: str | None = None):
    """The parts of one command, built once; `answerer` overrides ANSWERER for this call."""
    from bot.parts import build_parts

    if answerer:
        if answerer.lower() not in ("extractive", "llm"):
            raise _fail(f"--answerer takes extractive or llm, not {answerer!r}")
        settings = settings.model_copy(update={"answerer": answerer.lower()})
    return build_parts(settings)


def _indexer(parts, progress: bool):
    indexer = parts.indexer
    indexer.progress = progress
    return indexer


def _report(report: SyncReport, as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False))
    else:
        for failure in report.failed:
            typer.echo(f"failed: {failure.path}: {failure.error}", err=True)
        for label in ("added", "updated", "removed"):
            for article_id in getattr(report, label):
                typer.echo(f"{label}: {article_id}")
        typer.echo(report.summary())
    if not report.ok:
        raise typer.Exit(1)


@index_app.command("add")
def index_add(
    ctx: typer.Context,
    sources: Annotated[
        list[str], typer.Argument(help="Article files (.txt, .md, .html), folders, or links (http/https).")
    ],
    title: Annotated[str | None, typer.Option(help="Title for a single article file.")] = None,
    as_json: JsonOption = False,
) -> None:
    """Index article files, folders and links; unchanged ones are skipped without embedding. A link is fetched,
    its article saved as Markdown in the articles folder (so `index sync` keeps it) and indexed."""
    from index.fetch import add_links, looks_like_url

    settings: Settings = ctx.obj
    links = [s for s in sources if looks_like_url(s)]
    paths = [Path(s) for s in sources if not looks_like_url(s)]
    if title and (links or len(paths) != 1 or paths[0].is_dir()):
        raise _fail("--title applies to exactly one article file")
    try:
        indexer = _indexer(_parts(settings), progress=not as_json)
        report = indexer.add(paths, title=title) if paths else SyncReport()
        if links:
            fetched = add_links(indexer, links, settings.articles_dir, allow_private=settings.allow_private_urls)
            report = report.merged(fetched)
    except IndexingError as exc:
        raise _fail(str(exc)) from None
    _report(report, as_json)


@index_app.command("sync")
def index_sync(
    ctx: typer.Context,
    directory: Annotated[Path | None, typer.Argument(help="Folder to mirror (default: CITEBOT_ARTICLES_DIR).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Make the index match a folder: add new, replace changed, remove deleted, skip unchanged."""
    settings: Settings = ctx.obj
    try:
        report = _indexer(_parts(settings), progress=not as_json).sync(directory or settings.articles_dir)
    except IndexingError as exc:
        raise _fail(str(exc)) from None
    _report(report, as_json)


@index_app.command("list")
def index_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """List indexed articles."""
    try:
        records = sorted(_parts(ctx.obj).catalog.articles().values(), key=lambda r: r.id)
    except IndexingError as exc:
        raise _fail(str(exc)) from None
    if as_json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": r.id,
                        "title": r.title,
                        "date": r.date,
                        "modified": r.modified,
                        "url": r.url,
                        "passages": r.passages,
                        "path": r.path,
                        "versions": len(r.versions()),
                    }
                    for r in records
                ],
                ensure_ascii=False,
            )
        )
        return
    if not records:
        typer.echo("No articles indexed. Add some with `citebot index add PATH` or `citebot index sync`.")
    for r in records:
        updated = f"  (updated {r.modified})" if r.modified and r.modified != r.date else ""
        typer.echo(f"{r.id}  {r.date or '----'}  {r.passages:3d} passages  {r.title}{updated}")


@feedback_app.command("list")
def feedback_list(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Every vote, oldest first: 👍/👎, when, the question and the answer's first words."""
    from bot.feedback import FeedbackStore

    settings: Settings = ctx.obj
    votes = FeedbackStore(Path(settings.data_dir)).votes()
    if as_json:
        typer.echo(json.dumps([asdict(v) for v in votes], ensure_ascii=False))
        return
    if not votes:
        typer.echo("No feedback yet (readers vote with 👍/👎 under answers in Telegram).")
    for v in votes:
        typer.echo(
            f"{'👍' if v.vote > 0 else '👎'} {v.at}  {v.answer.get('question', '')!r} -> {v.answer.get('text', '')[:80]!r}"
        )


@feedback_app.command("export")
def feedback_export(
    ctx: typer.Context,
    suite: Annotated[Path, typer.Argument(help="The suite file to write (YAML).")],
) -> None:
    """Write the answers readers marked 👎 as a prompt-lab suite (known_failure until an operator sets
    evidence or unanswerable per case); it is validated like any suite."""
    from bot.evaluate.suite import SuiteError, load_suite
    from bot.feedback import FeedbackStore, reported_answers, suite_from_feedback, write_suite

    settings: Settings = ctx.obj
    votes = FeedbackStore(Path(settings.data_dir)).votes()
    if not reported_answers(votes):
        raise _fail("no answers marked 👎 yet; nothing to export")
    catalog = _parts(settings).catalog.articles()
    data = suite_from_feedback(votes, catalog, suite)
    if not data["articles"]:
        raise _fail("the reported answers' articles are no longer indexed or their files are gone")
    write_suite(data, suite)
    try:
        loaded = load_suite(suite)
    except SuiteError as exc:
        raise _fail(f"the exported suite does not validate: {exc}") from None
    typer.echo(f"wrote {len(loaded.cases)} case(s) to {suite}; run: citebot prompts test {suite}")


@index_app.command("history")
def index_history(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(help="An article id (see `citebot index list`).")],
    as_json: JsonOption = False,
) -> None:
    """An article's indexed versions, newest first: when, its dates, and what changed."""
    try:
        record = _parts(ctx.obj).catalog.article(article_id)
    except IndexingError as exc:
        raise _fail(str(exc)) from None
    if record is None:
        raise _fail(f"no indexed article '{article_id}' (see `citebot index list`)")
    versions = record.versions()
    if as_json:
        typer.echo(json.dumps(versions, ensure_ascii=False))
        return
    typer.echo(f"{record.title}  <{record.id}>" + (f"  {record.url}" if record.url else ""))
    for v in versions:
        typer.echo(f"  {version_line(v)}")


@index_app.command("remove")
def index_remove(
    ctx: typer.Context,
    article_id: Annotated[str, typer.Argument(help="Id shown by `citebot index list`.")],
    as_json: JsonOption = False,
) -> None:
    """Remove one article and all its passages."""
    try:
        removed = _parts(ctx.obj).catalog.remove_article(article_id)
    except IndexingError as exc:
        raise _fail(str(exc)) from None
    if not removed:
        raise _fail(f"no article '{article_id}' in the index (see `citebot index list`)")
    _report(SyncReport(removed=[article_id]), as_json)


@index_app.command("rebuild")
def index_rebuild(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """Re-embed every indexed article from its file with the configured model (after changing it)."""
    settings: Settings = ctx.obj
    try:
        old = _parts(settings).catalog
        records = list(old.articles().values())
        old.reset()
        indexer = _indexer(_parts(settings), progress=not as_json)
        report = indexer.reindex(records) if records else indexer.sync(settings.articles_dir)
    except IndexingError as exc:
        raise _fail(str(exc)) from None
    _report(report, as_json)


@index_app.command("check")
def index_check(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option(help="Remove leftover rows and re-index incomplete articles.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Verify the index: catalog against rows, and the saved search state; exit 1 when something is wrong."""
    from index.snapshot import refresh_saved

    settings: Settings = ctx.obj
    try:
        parts = _parts(settings)
        store = parts.indexer.store if repair else parts.catalog
        with store.writing():
            found = store.check()
            repaired: dict[str, object] = {}
            if repair and not found.ok:
                repaired["leftover_rows_removed"] = store.collect_garbage()
                records = [r for r in store.articles().values() if r.id in found.incomplete]
                if records:
                    repaired["reindexed"] = parts.indexer.reindex(records, rewrite=True).to_dict()
                found = store.check()
            refresh_saved(store, settings.search_dir)  # rebuilt when missing, damaged or behind
    except IndexingError as exc:
        raise _fail(str(exc)) from None
    result = {"ok": found.ok} | asdict(found) | repaired
    if as_json:
        typer.echo(json.dumps(result, ensure_ascii=False))
    else:
        typer.echo(
            f"{found.articles} articles, {found.passages} passages; {found.leftover_rows} leftover rows; "
            f"incomplete: {', '.join(found.incomplete) or 'none'}" + ("" if found.ok else " (fix: --repair)")
        )
    if not found.ok:
        raise typer.Exit(1)


@index_app.command("backup")
def index_backup(
    ctx: typer.Context, folder: Annotated[Path, typer.Argument(help="A new folder for the copy.")]
) -> None:
    """Copy the index (embedded store) to FOLDER while no indexing run writes."""
    from index.backup import BackupError, backup

    try:
        backup(ctx.obj, folder)
    except (BackupError, IndexingError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"backed up {ctx.obj.data_dir / 'chroma'} to {folder}")


@index_app.command("restore")
def index_restore(
    ctx: typer.Context, folder: Annotated[Path, typer.Argument(help="A folder made by `citebot index backup`.")]
) -> None:
    """Replace the index by a backup; the current one is kept beside it as chroma.before-restore-TIME."""
    from index.backup import BackupError, restore

    try:
        kept = restore(ctx.obj, folder)
    except (BackupError, IndexingError) as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"restored {folder}; the previous index is kept in {kept}" if kept else f"restored {folder}")


def _load_history(path: Path | None) -> list[Turn]:
    if path is None:
        return []
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
        return [Turn(str(r["question"]), str(r.get("answer", ""))) for r in rows]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        raise _fail(f"{path}: not a JSON list of {{'question', 'answer'}} turns ({exc})") from None


def _chain(parts):
    """The parts' chain, with a clear error when it cannot be built or there is nothing to search."""
    from bot.llm import LlmConfigError

    try:
        chain = parts.chain
    except (IndexingError, LlmConfigError) as exc:
        raise _fail(str(exc)) from None
    if not chain.search.size:
        raise _fail(f"the index is empty; run `citebot index sync` to index {parts.settings.articles_dir}")
    return chain


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="The question, or - to read one question per line from stdin.")],
    as_json: JsonOption = False,
    history: Annotated[Path | None, typer.Option(help="JSON list of earlier turns for a follow-up.")] = None,
    article: Annotated[list[str] | None, typer.Option(help="Only search this article id (repeatable).")] = None,
    answerer: AnswererOption = None,
) -> None:
    """Answer a question from the indexed articles, with citations. A question that cannot be read (empty, not
    UTF-8) gets its own error (a JSON object with "error" under --json), the others are still answered, and
    the exit code is 1."""
    turns = _load_history(history)
    if question != "-" and (problem := _question_problem(question)):
        _ask_error(problem, None, as_json)
        raise typer.Exit(1)
    chain = _chain(_parts(ctx.obj, answerer))
    failed = False
    for number, (q, problem) in enumerate(_questions(question), start=1):
        line = number if question == "-" else None
        if problem:
            failed = True
            _ask_error(problem, line, as_json)
            continue
        answer = chain.invoke(q, turns, article_ids=article or None)
        if as_json:
            typer.echo(json.dumps(answer.to_dict(), ensure_ascii=False))
            sys.stdout.flush()
        else:
            typer.echo(render_text(answer))
    if failed:
        raise typer.Exit(1)


def _questions(question: str):
    """(question, problem) pairs: the argument, or each non-blank line of stdin read as UTF-8 line by line, so a
    bad line is reported on its own and the rest are still answered."""
    if question != "-":
        yield question.strip(), None
        return
    for raw in sys.stdin.buffer:
        try:
            text = raw.decode("utf-8").strip()
        except UnicodeDecodeError as exc:
            yield "", f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at position {exc.start})"
            continue
        if text:
            yield text, _question_problem(text)


def _question_problem(question: str) -> str | None:
    """Why a question cannot be asked, or None."""
    if not question.strip():
        return "empty question"
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:  # undecodable bytes in an argument arrive as lone surrogates
        return "not valid UTF-8"
    return None


def _ask_error(problem: str, line: int | None, as_json: bool) -> None:
    where = f"line {line}: " if line is not None else ""
    if as_json:
        typer.echo(json.dumps({"error": where + problem, **({"line": line} if line is not None else {})}))
        sys.stdout.flush()
    else:
        typer.echo(f"error: {where}{problem}", err=True)


@app.command()
def chat(
    ctx: typer.Context,
    article: Annotated[list[str] | None, typer.Option(help="Only search this article id (repeatable).")] = None,
    answerer: AnswererOption = None,
) -> None:
    """Talk to citebot in the terminal; follow-up questions use the conversation so far."""
    _chat(_parts(ctx.obj, answerer), article)


def _chat(parts, article: list[str] | None) -> None:
    chain = _chain(parts)
    turns: list[Turn] = []
    typer.echo("citebot: stel een vraag over de artikelen (/reset wist de context, /quit stopt).")
    while True:
        try:
            question = input("\nvraag> ").strip()
        except (EOFError, KeyboardInterrupt):
            typer.echo("")
            return
        if question in ("/quit", "/exit", "quit", "exit"):
            return
        if question == "/reset":
            turns.clear()
            typer.echo("(context gewist)")
            continue
        if not question:
            continue
        answer = chain.invoke(question, turns, article_ids=article or None)
        typer.echo("\n" + render_text(answer))
        turns.append(Turn(question, answer.text))


@app.command()
def telegram(
    ctx: typer.Context,
    answerer: AnswererOption = None,
) -> None:
    """Run the Telegram bot (long polling; a webhook when TELEGRAM_WEBHOOK_URL is set)."""
    _telegram(_parts(ctx.obj, answerer))


def _telegram(parts) -> None:
    from bot.telegram.app import run

    settings: Settings = parts.settings
    if settings.telegram_bot_token is None:
        raise _fail("TELEGRAM_BOT_TOKEN is not set; create a bot with @BotFather and put its token in .env")
    from telegram.error import InvalidToken, TelegramError

    from bot.telegram.webhook import WebhookError, webhook_path

    if settings.telegram_webhook_url:
        try:
            webhook_path(settings.telegram_webhook_url)  # before the model loads
        except WebhookError as exc:
            raise _fail(str(exc)) from None
    _chain(parts)
    typer.echo("citebot: starting the Telegram bot; Ctrl-C stops it.")
    server = settings.telegram_api_base_url or "https://api.telegram.org"
    try:
        run(parts)
    except WebhookError as exc:
        raise _fail(str(exc)) from None
    except InvalidToken:
        raise _fail(f"{server} rejected TELEGRAM_BOT_TOKEN; check it with @BotFather") from None
    except TelegramError as exc:
        raise _fail(f"cannot reach the Telegram Bot API at {server} ({exc})") from None


@app.command("run")
def run_default(ctx: typer.Context) -> None:
    """What `make run` does: sync the articles folder, then the Telegram bot if TELEGRAM_BOT_TOKEN is set,
    otherwise the terminal chat."""
    settings: Settings = ctx.obj
    parts = _parts(settings)  # one embedding model for indexing and answering
    try:
        report = _indexer(parts, progress=True).sync(settings.articles_dir)
    except IndexingError as exc:
        raise _fail(str(exc)) from None
    for failure in report.failed:
        typer.echo(f"failed: {failure.path}: {failure.error}", err=True)
    typer.echo(report.summary())
    if settings.telegram_bot_token is not None:
        _telegram(parts)
        return
    typer.echo("(Set TELEGRAM_BOT_TOKEN in .env to run the Telegram bot instead; see README, 'Telegram'.)")
    _chat(parts, None)


GLOBAL_OPTIONS = ("--data-dir", "--embedding-model")


def hoist_global_options(argv: list[str]) -> list[str]:
    """`citebot index add FILE --data-dir D` as `citebot --data-dir D index add FILE`: people type options at
    the end, and typer reads these two only before the command. Nothing after `--` moves."""
    front: list[str] = []
    rest: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        name = arg.split("=", 1)[0]
        if name in GLOBAL_OPTIONS and "=" in arg:
            front.append(arg)
        elif name in GLOBAL_OPTIONS and i + 1 < len(argv):
            front += [arg, argv[i + 1]]
            i += 1
        else:
            rest.append(arg)
        i += 1
    return front + rest


def main() -> None:
    """Entry point of the `citebot` console script."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for noisy in ("httpx", "chromadb"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    app(args=hoist_global_options(sys.argv[1:]), prog_name="citebot")


__all__ = ["Failure", "app", "main"]
