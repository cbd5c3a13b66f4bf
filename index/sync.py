"""Incremental indexing of files and folders: add new, replace changed, drop removed, skip unchanged."""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from index.articles import SUPPORTED_SUFFIXES, article_id_for, file_digest, load_article, read_article_bytes
from index.embeddings import ReusingEmbeddings
from index.errors import ArticleError, printable
from index.history import passage_changes, with_version
from index.passages import Passage, split_passages
from index.sentences import sentence_spans
from index.store import ArticleRecord, PassageStore, SentenceRow

KEEP_WRITTEN = 20_000  # passages of a run kept to update the saved search state without reading them back
BATCH_PASSAGES = 250
PROGRESS_TEXTS = 2_000  # a batch with this many texts to embed (passages and sentences) shows its own bar
EMBED_CHUNK = 256  # changed passages written (and committed) together; the writer overlaps the next batch


@dataclass(frozen=True)
class Failure:
    path: str
    error: str


@dataclass
class SyncReport:
    """What an indexing run changed; `failed` files left the index as it was."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[Failure] = field(default_factory=list)
    passages_embedded: int = 0

    @property
    def ok(self) -> bool:
        return not self.failed

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)

    def to_dict(self) -> dict:
        return {
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "failed": [asdict(f) for f in self.failed],
            "passages_embedded": self.passages_embedded,
        }

    def merged(self, other: SyncReport) -> SyncReport:
        """This run's report and another's, as one."""
        return SyncReport(
            self.added + other.added,
            self.updated + other.updated,
            self.removed + other.removed,
            self.unchanged + other.unchanged,
            self.failed + other.failed,
            self.passages_embedded + other.passages_embedded,
        )

    def summary(self) -> str:
        """One line for people, e.g. 'added 1, updated 0, removed 0, unchanged 3, failed 0; 12 passages embedded'."""
        return (
            f"added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
            f"unchanged {len(self.unchanged)}, failed {len(self.failed)}; {self.passages_embedded} passages embedded"
        )


@dataclass
class Indexer:
    """Indexes article files into a store with one embedder; `max_tokens` caps passage length."""

    store: PassageStore
    embeddings: ReusingEmbeddings
    progress: bool = False
    search_cache: Path | None = None  # where searches keep their state (see index/snapshot.py); kept current
    max_chars: int = 1_000_000  # longer articles are refused with a clear line (about 20 s of indexing here)
    follow_links: bool = False  # read links in a folder that point outside it (CITEBOT_FOLLOW_LINKS)

    @property
    def max_tokens(self) -> int:
        return self.embeddings.embedder.max_tokens

    def add(self, paths: Iterable[Path], *, title: str | None = None) -> SyncReport:
        """Index files and folders (recursively); unchanged files are skipped without embedding."""
        with self.store.writing():  # one indexing run at a time
            report = SyncReport()
            self.store.collect_garbage()
            files = collect_files(paths, report, follow_links=self.follow_links)
            written = self._index_files([(f, title) for f in files], report)
            return self._done(report, written)

    def keep(self, target: Path, data: bytes) -> SyncReport:
        """Put `data` in the articles folder as `target` and index it; when indexing fails the folder is as
        it was (a new file removed, a replaced one back). Bytes equal to the file's are not written again."""
        with self.store.writing():
            target.parent.mkdir(parents=True, exist_ok=True)
            previous = target.read_bytes() if target.exists() else None
            if data != previous:
                temporary = target.with_name(f".{target.name}.tmp")
                temporary.write_bytes(data)
                temporary.replace(target)
            report = self.add([target])
            if not report.ok and data != previous:
                if previous is None:
                    target.unlink(missing_ok=True)
                else:
                    target.write_bytes(previous)
            return report

    def reindex(self, records: Iterable[ArticleRecord], *, rewrite: bool = False) -> SyncReport:
        """Index the files of catalog records again (after a model change), keeping their titles; `rewrite`
        writes every passage again even when the file did not change (repairing missing rows)."""
        with self.store.writing():  # one indexing run at a time
            report = SyncReport()
            self.store.collect_garbage()
            jobs: list[tuple[Path, str | None]] = []
            for record in records:
                if Path(record.path).is_file():
                    jobs.append((Path(record.path), record.title_override or None))
                else:
                    report.failed.append(Failure(record.path, "file not found"))
            written = self._index_files(jobs, report, rewrite=rewrite)
            return self._done(report, written)

    def sync(self, directory: Path) -> SyncReport:
        """Make the index match a folder: add new, replace changed, remove articles whose files are gone."""
        with self.store.writing():  # one indexing run at a time
            report = SyncReport()
            self.store.collect_garbage()
            if not directory.is_dir():
                report.failed.append(Failure(str(directory), "folder not found"))
                return report
            files = collect_files([directory], report, empty_ok=True, follow_links=self.follow_links)
            written = self._index_files([(f, None) for f in files], report)
            root = directory.resolve()
            present = {f.resolve() for f in files}
            for record in self.store.articles().values():
                path = Path(record.path).resolve()
                gone = path.is_relative_to(root) and path not in present and not path.exists()
                # The same file under another id (the ids of non-ASCII names changed): the new id replaces it.
                renamed = path in present and article_id_for(path) != record.id
                if gone or renamed:
                    self.store.remove_article(record.id)
                    report.removed.append(record.id)
            return self._done(report, written)

    def _done(self, report: SyncReport, written: dict[str, list[Passage]]) -> SyncReport:
        """After a run that changed the index, bring the saved search state up to date (from the passages the
        run wrote, `written`): the next process that answers then starts from it instead of reading and
        tokenising every passage."""
        if report.changed and self.search_cache is not None:
            from index.snapshot import refresh_saved

            refresh_saved(self.store, self.search_cache, written)
        return report

    def _index_files(
        self, jobs: list[tuple[Path, str | None]], report: SyncReport, rewrite: bool = False
    ) -> dict[str, list[Passage]]:
        """Index each (file, title) pair; a failing file is reported and leaves the index as it was. Changed
        articles are written in batches (`BATCH_PASSAGES`), each batch one commit. Returns the passages
        written, by article (up to KEEP_WRITTEN of them)."""
        from tqdm import tqdm

        bar = tqdm(jobs, desc="indexing", unit="article", disable=not self.progress or len(jobs) < 2)
        batch: dict[str, _Prepared] = {}
        catalog = self.store.articles()  # one read for the run, not one per file
        seen: dict[str, Path] = {}
        written: dict[str, list[Passage]] = {}
        writer = _Writer(self.store, report)
        try:
            for path, title in bar:
                try:
                    prepared = self._prepare(path, title, catalog, seen, rewrite)
                except ArticleError as exc:
                    report.failed.append(Failure(exc.path, exc.reason))
                    continue
                if isinstance(prepared, str):
                    report.unchanged.append(prepared)
                    continue
                batch[prepared.record.id] = prepared
                report.passages_embedded += prepared.new_texts
                if sum(len(b.passages) for b in batch.values()) >= BATCH_PASSAGES:
                    self._write(batch, writer, written)
                bar.set_postfix(embedded=report.passages_embedded)
            self._write(batch, writer, written)
        finally:
            self.embeddings.forget()
            writer.close()
        return written

    def _prepare(
        self,
        path: Path,
        title: str | None,
        catalog: dict[str, ArticleRecord],
        seen: dict[str, Path],
        rewrite: bool = False,
    ) -> str | _Prepared:
        """Read and split one file: its id when nothing changed (unless `rewrite`), else what to write.
        `catalog` is the index's catalog when the run started; `seen`, the files of this run so far by id."""
        data = read_article_bytes(path)
        digest = file_digest(data)
        article_id = article_id_for(path)
        old = catalog.get(article_id)
        taken_by = seen.get(article_id)  # another file of this run, or one indexed before
        if taken_by is None and old and Path(old.path).resolve() != path.resolve() and Path(old.path).exists():
            taken_by = Path(old.path)
        if taken_by is not None:
            raise ArticleError(str(path), f"article id '{article_id}' is already used by {taken_by}; rename one file")
        seen[article_id] = path
        wanted_title = title if title is not None else (old.title_override if old else "")
        same_file = old and old.file_hash == digest and old.path == str(path) and old.title_override == wanted_title
        if same_file and not rewrite:
            return article_id
        article = load_article(path, title=wanted_title or None, data=data)
        if len(article.text) > self.max_chars:
            raise ArticleError(
                str(path),
                f"{len(article.text):,} characters of text, more than the limit of {self.max_chars:,} "
                "(CITEBOT_MAX_ARTICLE_CHARS)",
            )
        passages = split_passages(article, self.embeddings.embedder.count_tokens, self.max_tokens)
        record = ArticleRecord(
            id=article.id,
            title=article.title,
            date=article.date or "",
            path=str(path),
            file_hash=digest,
            version=passages[0].version,
            passages=len(passages),
            title_override=wanted_title,
            url=article.url,
            modified=article.modified or "",
        )
        if old and old.version == record.version and not rewrite:
            self.store.touch(replace(record, indexed_at=old.indexed_at, history=old.history))
            return article_id
        stored_vectors, old_texts = self.store.stored(article_id, old.version) if old else ({}, [])
        self.embeddings.remember(stored_vectors)
        if old and old.version == record.version:  # the same text, rewritten to repair its rows
            record = replace(record, indexed_at=old.indexed_at, history=old.history)
        else:
            record = with_version(record, old, passage_changes(old_texts, [p.text for p in passages]))
        new_texts = sum(1 for p in passages if p.text not in self.embeddings.known)
        return _Prepared(record, passages, sentence_rows(passages), updated=old is not None, new_texts=new_texts)

    def _write(self, batch: dict[str, _Prepared], writer: _Writer, written: dict[str, list[Passage]]) -> None:
        """Embed the batch here, then hand it to the writer (one commit) and empty it; its passages go into
        `written` while that holds fewer than KEEP_WRITTEN."""
        if not batch:
            return
        items = list(batch.values())
        texts = list(
            dict.fromkeys(t for b in items for t in [p.text for p in b.passages] + [s.text for s in b.sentences])
        )
        label = items[0].record.id if len(items) == 1 else f"{len(items)} articles"
        vectors = dict(zip(texts, self._embed(texts, label), strict=True))
        writer.submit(items, vectors)
        if sum(len(ps) for ps in written.values()) < KEEP_WRITTEN:
            written.update({b.record.id: b.passages for b in items})
        batch.clear()
        self.embeddings.forget()

    def _embed(self, texts: list[str], label: str) -> list[list[float]]:
        """Embed texts; a big batch (a long article) shows its own progress bar."""
        if not self.progress or len(texts) < PROGRESS_TEXTS:
            return self.embeddings.embed_documents(texts)
        from tqdm import tqdm

        vectors: list[list[float]] = []
        with tqdm(total=len(texts), desc=f"embedding {label}", unit="text", leave=False) as bar:
            for start in range(0, len(texts), EMBED_CHUNK):
                chunk = texts[start : start + EMBED_CHUNK]
                vectors += self.embeddings.embed_documents(chunk)
                bar.update(len(chunk))
        return vectors


