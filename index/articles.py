"""Load an article file (.txt, .md, .html) into an Article: title, date, source and cleaned blocks."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from index.clean import clutter_rule, normalize_whitespace, split_paragraphs
from index.errors import ArticleError

SUPPORTED_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm")
MAX_FILE_BYTES = 20 * 1024 * 1024

_DATE_MARKER = re.compile(r"^\s*date\s+(\d{4}-\d{2}(?:-\d{2})?)\b[ \t]*\n?", re.IGNORECASE)
_TRAILING_DATE = re.compile(r"[-_ ]?\d{4}(?:-\d{2}){1,2}$")


@dataclass(frozen=True)
class Block:
    """A paragraph of the cleaned article; headings name the section of the paragraphs after them."""

    text: str
    is_heading: bool = False


@dataclass(frozen=True)
class Article:
    """A cleaned article, ready to be split into passages."""

    id: str
    title: str
    date: str | None
    source: str
    blocks: tuple[Block, ...]
    url: str = ""  # the page it was fetched from (articles added by link)
    modified: str | None = None  # when the publisher last updated it, where known

    @property
    def text(self) -> str:
        """The cleaned text that passage offsets and quotes refer to."""
        return "\n\n".join(block.text for block in self.blocks)


def article_id_for(path: Path) -> str:
    """A stable, readable id from the file name: lower case, words (of any script) joined by dashes, so
    'Ωμέγα.txt' is 'ωμέγα' and '日本語.txt' is '日本語'; a name without letters or digits gets a short hash."""
    return slug(path.stem) or "article-" + hashlib.sha256(path.name.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def slug(text: str) -> str:
    """Lower-case words of any script joined by dashes ('' when there are none)."""
    return re.sub(r"[\W_]+", "-", unicodedata.normalize("NFC", text).lower()).strip("-")


def file_digest(data: bytes) -> str:
    """Content hash of a file's bytes."""
    return hashlib.sha256(data).hexdigest()


def read_article_bytes(path: Path) -> bytes:
    """The file's bytes, or an ArticleError that says what is wrong with it."""
    if not path.exists():
        raise ArticleError(str(path), "file not found")
    if not path.is_file():
        raise ArticleError(str(path), "not a regular file")
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        kinds = ", ".join(SUPPORTED_SUFFIXES[:3])
        raise ArticleError(str(path), f"unsupported file type '{path.suffix or '(none)'}' (supported: {kinds})")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise ArticleError(str(path), f"file is {size // 1_048_576} MiB, larger than the 20 MiB limit")
    return path.read_bytes()


def load_article(path: Path, *, title: str | None = None, data: bytes | None = None) -> Article:
    """Parse and clean one article file; raises ArticleError naming the file when it is unusable."""
    raw = read_article_bytes(path) if data is None else data
    text = _decode(path, raw)
    suffix = path.suffix.lower()
    modified = None
    front: dict[str, str] = {}
    if suffix in (".html", ".htm"):
        found_title, date, blocks, modified = _parse_html(path, text)
    else:
        front, text = _take_front_matter(text)
        if suffix in (".md", ".markdown"):
            found_title, date, blocks = _parse_markdown(text)
        else:
            found_title, date, blocks = _parse_text(text)
    date = front.get("published") or front.get("date") or date
    modified = front.get("modified") or modified
    blocks = _drop_clutter(blocks)
    if not any(not b.is_heading for b in blocks):
        raise ArticleError(str(path), "no article text left after removing page clutter")
    return Article(
        id=article_id_for(path),
        title=(title or found_title or _title_from_name(path)).strip(),
        date=date,
        source=str(path),
        blocks=tuple(blocks),
        url=front.get("url", ""),
        modified=modified if modified and modified != date else None,
    )


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
FRONT_MATTER_KEYS = ("url", "published", "date", "modified", "fetched")


def _take_front_matter(text: str) -> tuple[dict[str, str], str]:
    """A leading '---' block of 'key: value' lines (what `citebot index add URL` writes): url, published,
    modified. Other files are returned as they are."""
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if not match:
        return {}, text
    front = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if not sep or key.strip().lower() not in FRONT_MATTER_KEYS:
            return {}, text  # not ours: leave the text alone
        front[key.strip().lower()] = value.strip()
    return front, text.lstrip("\ufeff")[match.end() :]


_BOMS = (  # UTF-32 before UTF-16: its little-endian mark starts with UTF-16's
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)


def _decode(path: Path, raw: bytes) -> str:
    for bom, encoding in _BOMS:  # a byte-order mark says how the text is encoded (Windows saves UTF-16 so)
        if raw.startswith(bom):
            try:
                text = raw.decode(encoding)
            except UnicodeDecodeError:
                raise ArticleError(
                    str(path), f"starts with a {encoding.upper()} byte-order mark but is not {encoding.upper()}"
                ) from None
            if not text.strip():
                raise ArticleError(str(path), "file is empty")
            return text
    if not raw.strip():
        raise ArticleError(str(path), "file is empty")
    if b"\x00" in raw[:8192]:
        raise ArticleError(str(path), "binary file, not a text article")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArticleError(
            str(path),
            f"not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); save it as UTF-8",
        ) from None


