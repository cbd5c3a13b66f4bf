"""Loading Markdown and HTML articles, and clear errors for files that are not articles."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.articles import load_article
from index.errors import ArticleError


def test_markdown_title_sections_and_date(tmp_path: Path) -> None:
    path = tmp_path / "nieuws.md"
    path.write_text(
        "date 2024-01-05\n# Brand in Gent\n\nEen **grote** brand legde [gisteren](http://x) een loods in de as.\n\n"
        "## Oorzaak\n\nDe oorzaak is nog onbekend.\n\nKIJK. Beelden van de brand\n",
        encoding="utf-8",
    )
    article = load_article(path)
    assert (article.title, article.date) == ("Brand in Gent", "2024-01-05")
    assert [(b.text, b.is_heading) for b in article.blocks] == [
        ("Een grote brand legde gisteren een loods in de as.", False),
        ("Oorzaak", True),
        ("De oorzaak is nog onbekend.", False),
    ]


def test_html_main_text_without_page_clutter(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_text(
        "<html><head><title>Staking bij De Lijn</title>"
        '<meta property="article:published_time" content="2024-03-02"></head><body>'
        "<nav>Home | Sport | Cultuur</nav><article><h1>Staking bij De Lijn</h1>"
        "<p>Bussen en trams rijden maandag niet in heel Vlaanderen door een nationale stakingsdag.</p>"
        "<h2>Achtergrond</h2><p>De vakbonden protesteren tegen de besparingen bij het openbaar vervoer.</p>"
        "<p>KIJK. Video van de lege stelplaats</p></article>"
        "<footer>Aanvaard cookies om alles te zien.</footer></body></html>",
        encoding="utf-8",
    )
    article = load_article(path)
    assert article.title == "Staking bij De Lijn"
    assert article.date == "2024-03-02"
    assert "Home | Sport" not in article.text and "KIJK" not in article.text and "cookies" not in article.text
    assert ("Achtergrond", True) in [(b.text, b.is_heading) for b in article.blocks]
    assert "nationale stakingsdag" in article.text


def test_title_option_wins(tmp_path: Path) -> None:
    path = tmp_path / "x.txt"
    path.write_text("Een zin over iets.", encoding="utf-8")
    assert load_article(path, title="Eigen titel").title == "Eigen titel"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.txt", None, "file not found"),
        ("empty.txt", b"  \n", "file is empty"),
        ("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary file"),
        ("latin1.txt", "Één café".encode("latin-1"), "not valid UTF-8"),
        ("report.pdf", b"%PDF-1.4", "unsupported file type '.pdf'"),
        ("clutter.txt", b"KIJK. Een video\n\nAanvaard cookies om dit te zien.", "no article text"),
    ],
)
def test_bad_files_get_a_clear_error(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ArticleError) as error:
        load_article(path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


TEXT = "Loekasjenko sprak over de Krim.\n\nHij zei dat Wit-Rusland niet zou meevechten."


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-8-sig"])
def test_a_byte_order_mark_says_how_the_text_is_encoded(tmp_path: Path, encoding: str) -> None:
    path = tmp_path / "stuk.txt"
    data = TEXT.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # Python writes no mark for an explicit byte order; editors do
    path.write_bytes(data)
    assert load_article(path).text.startswith("Loekasjenko sprak over de Krim.")


@pytest.mark.parametrize(
    ("names", "ids"),
    [
        (["Ωμέγα.txt", "日本語.txt"], ["ωμέγα", "日本語"]),
        (["Loekasjenko_interview 2023-08.txt"], ["loekasjenko-interview-2023-08"]),  # ASCII names as before
        (["!!!.txt", "???.txt"], None),  # no letters: a short hash, still distinct
    ],
)
def test_article_ids_are_readable_and_distinct_in_any_script(names: list[str], ids: list[str] | None) -> None:
    from index.articles import article_id_for

    got = [article_id_for(Path(n)) for n in names]
    assert len(set(got)) == len(got)
    if ids is None:
        assert all(g.startswith("article-") and len(g) == len("article-") + 8 for g in got)
    else:
        assert got == ids


def test_a_newline_in_a_file_name_stays_one_line_in_the_error(tmp_path: Path) -> None:
    path = tmp_path / "twee\nregels.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(ArticleError) as error:
        load_article(path)
    assert "\n" not in str(error.value) and "twee\\nregels.pdf" in str(error.value)