class _Writer:
    """Writes batches to the store in a background thread while the next batch is read and embedded (Chroma's
    writes and the model's matrix products then use both cores). One batch at a time, in order: a batch is
    handed over only after the previous one committed, and `close` waits for the last."""

    def __init__(self, store: PassageStore, report: SyncReport) -> None:
        self._store, self._report = store, report
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="citebot-index-writer")
        self._pending: Future | None = None
        self._items: list[_Prepared] = []

    def submit(self, items: list[_Prepared], vectors: dict[str, list[float]]) -> None:
        self.wait()
        rows = [(b.record, b.passages, b.sentences) for b in items]
        write = self._store.write_articles
        self._pending = self._pool.submit(lambda: write(rows, vectors))
        self._items = items

    def wait(self) -> None:
        """Until the batch in flight is committed; its articles are then reported (its error raised)."""
        if self._pending is None:
            return
        pending, self._pending = self._pending, None
        pending.result()
        for b in self._items:
            (self._report.updated if b.updated else self._report.added).append(b.record.id)

    def close(self) -> None:
        try:
            self.wait()
        finally:
            self._pool.shutdown(wait=True)


@dataclass(frozen=True)
class _Prepared:
    """A changed article, split and ready to write."""

    record: ArticleRecord
    passages: list[Passage]
    sentences: list[SentenceRow]
    updated: bool
    new_texts: int


