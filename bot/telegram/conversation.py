"""Handlers for people asking questions: questions, follow-ups, sources, articles, help."""

from __future__ import annotations

import asyncio
import logging
import re
import time
from dataclasses import asdict
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ChatType, MessageEntityType, ParseMode
from telegram.error import NetworkError, TelegramError, TimedOut
from telegram.ext import ContextTypes

from bot.answer.types import Answer, Citation, Turn
from bot.telegram.drafts import Streamer
from bot.telegram.html import citation_html, passage_html, split_html
from bot.telegram.retry import may_have_arrived, with_retry
from bot.telegram.services import MAX_KEPT_ANSWERS, services
from bot.telegram.texts import language_of, text

log = logging.getLogger(__name__)


def ui_language(update: Update) -> str:
    user = update.effective_user
    return language_of(user.language_code if user else None)


async def reply(message: Message, html: str, markup: InlineKeyboardMarkup | None = None) -> Message:
    """Send HTML, split to Telegram's size limit; the buttons go under the last part."""
    parts = split_html(html)
    sent = message
    for i, part in enumerate(parts):
        buttons = markup if i == len(parts) - 1 else None
        try:
            sent = await with_retry(
                lambda part=part, buttons=buttons: message.reply_text(
                    part, parse_mode=ParseMode.HTML, reply_markup=buttons, disable_web_page_preview=True
                )
            )
        except (TimedOut, NetworkError) as exc:
            if not may_have_arrived(exc):
                raise
            log.warning("a reply to chat %s may have arrived (%s); not sending it again", message.chat_id, exc)
    return sent


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start and /help: what the bot knows and how to ask."""
    svc = services(context)
    language = ui_language(update)
    example = "Hoe hoorde Loekasjenko over de invasie?" if language == "nl" else "What did the article say about X?"
    body = text(
        language,
        "help",
        articles=len(await asyncio.to_thread(svc.store.articles)),
        example=example,
        turns=svc.settings.history_turns,
        username=context.bot.username,
    )
    user = update.effective_user
    if user and user.id in svc.settings.admin_user_ids:
        body += text(language, "admin_help")
    await reply(update.effective_message, body)


async def reset(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reset: forget this chat's conversation (and article scope)."""
    context.chat_data.pop("history", None)
    context.chat_data.pop("scope", None)
    await reply(update.effective_message, text(ui_language(update), "reset"))


