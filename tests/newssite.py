"""A local news site (127.0.0.1) serving real-looking article pages for the add-by-link tests: an article with
JSON-LD dates inside page clutter, a cookie wall, a redirect, a 404, a huge page and a PDF. `pages` can be
changed while it runs (an article updated by its publisher)."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

PARAGRAPHS = [
    "De gemeenteraad van Gent heeft dinsdagavond beslist dat de oude watertoren aan de Kortrijksesteenweg "
    "wordt omgebouwd tot een uitkijkpunt met een klein museum over de geschiedenis van de drinkwatervoorziening.",
    "Schepen van Erfgoed Annelies De Wilde noemt het project een kans om een vergeten monument terug aan de "
    "buurt te geven. De werken kosten volgens de raming 4,2 miljoen euro en starten in het voorjaar van 2025.",
    "Buurtbewoners waren verdeeld. Sommigen vrezen voor extra verkeer in de smalle straten rond de toren, "
    "anderen kijken uit naar het nieuwe uitzicht over de stad vanaf een hoogte van 38 meter.",
    "Het museum zal plaats bieden aan ongeveer zestig bezoekers tegelijk. De stad verwacht jaarlijks zo'n "
    "25.000 bezoekers, vooral scholen en toeristen die de binnenstad willen verkennen.",
]
UPDATE = (
    "Update: na de publicatie van dit artikel liet de stad weten dat de opening pas in 2027 verwacht wordt, "
    "omdat de stabiliteitsstudie van de toren meer tijd vraagt dan gepland."
)


def article_page(paragraphs: list[str], published: str, modified: str | None = None) -> str:
    dates = {"datePublished": published} | ({"dateModified": modified} if modified else {})
    ld = json.dumps(
        {"@context": "https://schema.org", "@type": "NewsArticle", "headline": "Watertoren wordt uitkijkpunt", **dates}
    )
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return f"""<!doctype html><html lang="nl"><head><meta charset="utf-8">
<title>Watertoren wordt uitkijkpunt | Het Gentse Nieuws</title>
<script type="application/ld+json">{ld}</script></head><body>
<nav><a href="/">Home</a> <a href="/regio">Regio</a> <a href="/sport">Sport</a></nav>
<div class="cookie-banner">Wij gebruiken cookies. <button>Accepteren</button></div>
<article><h1>Watertoren wordt uitkijkpunt</h1>{body}</article>
<aside><h3>Meest gelezen</h3><ul><li><a href="/a">Files op de E40</a></li><li><a href="/b">Nieuwe tram</a></li></ul></aside>
<footer>© 2024 Het Gentse Nieuws. Alle rechten voorbehouden.</footer></body></html>"""


COOKIE_WALL = """<!doctype html><html><head><title>Toestemming</title></head><body>
<h1>Wij respecteren je privacy</h1><p>Om verder te lezen moet je onze cookies aanvaarden.</p>
<button>Alles aanvaarden</button></body></html>"""


@dataclass
class NewsSite:
    pages: dict[str, tuple[int, str, bytes]] = field(default_factory=dict)  # path -> (status, type, body)

    def __post_init__(self) -> None:
        html = "text/html; charset=utf-8"
        self.pages |= {
            "/regio/watertoren-wordt-uitkijkpunt": (200, html, article_page(PARAGRAPHS, "2024-05-14").encode()),
            "/toestemming": (200, html, COOKIE_WALL.encode()),
            "/kort/wt": (301, html, b"/regio/watertoren-wordt-uitkijkpunt"),
            "/lus": (302, html, b"/lus"),
            "/groot": (200, html, b"<html><body>" + b"<p>bla bla bla</p>" * 400_000 + b"</body></html>"),
            "/krant.pdf": (200, "application/pdf", b"%PDF-1.4 not a page"),
        }

    def update_article(self) -> None:
        """The publisher adds a paragraph and a modified date."""
        page = article_page([*PARAGRAPHS, UPDATE], "2024-05-14", "2024-05-16")
        self.pages["/regio/watertoren-wordt-uitkijkpunt"] = (200, "text/html; charset=utf-8", page.encode())

    def start(self) -> str:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_GET(self) -> None:
                status, kind, body = site.pages.get(self.path, (404, "text/html", b"<h1>Niet gevonden</h1>"))
                self.send_response(status)
                if status in (301, 302):
                    self.send_header("Location", body.decode())
                    body = b""
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
