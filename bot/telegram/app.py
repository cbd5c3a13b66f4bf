"""Build the Telegram Application (handlers, persistence, error handler) and run it."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from telegram import BotCommand, Update
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.feedback import FeedbackStore
from bot.parts import Parts
from bot.settings import Settings
from bot.telegram import conversation, operators
from bot.telegram.conversation import reply, ui_language
from bot.telegram.limits import RateLimiter
from bot.telegram.outbox import Courier, Outbox
from bot.telegram.persistence import ChatStatePersistence
from bot.telegram.services import KEY, Services
from bot.telegram.texts import text
from bot.telegram.webhook import listening_socket, webhook_options
from index.fetch import LINK_MESSAGE

log = logging.getLogger(__name__)

COMMANDS = [
    ("help", "How to ask / Hoe vraag je iets"),
    ("articles", "Indexed articles, scope the chat"),
    ("sources", "Sources of the last answer"),
    ("reset", "Forget the conversation"),
    ("ask", "Ask a question (groups)"),
]


def quiet_token_logging(token: str) -> None:
    """Bot API URLs contain the token, and httpx (INFO) and PTB (DEBUG) log URLs: quiet the first and
    redact the token from every log record, whoever logs it and wherever it goes."""
    for name in ("httpx", "httpcore"):
        logging.getLogger(name).setLevel(logging.WARNING)
    _SECRETS.add(token)
    global _installed
    if _installed:
        return
    _installed = True
    make_record = logging.getLogRecordFactory()

    def redacting(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        message = record.getMessage()
        if any(secret in message for secret in _SECRETS):
            for secret in _SECRETS:
                message = message.replace(secret, "<TELEGRAM_BOT_TOKEN>")
            record.msg, record.args = message, None
        return record

    logging.setLogRecordFactory(redacting)


_SECRETS: set[str] = set()
_installed = False


def build_application(parts: Parts) -> Application:
    """The Application with every handler, over parts the caller built (and may share)."""
    settings = parts.settings
    if settings.telegram_bot_token is None:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set (see README, 'Telegram')")
    quiet_token_logging(settings.telegram_bot_token.get_secret_value())
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token.get_secret_value())
        .concurrent_updates(True)
        .persistence(ChatStatePersistence(Path(settings.data_dir) / "telegram-chats.sqlite3", update_interval=5))
        .post_init(_post_init)
        .post_stop(_post_stop)
    )
    if settings.telegram_api_base_url:
        base = settings.telegram_api_base_url.rstrip("/")
        builder = builder.base_url(base).base_file_url(_file_url(base))
    application = builder.build()
    outbox = Outbox(Path(settings.data_dir) / "telegram-outbox.sqlite3")
    courier = Courier(application.bot, outbox, keep_seconds=settings.telegram_outbox_seconds)
    feedback = FeedbackStore(Path(settings.data_dir)) if settings.feedback_enabled else None
    application.bot_data[KEY] = Services(
        settings, parts.chain, parts.indexer, RateLimiter(settings.rate_limit_per_minute), courier, feedback
    )
    add_handlers(application, settings)
    return application


def _file_url(base_url: str) -> str:
    """https://host/bot -> https://host/file/bot, as Telegram and telegram-bot-api serve files."""
    head, _, tail = base_url.rpartition("/")
    return f"{head}/file/{tail}"


async def _post_init(application: Application) -> None:
    application.bot_data[KEY].courier.resume()  # answers an earlier run computed but could not deliver
    await application.bot.set_my_commands([BotCommand(c, d) for c, d in COMMANDS])


async def _post_stop(application: Application) -> None:
    """Undelivered answers stay in the outbox for the next start."""
    await application.bot_data[KEY].courier.stop()


async def only_new_messages(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An edited message was answered when it was new, and channel posts are not questions to the bot:
    both are ignored, silently (so are any other update kinds no handler asks for)."""
    if update.message is None and update.callback_query is None:
        raise ApplicationHandlerStop


def add_handlers(application: Application, settings: Settings) -> None:
    application.add_handler(TypeHandler(Update, only_new_messages), group=-2)
    if settings.allowed_chat_ids:
        allowed = settings.allowed_chat_ids

        async def gate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
            """ALLOWED_CHAT_IDS: everyone else is ignored, silently."""
            chat = update.effective_chat
            if chat is None or chat.id not in allowed:
                raise ApplicationHandlerStop

        application.add_handler(TypeHandler(Update, gate), group=-1)

    on = application.add_handler
    on(CommandHandler(["start", "help"], conversation.start))
    on(CommandHandler("reset", conversation.reset))
    on(CommandHandler("ask", conversation.ask))
    on(CommandHandler("sources", conversation.sources))
    on(CommandHandler("articles", conversation.articles))
    on(CommandHandler("reindex", operators.reindex))
    on(CommandHandler("remove", operators.remove))
    on(CommandHandler("stats", operators.stats))
    on(CommandHandler("history", operators.history))
    on(CommandHandler("add", operators.add_document))  # as a reply to a document
    on(MessageHandler(filters.Document.ALL & filters.CaptionRegex(r"^/add(@\w+)?\b"), operators.add_document))
    on(CallbackQueryHandler(conversation.on_source_button, pattern=r"^src:"))
    on(CallbackQueryHandler(conversation.on_scope_button, pattern=r"^scope:"))
    on(CallbackQueryHandler(conversation.on_feedback_button, pattern=r"^fb:"))
    on(MessageHandler(filters.ChatType.PRIVATE & filters.Regex(LINK_MESSAGE), operators.add_link))
    on(MessageHandler(filters.TEXT & ~filters.COMMAND, conversation.on_text))
    on(MessageHandler(~filters.TEXT & ~filters.COMMAND & ~filters.StatusUpdate.ALL, conversation.not_text))
    application.add_error_handler(on_error)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the traceback; tell the user briefly, without internals."""
    log.error("error while handling an update", exc_info=context.error)
    if isinstance(update, Update) and update.effective_message is not None:
        try:
            await reply(update.effective_message, text(ui_language(update), "error"))
        except Exception:  # noqa: BLE001 - the error reply itself failed; it is logged, the bot goes on
            log.exception("could not send the error message")


def run(parts: Parts) -> None:
    """Long polling, or a webhook when TELEGRAM_WEBHOOK_URL is set."""
    settings = parts.settings
    application = build_application(parts)
    if settings.telegram_webhook_url:
        options = webhook_options(settings, listening_socket(settings))
        log.info(
            "webhook: listening on %s:%s%s for %s",
            settings.telegram_webhook_listen,
            settings.telegram_webhook_port,
            options["url_path"],
            settings.telegram_webhook_url,
        )
        application.run_webhook(**options, allowed_updates=Update.ALL_TYPES)
    else:
        application.run_polling(allowed_updates=Update.ALL_TYPES)