def _take_date(text: str) -> tuple[str | None, str]:
    match = _DATE_MARKER.match(text)
    if not match:
        return None, text
    return match.group(1), text[match.end() :]


def _looks_like_heading(paragraph: str) -> bool:
    """Short lines without closing punctuation, such as 'Bondgenoot' or 'Kernwapens'."""
    words = paragraph.split()
    return 0 < len(words) <= 6 and len(paragraph) <= 60 and not re.search(r"[.!?:;,”\"'…]$", paragraph)


def _parse_text(text: str) -> tuple[str | None, str | None, list[Block]]:
    date, body = _take_date(text)
    paragraphs = split_paragraphs(body)
    title = None
    if len(paragraphs) > 1 and _looks_like_heading(paragraphs[0]):
        title, paragraphs = paragraphs[0], paragraphs[1:]
    blocks = [Block(p, is_heading=_looks_like_heading(p) and i + 1 < len(paragraphs)) for i, p in enumerate(paragraphs)]
    return title, date, blocks


def _parse_markdown(text: str) -> tuple[str | None, str | None, list[Block]]:
    date, body = _take_date(text)
    title = None
    blocks: list[Block] = []
    for chunk in re.split(r"\n\s*\n", body):
        for paragraph in _markdown_lines_to_paragraphs(chunk):
            heading = re.match(r"^(#{1,6})\s+(.*?)\s*#*$", paragraph)
            if heading and heading.group(1) == "#" and title is None and not blocks:
                title = _strip_markdown(heading.group(2))
            elif heading:
                blocks.append(Block(_strip_markdown(heading.group(2)), is_heading=True))
            else:
                blocks.append(Block(_strip_markdown(paragraph)))
    return title, date, [b for b in blocks if b.text]


def _markdown_lines_to_paragraphs(chunk: str) -> list[str]:
    """A heading line stays its own paragraph; other lines join into one."""
    out: list[str] = []
    lines: list[str] = []
    for line in chunk.splitlines():
        if line.lstrip().startswith("#"):
            if lines:
                out.append(normalize_whitespace(" ".join(lines)))
                lines = []
            out.append(line.strip())
        elif line.strip():
            lines.append(line)
    if lines:
        out.append(normalize_whitespace(" ".join(lines)))
    return out


def _strip_markdown(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images
    text = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", text)  # links keep their words
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    text = re.sub(r"^\s*(?:[-*+]|>)\s+", "", text)
    return normalize_whitespace(text)


def _parse_html(path: Path, html: str) -> tuple[str | None, str | None, list[Block], str | None]:
    """Title, publication date, blocks and last-modified date of an HTML page (trafilatura, htmldate)."""
    title, date, blocks = html_article(str(path), html)[:3]
    return title, date, blocks, modified_date(html)


def modified_date(html: str) -> str | None:
    """The page's last-modified date (JSON-LD dateModified, meta tags, ...), when it states one."""
    from htmldate import find_date

    try:
        return find_date(html, original_date=False, extensive_search=False, outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 - htmldate on odd markup; a missing date is fine
        return None


def html_article(where: str, html: str) -> tuple[str | None, str | None, list[Block], str]:
    """Title, date, blocks and the cleaned Markdown of an HTML page, or ArticleError naming `where`."""
    import trafilatura  # heavy import, only for HTML

    doc = trafilatura.bare_extraction(html, output_format="python", include_comments=False, with_metadata=True)
    if doc is None:
        raise ArticleError(where, "no article text found in the HTML")
    markdown = trafilatura.extract(
        html, output_format="markdown", include_comments=False, include_tables=False, include_formatting=True
    )
    title, date, blocks = _parse_markdown(markdown or "")
    meta_title = getattr(doc, "title", None)
    meta_date = getattr(doc, "date", None)
    if meta_title and blocks and blocks[0].is_heading and blocks[0].text == meta_title:
        blocks = blocks[1:]
    return meta_title or title, meta_date or date, blocks, markdown or ""


def _drop_clutter(blocks: list[Block]) -> list[Block]:
    blocks = [b for b in blocks if clutter_rule(b.text) is None]
    # A heading with no text after it (its section was all clutter) is dropped too.
    while blocks and blocks[-1].is_heading:
        blocks.pop()
    return [b for i, b in enumerate(blocks) if not (b.is_heading and blocks[i + 1].is_heading)]


def _title_from_name(path: Path) -> str:
    stem = _TRAILING_DATE.sub("", path.stem) or path.stem
    words = re.sub(r"[-_]+", " ", stem).strip()
    return words[:1].upper() + words[1:]
