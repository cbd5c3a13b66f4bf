"""Articles by link: fetch a news page, extract the article (trafilatura, htmldate) and save it as a Markdown
file in the articles folder, so that `index sync` keeps working from files.

The fetch is careful: http(s) only, a timeout, a size limit, at most a few redirects (each one checked), and
no private, loopback or link-local address unless `CITEBOT_ALLOW_PRIVATE_URLS=true` (a link must not make
the bot read the operator's own network). Whatever goes wrong is one ArticleError naming the link, and
nothing is written.
"""

from __future__ import annotations

import hashlib
import ipaddress
import re
import socket
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin, urlsplit, urlunsplit

import httpx

from index.articles import html_article, modified_date, slug
from index.errors import ArticleError
from index.history import utc_stamp
from index.sync import Failure, Indexer, SyncReport

MAX_PAGE_BYTES = 5 * 1024 * 1024
MAX_REDIRECTS = 5
MIN_ARTICLE_CHARS = 400  # less text than this is a cookie wall, a paywall or not an article
TIMEOUT_S = 15.0
USER_AGENT = "citebot/0.1 (+https://github.com/; news question answering)"
_HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass(frozen=True)
class FetchedArticle:
    """An article extracted from a page: what is written to its Markdown file."""

    url: str  # the link as given (normalised): the same link always maps to the same file
    final_url: str  # where the redirects ended
    title: str
    published: str | None
    modified: str | None
    markdown: str  # the cleaned article text

    def file_text(self, fetched_at: str) -> str:
        front = [f"url: {self.final_url}"]
        if self.published:
            front.append(f"published: {self.published}")
        if self.modified and self.modified != self.published:
            front.append(f"modified: {self.modified}")
        front.append(f"fetched: {fetched_at}")
        return "---\n" + "\n".join(front) + f"\n---\n# {self.title}\n\n{self.markdown.strip()}\n"


def normalise_url(text: str) -> str:
    """The link without its #fragment and surrounding space, or ArticleError when it is not an http(s) URL."""
    text = text.strip().strip("<>")
    parts = urlsplit(text)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise ArticleError(text[:200], "not a link (an http:// or https:// URL)")
    return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path or "/", parts.query, ""))


LINK_MESSAGE = re.compile(r"^\s*<?https?://\S+>?\s*$", re.IGNORECASE)  # a text that is just a link


def looks_like_url(text: str) -> bool:
    return LINK_MESSAGE.match(text) is not None


def file_name_for(url: str) -> str:
    """A readable, stable file name for a link: its last path words plus a short hash of the whole link."""
    parts = urlsplit(url)
    segments = [w for w in parts.path.split("/") if w] or [parts.hostname or "article"]
    stem = re.sub(r"\.(s?html?|php|aspx?)$", "", segments[-1], flags=re.IGNORECASE)
    words = slug(stem)[:60].strip("-")
    digest = hashlib.sha256(url.encode("utf-8")).hexdigest()[:8]
    return f"{words or 'article'}-{digest}.md"


def check_address(url: str, allow_private: bool) -> None:
    """Refuse hosts that resolve to private, loopback, link-local or reserved addresses."""
    host = urlsplit(url).hostname or ""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ArticleError(url, f"unreachable: the host name {host!r} does not resolve ({exc.strerror})") from None
    if allow_private:
        return
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if not address.is_global:
            raise ArticleError(
                url,
                f"{host} is a private or local address ({address}); set CITEBOT_ALLOW_PRIVATE_URLS=true to allow it",
            )


def download(
    url: str, *, allow_private: bool = False, timeout: float = TIMEOUT_S, max_bytes: int = MAX_PAGE_BYTES
) -> tuple[str, str]:
    """The page's final URL and HTML (decoded as the server says, else UTF-8)."""
    current = url
    with httpx.Client(timeout=timeout, follow_redirects=False, headers={"User-Agent": USER_AGENT}) as client:
        for _ in range(MAX_REDIRECTS + 1):
            check_address(current, allow_private)
            try:
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        target = response.headers.get("location", "")
                        current = normalise_url(urljoin(current, target))
                        continue
                    if response.status_code == 404:
                        raise ArticleError(url, "not found (HTTP 404)")
                    if response.status_code >= 400:
                        raise ArticleError(url, f"the server answered HTTP {response.status_code}")
                    kind = response.headers.get("content-type", "").split(";")[0].strip().lower()
                    if kind and kind not in _HTML_TYPES:
                        raise ArticleError(url, f"not an HTML page (content type {kind})")
                    declared = int(response.headers.get("content-length") or 0)
                    if declared > max_bytes:
                        raise ArticleError(
                            url, f"page is {declared // 1024:,} KiB, larger than {max_bytes // 1024:,} KiB"
                        )
                    body = bytearray()
                    for chunk in response.iter_bytes():
                        body += chunk
                        if len(body) > max_bytes:
                            raise ArticleError(url, f"page is larger than {max_bytes // 1024:,} KiB")
                    encoding = response.charset_encoding or "utf-8"
                    return current, bytes(body).decode(encoding, errors="replace")
            except httpx.TimeoutException:
                raise ArticleError(url, f"unreachable: no answer within {timeout:g} s") from None
            except httpx.HTTPError as exc:
                raise ArticleError(url, f"unreachable ({type(exc).__name__}: {exc})") from None
    raise ArticleError(url, f"more than {MAX_REDIRECTS} redirects")


def fetch_article(link: str, *, allow_private: bool = False, timeout: float = TIMEOUT_S) -> FetchedArticle:
    """Download a news page and extract its article, or ArticleError saying why not."""
    url = normalise_url(link)
    final, html = download(url, allow_private=allow_private, timeout=timeout)
    title, published, blocks, markdown = html_article(url, html)
    body = "\n\n".join(b.text for b in blocks if not b.is_heading)
    if len(body) < MIN_ARTICLE_CHARS:
        raise ArticleError(
            url, f"only {len(body)} characters of article text: a cookie wall, a paywall or not an article"
        )
    modified = modified_date(html)
    return FetchedArticle(url, final, (title or final).strip(), published, modified, markdown)


def _without_fetched(data: bytes) -> bytes:
    """A saved article without its `fetched:` line (the one line that changes when nothing else does)."""
    return re.sub(rb"^fetched: .*$", b"", data, count=1, flags=re.MULTILINE)


def add_links(indexer: Indexer, links: list[str], folder: Path, *, allow_private: bool = False) -> SyncReport:
    """Fetch each link, save its article in `folder` and index it; a link that fails (fetching, extracting or
    indexing) is reported and changes nothing: neither the folder nor the index."""
    report = SyncReport()
    for link in links:
        try:
            article = fetch_article(link, allow_private=allow_private)
        except ArticleError as exc:
            report.failed.append(Failure(exc.path, exc.reason))
            continue
        target = folder / file_name_for(article.url)
        data = article.file_text(utc_stamp()).encode("utf-8")
        if target.exists() and _without_fetched(target.read_bytes()) == _without_fetched(data):
            data = target.read_bytes()  # the same article: leave the file (and its hash) alone
        report = report.merged(indexer.keep(target, data))
    return report
