"""Articles by link, versions and dates: a local news site (tests/newssite.py) serves the pages; the fetch,
trafilatura, the index, Chroma and the model are real. No test reaches the internet."""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.answer.types import Answer, Citation
from bot.cli import app
from bot.render import listed, render_text
from bot.telegram.html import answer_html
from index.embeddings import Embedder
from index.fetch import add_links, file_name_for
from index.sync import Indexer
from tests.botapi import BotApi, message
from tests.newssite import NewsSite
from tests.test_telegram import ADMIN, USER, Setup, replies, run_bot

ARTICLE = "/regio/watertoren-wordt-uitkijkpunt"
runner = CliRunner()


@pytest.fixture
def site() -> Iterator[tuple[NewsSite, str]]:
    news = NewsSite()
    base = news.start()
    yield news, base
    news.stop()


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[..., object]:
    """`citebot` with its own data and articles folders; the local site is allowed (it is on 127.0.0.1)."""
    monkeypatch.setenv("CITEBOT_ARTICLES_DIR", str(tmp_path / "articles"))
    monkeypatch.setenv("CITEBOT_ALLOW_PRIVATE_URLS", "true")

    def run(*args: str):
        return runner.invoke(app, ["--data-dir", str(tmp_path / "data"), *args])

    return run


def test_a_link_is_fetched_saved_indexed_and_its_update_shows_in_answers(
    site: tuple[NewsSite, str], cli: Callable[..., object], tmp_path: Path
) -> None:
    news, base = site
    added = cli("index", "add", "--json", f"{base}/kort/wt")  # a short link that redirects
    report = json.loads(added.stdout)  # type: ignore[attr-defined]
    assert report["failed"] == [] and len(report["added"]) == 1
    article_id = report["added"][0]
    saved = tmp_path / "articles" / file_name_for(f"{base}/kort/wt")
    text = saved.read_text(encoding="utf-8")
    assert f"url: {base}{ARTICLE}" in text and "published: 2024-05-14" in text
    assert "# Watertoren wordt uitkijkpunt" in text and "Meest gelezen" not in text and "cookies" not in text

    answer = json.loads(cli("ask", "--json", "Hoeveel kosten de werken aan de watertoren?").stdout)  # type: ignore[attr-defined]
    first = answer["citations"][0]
    assert answer["answered"] and "4,2 miljoen euro" in first["quote"]
    assert (first["url"], first["published"], first["modified"]) == (f"{base}{ARTICLE}", "2024-05-14", "")

    again = json.loads(cli("index", "add", "--json", f"{base}/kort/wt").stdout)  # type: ignore[attr-defined]
    assert again["unchanged"] == [article_id] and again["passages_embedded"] == 0

    news.update_article()
    updated = json.loads(cli("index", "add", "--json", f"{base}/kort/wt").stdout)  # type: ignore[attr-defined]
    assert updated["updated"] == [article_id]
    history = json.loads(cli("index", "history", "--json", article_id).stdout)  # type: ignore[attr-defined]
    assert [v["modified"] for v in history] == ["2024-05-16", ""]
    assert history[0]["changes"] == {"added": 1, "changed": 0, "removed": 0}
    assert history[1]["changes"] == {"added": 4, "changed": 0, "removed": 0}
    assert all(v["indexed_at"].endswith("Z") and v["published"] == "2024-05-14" for v in history)

    human = cli("ask", "Wanneer wordt de opening van de watertoren verwacht?").stdout  # type: ignore[attr-defined]
    assert "2027" in human and "(2024-05-14, bijgewerkt 2024-05-16)" in human
    assert "Watertoren wordt uitkijkpunt  (updated 2024-05-16)" in cli("index", "list").stdout  # type: ignore[attr-defined]
    listing = cli("index", "history", article_id).stdout  # type: ignore[attr-defined]
    assert "updated 2024-05-16: 1 added, 0 changed, 0 removed passages" in listing


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.parametrize(
    ("link", "error"),
    [
        ("watertoren.html", "not a link (an http:// or https:// URL)"),
        ("ftp://example.org/a", "not a link"),
        ("{base}/bestaat-niet", "not found (HTTP 404)"),
        ("{base}/toestemming", "a cookie wall, a paywall or not an article"),
        ("{base}/krant.pdf", "not an HTML page (content type application/pdf)"),
        ("{base}/groot", "larger than 5,120 KiB"),
        ("{base}/lus", "more than 5 redirects"),
        ("http://127.0.0.1:{closed}/x", "unreachable"),
    ],
)
def test_a_bad_link_is_one_clear_line_and_changes_nothing(
    site: tuple[NewsSite, str], make_indexer: Callable[[], Indexer], tmp_path: Path, link: str, error: str
) -> None:
    indexer = make_indexer()
    folder = tmp_path / "articles"
    url = link.format(base=site[1], closed=_closed_port())
    report = add_links(indexer, [url], folder, allow_private=True)
    assert len(report.failed) == 1 and error in report.failed[0].error and "\n" not in report.failed[0].error
    assert not report.added and indexer.store.articles() == {}
    assert not folder.exists() or list(folder.iterdir()) == []


