"""Chat state on disk (history, scope, source buttons): PTB's PicklePersistence, made safe to restart.

PTB rewrites the file in place, so a crash mid-write leaves it truncated, and a damaged file stops the bot at
start-up. Here every write goes to a temporary file that replaces the old one, and a file that cannot be
read is moved aside (`telegram-chats.pickle.damaged-<time>`) with a warning: the bot starts with fresh chat
state instead of not at all.
"""

from __future__ import annotations

import logging
import os
import time

from telegram.ext import PicklePersistence

log = logging.getLogger(__name__)


class SafePicklePersistence(PicklePersistence):
    def _load_singlefile(self) -> None:
        try:
            super()._load_singlefile()
        except TypeError as exc:  # PTB's wrapping of any unpickling error
            aside = self.filepath.with_name(f"{self.filepath.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
            os.replace(self.filepath, aside)
            log.warning(
                "chat state %s could not be read (%s); moved it to %s and starting with fresh chat state",
                self.filepath,
                exc.__cause__ or exc,
                aside.name,
            )
            super()._load_singlefile()  # the file is gone: empty state

    def _dump_singlefile(self) -> None:
        final = self.filepath
        temporary = final.with_name(f".{final.name}.{os.getpid()}.tmp")
        self.filepath = temporary
        try:
            super()._dump_singlefile()
        finally:
            self.filepath = final
        os.replace(temporary, final)