def sentence_rows(passages: list[Passage]) -> list[SentenceRow]:
    """Each sentence of each passage, for sentence-level matching."""
    return [
        SentenceRow(f"{p.id}:s{j}", p.id, p.article_id, p.version, p.text[s:e])
        for p in passages
        for j, (s, e) in enumerate(sentence_spans(p.text))
    ]


def collect_files(
    paths: Iterable[Path], report: SyncReport, *, empty_ok: bool = False, follow_links: bool = False
) -> list[Path]:
    """Expand folders into their article files; missing paths and empty folders become failures."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES)
            found = [p for p in found if not any(part.startswith(".") for part in p.relative_to(path).parts)]
            root = path.resolve()
            # Links out of the folder are not read unless allowed (a link to /etc/passwd must not be quoted).
            outside = [] if follow_links else [p for p in found if not p.resolve().is_relative_to(root)]
            for link in outside:
                report.failed.append(
                    Failure(
                        printable(str(link)),
                        "a link to a file outside the folder; not read (CITEBOT_FOLLOW_LINKS=true allows it)",
                    )
                )
            found = [p for p in found if p not in outside]
            if not found and not empty_ok:
                kinds = ", ".join(SUPPORTED_SUFFIXES[:3])
                report.failed.append(Failure(printable(str(path)), f"no articles ({kinds}) in this folder"))
            files.extend(found)
        elif path.exists():
            files.append(path)
        else:
            report.failed.append(Failure(printable(str(path)), "file not found"))
    return list(dict.fromkeys(files))
