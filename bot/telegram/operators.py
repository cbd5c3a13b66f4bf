"""Operator commands: /add (a link, or an article as a document), a message that is just a link, /history,
/reindex, /remove, /stats. Admins only."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Callable, Coroutine
from html import escape
from pathlib import Path
from typing import Any

from telegram import Message, Update
from telegram.ext import ContextTypes

from bot.telegram.conversation import reply, ui_language
from bot.telegram.services import Services, services
from bot.telegram.texts import text
from index.articles import SUPPORTED_SUFFIXES, load_article
from index.errors import ArticleError, IndexingError
from index.fetch import add_links, looks_like_url
from index.history import version_line
from index.sync import SyncReport

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
audit = logging.getLogger("citebot.audit")
Handler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def admins_only(handler: Handler) -> Handler:
    """Non-admins get a polite refusal and nothing runs."""

    action = handler.__name__.removesuffix("_document")

    @functools.wraps(handler)
    async def guarded(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        svc = services(context)
        if user is None or user.id not in svc.settings.admin_user_ids:
            _audit(svc, update, action, "denied")
            await reply(update.effective_message, text(ui_language(update), "admins_only"))
            return
        try:
            await handler(update, context)
        except Exception as exc:
            _audit(svc, update, action, f"failed ({type(exc).__name__})")
            raise
        _audit(svc, update, action, "done")

    return guarded


def _audit(svc: Services, update: Update, action: str, result: str) -> None:
    """One audit line per operator action (who, what, on which article or file, how it ended)."""
    message = update.effective_message
    user = update.effective_user
    target = ""
    if message is not None:
        document = message.document or (message.reply_to_message.document if message.reply_to_message else None)
        words = (message.text or message.caption or "").split(maxsplit=1)
        target = (document.file_name or "") if document else (words[1] if len(words) > 1 else "")
    audit.info("audit user=%s action=%s target=%r result=%s", user.id if user else None, action, target[:200], result)
    svc.stats.operator_actions[f"{action} {result.split()[0]}"] += 1


def report_html(report: SyncReport) -> str:
    """What changed, one line per article, then the totals."""
    lines = []
    for label in ("added", "updated", "removed"):
        lines += [f"{label}: <code>{escape(a)}</code>" for a in getattr(report, label)]
    lines += [f"failed: {escape(_shown(f.path))}: {escape(f.error)}" for f in report.failed]
    lines.append(escape(report.summary()))
    return "\n".join(lines)


def _shown(path: str) -> str:
    """A link as it is, a file by its name only (no server paths in chat)."""
    return path if looks_like_url(path) else Path(path).name


async def _indexing(svc: Services, work: Callable[[], SyncReport]) -> SyncReport:
    """Run index changes one at a time, off the event loop, then let the chain see them."""
    async with svc.index_lock:
        report = await asyncio.to_thread(work)
        if report.changed:
            await asyncio.to_thread(svc.chain.refresh)
        return report


@admins_only
async def add_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A document captioned /add: check it parses, keep it in the articles folder, index it."""
    svc = services(context)
    message = update.effective_message
    links = [a for a in context.args or [] if looks_like_url(a)]
    if links:
        await _add_links(svc, message, links)
        return
    document = message.document if message.document else (message.reply_to_message or message).document
    if document is None:
        await reply(
            message,
            "Send a link (/add https://...) or the article as a document (.txt, .md or .html) with the caption /add.",
        )
        return
    name = Path(document.file_name or "article.txt").name
    if Path(name).suffix.lower() not in SUPPORTED_SUFFIXES:
        await reply(message, f"<b>{escape(name)}</b> was not added: only {', '.join(SUPPORTED_SUFFIXES)} files.")
        return
    if document.file_size and document.file_size > MAX_DOCUMENT_BYTES:
        await reply(message, f"<b>{escape(name)}</b> was not added: larger than {MAX_DOCUMENT_BYTES // 2**20} MB.")
        return
    telegram_file = await context.bot.get_file(document.file_id)
    data = bytes(await telegram_file.download_as_bytearray())
    try:
        await asyncio.to_thread(load_article, Path(name), data=data)
    except IndexingError as exc:  # the reason only: no server paths in chat
        reason = exc.reason if isinstance(exc, ArticleError) else str(exc)
        await reply(message, f"<b>{escape(name)}</b> was not added: {escape(reason)}")
        return
    target = svc.settings.articles_dir / name
    report = await _indexing(svc, lambda: svc.indexer.keep(target, data))
    await reply(message, report_html(report))