def test_private_addresses_are_refused_unless_allowed(
    site: tuple[NewsSite, str], make_indexer: Callable[[], Indexer], tmp_path: Path
) -> None:
    indexer = make_indexer()
    report = add_links(indexer, [f"{site[1]}{ARTICLE}"], tmp_path / "articles")
    assert "private or local address (127.0.0.1); set CITEBOT_ALLOW_PRIVATE_URLS=true" in report.failed[0].error
    assert indexer.store.articles() == {}


def test_an_operator_pastes_a_link_in_telegram_and_readers_ask_about_it(
    site: tuple[NewsSite, str], tmp_path: Path, embedder: Embedder
) -> None:
    news, base = site
    setup = Setup(tmp_path, embedder)

    async def scenario(api: BotApi) -> None:
        api.push(message(f"{base}{ARTICLE}", chat_id=USER, user_id=USER))  # not an operator
        assert "alleen beheerders" in (await replies(api, USER))[0]["text"]

        api.push(message(f"{base}{ARTICLE}", chat_id=ADMIN, user_id=ADMIN))
        done = (await replies(api, ADMIN, count=2))[1]["text"]
        assert "added: <code>watertoren-wordt-uitkijkpunt-" in done and "failed 0" in done

        api.push(message("Hoeveel kosten de werken aan de watertoren?", chat_id=USER, user_id=USER))
        answer = (await replies(api, USER, count=2))[1]["text"]
        assert "4,2 miljoen euro" in answer and "Watertoren wordt uitkijkpunt (2024-05-14)" in answer

        news.update_article()
        api.push(message(f"/add {base}{ARTICLE}", chat_id=ADMIN, user_id=ADMIN))
        assert "updated: " in (await replies(api, ADMIN, count=4))[3]["text"]
        article_id = done.split("<code>")[1].split("</code>")[0]
        api.push(message(f"/history {article_id}", chat_id=ADMIN, user_id=ADMIN))
        versions = (await replies(api, ADMIN, count=5))[4]["text"]
        assert "updated 2024-05-16: 1 added" in versions and "published 2024-05-14: 4 added" in versions

        api.push(message("Wanneer wordt de opening van de watertoren verwacht?", chat_id=USER, user_id=USER))
        answer = (await replies(api, USER, count=3))[2]["text"]
        assert "2027" in answer and "(2024-05-14, bijgewerkt 2024-05-16)" in answer

        api.push(message(f"/add {base}/toestemming", chat_id=ADMIN, user_id=ADMIN))
        refused = (await replies(api, ADMIN, count=7))[6]["text"]
        assert f"failed: {base}/toestemming: only" in refused and "cookie wall" in refused

    run_bot(setup, scenario, allow_private_urls=True, rate_limit_per_minute=100)


def test_sources_from_several_articles_are_listed_newest_first() -> None:
    old = Citation(1, "a", "Oud", "2023-08", "a:v:0000", 1, "", "tekst", "tekst")
    new = Citation(2, "b", "Nieuw", "2024-05-14", "b:v:0000", 3, "", "tekst", "tekst", modified="2024-05-16")
    same = Citation(3, "a", "Oud", "2023-08", "a:v:0001", 2, "", "tekst", "tekst")
    answer = Answer("q", "x [1] y [2] z [3]", True, citations=[old, new, same])
    lines = [line for line in render_text(answer).splitlines() if line.startswith("[")]
    assert lines[0].startswith("[2] Nieuw (2024-05-14, bijgewerkt 2024-05-16)")
    assert [line[:3] for line in lines] == ["[2]", "[1]", "[3]"]
    html = answer_html(answer)
    assert html.index("[2] Nieuw") < html.index("[1] Oud") < html.index("[3] Oud")
    one_article = Answer("q", "x [1] y [2]", True, citations=[old, same])
    assert [c.n for c in listed(one_article.citations)] == [1, 3]  # one article: in number order