def addressed_question(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The question in a text message, or None when a group message is not meant for the bot."""
    message = update.effective_message
    if message is None or message.text is None:
        return None
    if message.chat.type == ChatType.PRIVATE:
        return message.text
    username = f"@{context.bot.username}".lower()
    mentions = message.parse_entities([MessageEntityType.MENTION])
    if any(value.lower() == username for value in mentions.values()):
        question = message.text
        for value in mentions.values():
            question = question.replace(value, " ")
        return " ".join(question.split())
    replied = message.reply_to_message
    if replied and replied.from_user and replied.from_user.id == context.bot.id:
        return message.text
    return None


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A text message: a question (in groups only when the bot is addressed)."""
    question = addressed_question(update, context)
    if question is not None:
        await answer_question(update, context, question)


async def ask(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/ask <question>, for groups."""
    question = " ".join(context.args or [])
    if not question:
        await reply(update.effective_message, text(ui_language(update), "ask_usage"))
        return
    await answer_question(update, context, question)


async def answer_question(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Limits, then the chain off the event loop (streaming edits when the answerer streams), then the reply."""
    svc = services(context)
    message = update.effective_message
    language = ui_language(update)
    question = question.strip()
    if not question:
        await reply(message, text(language, "empty_question"))
        return
    if len(question) > svc.settings.max_question_chars:
        await reply(message, text(language, "too_long", length=len(question), limit=svc.settings.max_question_chars))
        return
    user_id = update.effective_user.id if update.effective_user else 0
    if not svc.limiter.allow(user_id):
        await reply(message, text(language, "slow_down", limit=svc.settings.rate_limit_per_minute))
        return
    with svc.courier.answering(message.chat_id, message.message_id):
        await typing(context, message.chat_id)
        history = [Turn(q, a) for q, a in context.chat_data.get("history", [])]
        scope = context.chat_data.get("scope")
        stream = Streamer(message, asyncio.get_running_loop(), language)
        started = time.perf_counter()
        answer: Answer = await asyncio.to_thread(
            svc.chain.invoke, question, history, [scope] if scope else None, stream.partial
        )
        svc.stats.record((time.perf_counter() - started) * 1000, answer.answered)
        markup = remember_answer(context, question, answer, svc.feedback is not None)
        await stream.finish(svc.courier, answer, markup)
    turns = [*context.chat_data.get("history", []), (question, answer.text)]
    context.chat_data["history"] = turns[-max(svc.settings.history_turns, 1) :]


async def typing(context: ContextTypes.DEFAULT_TYPE, chat_id: int) -> None:
    """'typing…' while the answer is computed: cosmetic, so one try (an outage must not hold the answer up)."""
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError as exc:
        log.info("could not show 'typing' (%s)", exc)


def remember_answer(
    context: ContextTypes.DEFAULT_TYPE, question: str, answer: Answer, feedback: bool
) -> InlineKeyboardMarkup | None:
    """Keep the answer (its citations for source buttons and /sources, what a vote needs) and make its
    buttons: one per source, and 👍/👎 when feedback is on."""
    if not answer.citations and not feedback:
        return None
    number = context.chat_data.get("answers_seen", 0) + 1
    context.chat_data["answers_seen"] = number
    history = context.chat_data.get("history", [])
    kept: dict[str, dict] = context.chat_data.setdefault("answers", {})  # str keys: chat state is JSON
    kept[str(number)] = {
        "language": answer.language,
        "citations": [asdict(c) for c in answer.citations],
        "question": question,
        "previous": history[-1][0] if history else None,
        "text": answer.text,
        "answered": answer.answered,
        "retrieved": [h.passage.id for h in answer.retrieved],
    }
    for old in sorted(kept, key=int)[:-MAX_KEPT_ANSWERS]:
        del kept[old]
    rows = [source_row(number, answer.citations)] if answer.citations else []
    if feedback:
        rows.append(
            [
                InlineKeyboardButton("👍", callback_data=f"fb:{number}:up"),
                InlineKeyboardButton("👎", callback_data=f"fb:{number}:down"),
            ]
        )
    return InlineKeyboardMarkup(rows)


def source_row(number: int, citations: list[Citation]) -> list[InlineKeyboardButton]:
    return [InlineKeyboardButton(f"📄 [{c.n}]", callback_data=f"src:{number}:{c.n}") for c in citations]


def source_buttons(number: int, citations: list[Citation]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([source_row(number, citations)])


async def on_feedback_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """👍/👎 under an answer: one vote per reader per answer (a second tap changes it)."""
    query = update.callback_query
    svc = services(context)
    language = ui_language(update)
    match = re.fullmatch(r"fb:(\d{1,9}):(up|down)", query.data or "")
    kept = (context.chat_data or {}).get("answers", {}).get(match.group(1)) if match else None
    chat = update.effective_chat
    if svc.feedback is None or kept is None or chat is None or query.from_user is None:
        await with_retry(lambda: query.answer(text(language, "gone"), show_alert=True), repeatable=True)
        return
    vote = 1 if match.group(2) == "up" else -1  # type: ignore[union-attr]
    answer = {k: kept.get(k) for k in ("question", "previous", "text", "answered", "retrieved", "language")}
    answer["cited"] = [c["passage_id"] for c in kept["citations"]]
    answer["quotes"] = [c["quote"] for c in kept["citations"]]
    await asyncio.to_thread(svc.feedback.vote, chat.id, match.group(1), query.from_user.id, vote, answer)  # type: ignore[union-attr]
    await with_retry(lambda: query.answer(text(language, "thanks_up" if vote > 0 else "thanks_down")), repeatable=True)


async def on_source_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A source button: show the full passage behind [n]."""
    query = update.callback_query
    match = re.fullmatch(r"src:(\d{1,9}):(\d{1,3})", query.data or "")
    kept = (context.chat_data or {}).get("answers", {}).get(match.group(1)) if match else None
    citation = next((c for c in kept["citations"] if c["n"] == int(match.group(2))), None) if kept else None
    if citation is None or query.message is None:  # forged or stale data, or a message Telegram no longer has
        await with_retry(lambda: query.answer(text(ui_language(update), "gone"), show_alert=True), repeatable=True)
        return
    await with_retry(lambda: query.answer(), repeatable=True)
    await reply(query.message, passage_html(Citation(**citation), kept["language"]))  # type: ignore[arg-type]


async def sources(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/sources: the last answer's sources, with their buttons."""
    kept = context.chat_data.get("answers", {})
    if not kept:
        await reply(update.effective_message, text(ui_language(update), "no_sources"))
        return
    number = max(kept, key=int)
    citations = [Citation(**c) for c in kept[number]["citations"]]
    html = "\n".join(citation_html(c, kept[number]["language"]) for c in citations)
    await reply(update.effective_message, html, source_buttons(int(number), citations))


async def articles(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/articles: the indexed articles, with buttons to scope the chat to one or to all."""
    language = ui_language(update)
    catalog = await asyncio.to_thread(services(context).store.articles)
    records = sorted(catalog.values(), key=lambda r: (r.date, r.id))
    if not records:
        await reply(update.effective_message, text(language, "no_articles"))
        return
    lines = [text(language, "articles", count=len(records))]
    lines += [f"• {escape(r.title)} ({r.date or '—'}) <code>{escape(r.id)}</code>" for r in records]
    rows = [[InlineKeyboardButton(r.title[:60], callback_data=f"scope:{r.id}"[:64])] for r in records[:20]]
    rows.append([InlineKeyboardButton(text(language, "all_articles"), callback_data="scope:")])
    await reply(update.effective_message, "\n".join(lines), InlineKeyboardMarkup(rows))


async def on_scope_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button under /articles: search one article (or all) from now on in this chat."""
    query = update.callback_query
    article_id = (query.data or "scope:").split(":", 1)[1]
    language = ui_language(update)
    if query.message is None or context.chat_data is None:  # no chat to scope
        await with_retry(lambda: query.answer(text(language, "gone"), show_alert=True), repeatable=True)
        return
    store = services(context).store
    record = await asyncio.to_thread(store.article, article_id) if article_id else None
    await with_retry(lambda: query.answer(), repeatable=True)
    if record is None:
        context.chat_data.pop("scope", None)
        await reply(query.message, text(language, "unscoped"))
    else:
        context.chat_data["scope"] = record.id
        await reply(query.message, text(language, "scoped", title=escape(record.title)))


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice...: a friendly pointer to text questions."""
    message = update.effective_message
    if message is not None and message.chat.type == ChatType.PRIVATE:
        await reply(message, text(ui_language(update), "not_text"))
