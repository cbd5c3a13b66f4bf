"""What a user sees while a generated answer streams: only sentences that passed the checks, as a draft in
private chats and as one edited status message in groups; the final answer then goes through the outbox."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import InlineKeyboardMarkup, Message
from telegram.constants import ChatType, ParseMode
from telegram.error import TelegramError

from bot.answer.types import Answer
from bot.telegram.html import answer_html, split_html
from bot.telegram.outbox import Courier
from bot.telegram.texts import text

log = logging.getLogger(__name__)
EDIT_INTERVAL_S = 1.5  # at most one draft or edit per chat this often (Telegram's flood limits)


class Streamer:
    """While a generated answer streams, shows the sentences that already passed the checks (never raw model
    text) under a status line: as a draft (sendMessageDraft) in private chats, by editing one status message
    in groups. The final answer goes through the outbox; in a group it replaces the status message."""

    def __init__(self, message: Message, loop: asyncio.AbstractEventLoop, language: str) -> None:
        self.message = message
        self.loop = loop
        self.language = language
        self.private = message.chat.type == ChatType.PRIVATE
        self.latest = ""
        self.shown = ""
        self.status: Message | None = None  # groups: the message edited while the answer streams
        self.task: asyncio.Task | None = None

    def partial(self, checked_so_far: str) -> None:
        """Called from the chain's thread with the checked sentences generated so far."""
        self.latest = checked_so_far
        if self.task is None:
            self.loop.call_soon_threadsafe(self._start)

    def _start(self) -> None:
        if self.task is None:
            self.task = self.loop.create_task(self._show_loop())

    def draft_html(self) -> str:
        status = f"⏳ <i>{text(self.language, 'checking')}</i>"
        return f"{status}\n\n{escape(self.latest[:3800])}" if self.latest else status

    async def _show_loop(self) -> None:
        while True:
            if self.latest != self.shown or (self.status is None and not self.private):
                html = self.draft_html()
                try:
                    await self._show(html)
                except TelegramError as exc:  # a draft is only a preview: the answer itself goes by the outbox
                    log.info("could not show the answer's draft (%s)", exc)
                self.shown = self.latest
            await asyncio.sleep(EDIT_INTERVAL_S)

    async def _show(self, html: str) -> None:
        chat_id = self.message.chat_id
        if self.private:  # a draft is not a message: nothing stays in the chat if the answer never arrives
            await self.message.get_bot().send_message_draft(
                chat_id, self.message.message_id or 1, html, parse_mode=ParseMode.HTML
            )
        elif self.status is None:
            self.status = await self.message.reply_text(html, parse_mode=ParseMode.HTML)
        else:
            await self.status.edit_text(html, parse_mode=ParseMode.HTML)

    async def finish(self, courier: Courier, answer: Answer, markup: InlineKeyboardMarkup | None) -> None:
        """Stop showing drafts and hand the checked answer to the outbox."""
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
        courier.post(
            self.message.chat_id,
            split_html(answer_html(answer)),
            markup,
            reply_to=self.message.message_id,
            replaces=self.status.message_id if self.status else None,
        )