@admins_only
async def add_link(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A message that is just a link: fetch the article, keep it in the articles folder, index it."""
    await _add_links(services(context), update.effective_message, [(update.effective_message.text or "").strip()])


async def _add_links(svc: Services, message: Message, links: list[str]) -> None:
    await reply(message, "⏳ " + escape(", ".join(links)))
    settings = svc.settings
    report = await _indexing(
        svc,
        lambda: add_links(svc.indexer, links, settings.articles_dir, allow_private=settings.allow_private_urls),
    )
    await reply(message, report_html(report))


@admins_only
async def history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/history <article id>: its indexed versions, newest first, and what changed."""
    svc = services(context)
    if not context.args:
        await reply(update.effective_message, "Usage: /history &lt;article id&gt; (see /articles).")
        return
    record = await asyncio.to_thread(svc.store.article, context.args[0])
    if record is None:
        await reply(update.effective_message, f"No article <code>{escape(context.args[0])}</code>; see /articles.")
        return
    lines = [f"<b>{escape(record.title)}</b> <code>{escape(record.id)}</code>"]
    if record.url:
        lines.append(escape(record.url))
    lines += [f"• {escape(version_line(v))}" for v in record.versions()]
    await reply(update.effective_message, "\n".join(lines))


@admins_only
async def reindex(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reindex: sync the articles folder (new, changed, deleted files)."""
    svc = services(context)
    report = await _indexing(svc, lambda: svc.indexer.sync(svc.settings.articles_dir))
    await reply(update.effective_message, report_html(report))


@admins_only
async def remove(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/remove <article id>: drop it from the index; its file moves to the folder's .removed/ (kept, ignored)."""
    svc = services(context)
    if not context.args:
        await reply(update.effective_message, text(ui_language(update), "remove_usage"))
        return
    article_id = context.args[0]
    record = await asyncio.to_thread(svc.store.article, article_id)
    if record is None:
        await reply(update.effective_message, f"No article <code>{escape(article_id)}</code>; see /articles.")
        return

    def work() -> SyncReport:
        svc.store.remove_article(article_id)
        path = Path(record.path)
        folder = svc.settings.articles_dir.resolve()
        if path.is_file() and path.resolve().is_relative_to(folder):
            (folder / ".removed").mkdir(exist_ok=True)
            path.replace(folder / ".removed" / path.name)
        return SyncReport(removed=[article_id])

    report = await _indexing(svc, work)
    await reply(update.effective_message, report_html(report))


@admins_only
async def stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats: articles, passages, questions answered, latency since start."""
    svc = services(context)
    records = await asyncio.to_thread(svc.store.articles)
    p50, p95 = svc.stats.percentiles()
    asked = len(svc.stats.latencies_ms)
    courier = svc.courier
    waiting = len(await asyncio.to_thread(courier.outbox.pending))
    lines = [
        f"articles: {len(records)}",
        f"passages: {sum(r.passages for r in records.values())}",
        f"questions answered: {asked - svc.stats.refused} (of {asked}; {svc.stats.refused} not in the articles)",
        f"latency p50 / p95: {p50:.0f} / {p95:.0f} ms",
        f"answers delivered: {courier.delivered} (waiting {waiting}, dropped {courier.dropped}, "
        f"maybe delivered {courier.unsure})",
        "feedback: "
        + ("👍 {}, 👎 {}".format(*svc.feedback.counts()) if svc.feedback else "off (FEEDBACK_ENABLED=false)"),
        "operator actions: " + (", ".join(f"{k} {v}" for k, v in sorted(svc.stats.operator_actions.items())) or "none"),
    ]
    await reply(update.effective_message, "\n".join(lines))
