"""A local OpenAI-compatible chat server, standing in for a hosted LLM (unreachable here) so that the real
ChatOpenAI client, its HTTP stack and citebot's deadlines are exercised over a real socket.

Modes: "answer" streams `reply(prompt)` word by word (or returns it whole when not streaming), "trickle"
sends SSE keep-alive comments and never a token, "hang" reads the request and never answers. It counts the
connections it is holding, so a test sees when the client has given up on them.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class FakeLlmServer:
    reply: Callable[[str], str] = lambda prompt: "Dat staat niet in de artikelen die ik ken."
    mode: str = "answer"
    held: int = 0  # connections in "trickle" or "hang" right now
    requests: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _closing: threading.Event = field(default_factory=threading.Event)

    def start(self) -> str:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
                with server._lock:
                    server.requests += 1
                prompt = "\n".join(str(m.get("content", "")) for m in body.get("messages", []))
                if server.mode in ("trickle", "hang"):
                    server._hold(self, trickle=server.mode == "trickle")
                elif body.get("stream"):
                    self._stream(server.reply(prompt))
                else:
                    self._whole(server.reply(prompt))

            def _whole(self, text: str) -> None:
                data = json.dumps(
                    {
                        "id": "fake",
                        "object": "chat.completion",
                        "created": int(time.time()),
                        "model": "fake",
                        "choices": [
                            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
                        ],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
                    }
                ).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _stream(self, text: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in re.findall(r"\S+\s*", text):
                    chunk = {
                        "id": "fake",
                        "object": "chat.completion.chunk",
                        "created": int(time.time()),
                        "model": "fake",
                        "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def _hold(self, handler: BaseHTTPRequestHandler, trickle: bool) -> None:
        """Keep the connection until the client closes it (or the server stops)."""
        with self._lock:
            self.held += 1
        try:
            if trickle:
                handler.send_response(200)
                handler.send_header("Content-Type", "text/event-stream")
                handler.end_headers()
            handler.connection.settimeout(0.2)
            while not self._closing.is_set():
                if trickle:
                    handler.wfile.write(b": keep-alive\n\n")
                    handler.wfile.flush()
                try:
                    if handler.connection.recv(1) == b"":  # the client hung up
                        return
                except TimeoutError:
                    continue
        except OSError:  # broken pipe, reset: the client hung up
            return
        finally:
            with self._lock:
                self.held -= 1

    def wait_released(self, seconds: float) -> bool:
        """True once no connection is held, within `seconds`."""
        ends = time.monotonic() + seconds
        while time.monotonic() < ends:
            if self.held == 0:
                return True
            time.sleep(0.05)
        return self.held == 0

    def stop(self) -> None:
        self._closing.set()
        self.server.shutdown()
        self.server.server_close()
