"""A local stand-in for Telegram's Bot API servers, enough for the real PTB Application to run against it.

It speaks HTTP like api.telegram.org (POST /bot<token>/<method>, GET /file/bot<token>/<path>), queues
updates for getUpdates, records every call the bot makes, and can answer a call with an error once (e.g. a
429 with retry_after) to test flood control, be down (500 to everything), or carry out a call and hang up
before replying (the bot cannot know whether it arrived). This is the only fake in the Telegram tests: Telegram itself
is unreachable here.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote

BOT = {"id": 999, "is_bot": True, "first_name": "citebot", "username": "citebot_test_bot"}


@dataclass
class Call:
    method: str
    params: dict[str, Any]


@dataclass
class BotApi:
    token: str
    calls: list[Call] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    failures: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)
    down: bool = False  # an outage: every call is answered 500 and carried out by nobody
    lose_reply: dict[str, int] = field(default_factory=dict)  # carry out this many calls, then hang up unanswered
    _updates: list[dict] = field(default_factory=list)
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _messages: itertools.count = field(default_factory=lambda: itertools.count(1000))

    def start(self) -> str:
        api = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # keep test output clean
                pass

            def do_GET(self) -> None:
                prefix = f"/file/bot{api.token}/"
                path = unquote(self.path)  # PTB quotes the token's ':' in file URLs
                body = api.files.get(path[len(prefix) :]) if path.startswith(prefix) else None
                self.send_response(200 if body is not None else 404)
                self.end_headers()
                self.wfile.write(body or b"")

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length).decode()
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    params = json.loads(raw or "{}")
                else:
                    params = {k: _value(v) for k, v in parse_qsl(raw)}
                token, _, method = self.path.removeprefix("/bot").partition("/")
                status, payload = (401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
                if api.down:
                    status, payload = 500, {"ok": False, "error_code": 500, "description": "Internal Server Error"}
                elif token == api.token:
                    status, payload = api.handle(method, params)
                    if api.lose_reply.get(method):
                        api.lose_reply[method] -= 1
                        self.close_connection = True  # done, but the bot never hears so
                        return
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/bot"

    def stop(self) -> None:
        self.server.shutdown()

    # --- what the bot calls -------------------------------------------------------------------------
    def handle(self, method: str, params: dict) -> tuple[int, dict]:
        if method != "getUpdates":
            self.calls.append(Call(method, params))
        queued = self.failures.get(method)
        if queued:
            status, error = queued.pop(0)
            return status, {"ok": False, "error_code": status, **error}
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._get_updates(params)}
        if method == "getMe":
            return 200, {"ok": True, "result": BOT}
        if method in ("sendMessage", "editMessageText"):
            chat = (
                {"id": int(params["chat_id"]), "type": "private"}
                if "chat_id" in params
                else {"id": 0, "type": "private"}
            )
            message_id = int(params.get("message_id") or next(self._messages))
            result = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": chat,
                "text": params.get("text", ""),
                "from": BOT,
            }
            return 200, {"ok": True, "result": result}
        if method == "getFile":
            file_id = params["file_id"]
            return 200, {
                "ok": True,
                "result": {
                    "file_id": file_id,
                    "file_unique_id": file_id,
                    "file_size": len(self.files[file_id]),
                    "file_path": file_id,
                },
            }
        return 200, {"ok": True, "result": True}

    def _get_updates(self, params: dict) -> list[dict]:
        offset = int(params.get("offset") or 0)
        deadline = time.monotonic() + min(float(params.get("timeout") or 0), 1.0)
        with self._cond:
            while True:
                ready = [u for u in self._updates if u["update_id"] >= offset]
                if ready or time.monotonic() >= deadline:
                    return ready
                self._cond.wait(deadline - time.monotonic())

    # --- what the tests do --------------------------------------------------------------------------
    def push(self, update: dict) -> int:
        with self._cond:
            update = {"update_id": next(self._ids), **update}
            self._updates.append(update)
            self._cond.notify_all()
        return update["update_id"]

    def sent(self, method: str = "sendMessage", chat_id: int | None = None) -> list[dict]:
        return [
            c.params
            for c in self.calls
            if c.method == method and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
        ]


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """The bot drops its long poll when it stops (broken pipe): not an error of the test."""


def _value(raw: str) -> Any:
    """PTB sends non-string parameters JSON-encoded inside the form."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


_MESSAGE_IDS = itertools.count(1)


def user(user_id: int, language: str = "nl") -> dict:
    return {"id": user_id, "is_bot": False, "first_name": f"user{user_id}", "language_code": language}


def message(
    text: str | None,
    *,
    chat_id: int = 1,
    user_id: int = 1,
    chat_type: str = "private",
    language: str = "nl",
    **extra: Any,
) -> dict:
    msg: dict[str, Any] = {
        "message_id": next(_MESSAGE_IDS),  # increasing, as Telegram's are within a chat
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": chat_type},
        "from": user(user_id, language),
        **extra,
    }
    if text is not None:
        msg["text"] = text
        if text.startswith("/"):
            msg["entities"] = [{"type": "bot_command", "offset": 0, "length": len(text.split()[0])}]
    return {"message": msg}
