"""Webhook mode: the socket the bot listens on, the path it answers, and the secret Telegram must send.

Telegram posts every update to TELEGRAM_WEBHOOK_URL with the header X-Telegram-Bot-Api-Secret-Token set to
the secret given to setWebhook; PTB's webhook server answers 403 to any request without it, so a forged
update (an "admin" asking for /remove) never reaches a handler. The server listens on loopback by default:
a reverse proxy terminates TLS and forwards the URL's path to it.
"""

from __future__ import annotations

import logging
import re
import secrets
import socket
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from bot.privatefile import write_private
from bot.settings import Settings

log = logging.getLogger(__name__)

SECRET_FILE = "telegram-webhook-secret"
_VALID_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class WebhookError(ValueError):
    """A webhook setting that cannot work; the message says which and how to fix it."""


def webhook_path(url: str) -> str:
    """The path Telegram posts to, from TELEGRAM_WEBHOOK_URL ('https://bot.example.org/tg/hook' -> '/tg/hook')."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(f"TELEGRAM_WEBHOOK_URL must be an https:// URL that Telegram can reach, got {url!r}")
    if parts.query or parts.fragment:
        raise WebhookError("TELEGRAM_WEBHOOK_URL must not have a query or fragment: Telegram posts to its path")
    return parts.path or "/"


def webhook_secret(settings: Settings) -> str:
    """TELEGRAM_WEBHOOK_SECRET, or the one generated on the first start and kept in DATA_DIR (mode 0600), so a
    restart does not have to call setWebhook with a new secret while Telegram still sends the old one."""
    if settings.telegram_webhook_secret is not None:
        return settings.telegram_webhook_secret.get_secret_value()
    path = Path(settings.data_dir) / SECRET_FILE
    try:
        kept = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        kept = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise WebhookError(f"cannot read the webhook secret {path} ({exc}); delete it to make a new one") from None
    if _VALID_SECRET.fullmatch(kept):
        return kept
    if kept:
        log.warning("the webhook secret in %s is not valid for Telegram; making a new one", path)
    secret = secrets.token_urlsafe(32)
    write_private(path, secret + "\n")
    log.info("generated a webhook secret and kept it in %s", path)
    return secret


def listening_socket(settings: Settings) -> socket.socket:
    """The bound socket for TELEGRAM_WEBHOOK_LISTEN:TELEGRAM_WEBHOOK_PORT (port 0: any free port)."""
    host, port = settings.telegram_webhook_listen, settings.telegram_webhook_port
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = socket.create_server((host, port), family=family, backlog=128)
    except OSError as exc:
        raise WebhookError(
            f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
            "set TELEGRAM_WEBHOOK_LISTEN / TELEGRAM_WEBHOOK_PORT to a free local address"
        ) from None
    sock.setblocking(False)  # tornado's event loop accepts on it
    return sock


def webhook_options(settings: Settings, sock: socket.socket) -> dict[str, Any]:
    """Keyword arguments for Application.run_webhook / Updater.start_webhook."""
    if not settings.telegram_webhook_url:
        raise WebhookError("TELEGRAM_WEBHOOK_URL is not set")
    return {
        "unix": sock,  # PTB serves on any bound socket it is given; we bind it, so the address is ours
        "url_path": webhook_path(settings.telegram_webhook_url),
        "webhook_url": settings.telegram_webhook_url,
        "secret_token": webhook_secret(settings),
    }
