"""The Chroma store: passages, their sentences and an article catalog, behind one small interface.

Writes follow a commit protocol so that an interrupted run never mixes two versions of an article:
new passages are written under new ids (the id carries the article version), then the catalog record
is switched to the new version (the commit), then the old version is deleted. Readers only see passages
of the version the catalog names; leftovers of an interrupted run are collected on the next write.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any
from uuid import uuid4

import numpy as np
from chromadb.api.collection_configuration import CreateHNSWConfiguration
from chromadb.errors import NotFoundError
from langchain_chroma import Chroma
from langchain_core.embeddings import Embeddings

from index.embeddings import ReusingEmbeddings
from index.errors import EmbeddingMismatchError, StoreError
from index.lock import WriteLock
from index.passages import Passage, parse_passage_id
from index.sentences import sentence_spans

PASSAGES = "citebot_passages"
LEGACY_SENTENCES = "citebot_sentences"  # sentence rows of indexes built before sentence vectors were packed
SENTENCE_VECTORS = "sentence_vectors"  # passage metadata: its sentences' vectors, packed (see _pack)
ROW = "row"  # passage metadata: the passage's text, fields and packed sentence vectors in one string (see _row)
FILTERED = ("article_id", "version")  # the passage fields reads filter on: kept as metadata keys of their own
ARTICLES = "citebot_articles"
GENERATION = "~generation"  # a catalog row no article can have: changes whenever an article is committed
CHANGE = "~change:"  # catalog rows ~change:N: the articles that commit N changed (see changes_since)
CHANGES_KEPT = 1_000  # commits the change log keeps; a reader further behind reads the whole catalog
PAGE = 5_000  # rows per read: SQLite allows 32,766 bound variables per query
WRITE = 2_000  # rows per write call
FILTER_IDS = 100  # above this many article ids, read everything and filter here instead of `$in`
# Candidates Chroma's HNSW graph keeps while searching. Its default, 100, returned another set of 20 nearest
# passages from one process to the next for a fifth of the news benchmark's questions (507 passages), and
# missed true neighbours; see README, Scale, for what 400 costs at 100,000 passages.
SEARCH_EF = 400
HNSW: CreateHNSWConfiguration = {"space": "cosine", "ef_search": SEARCH_EF}


@dataclass(frozen=True)
class ArticleRecord:
    """What the catalog knows of an indexed article."""

    id: str
    title: str
    date: str
    path: str
    file_hash: str
    version: str
    passages: int
    title_override: str = ""
    url: str = ""
    modified: str = ""
    indexed_at: str = ""  # when this version was indexed (UTC, ISO 8601)
    history: str = ""  # JSON: this version and the earlier ones, newest first (see `versions`)

    def versions(self) -> list[dict]:
        """Each indexed version, newest first: version, indexed_at, published, modified and `changes`
        (passages added / changed / removed against the version before; None where unknown)."""
        try:
            kept = json.loads(self.history) if self.history else []
        except ValueError:
            kept = []
        if not kept or kept[0].get("version") != self.version:  # indexed before versions were kept
            current = {"version": self.version, "indexed_at": self.indexed_at, "published": self.date}
            kept = [current | {"modified": self.modified, "changes": None}, *kept]
        return kept


@dataclass(frozen=True)
class StoreCheck:
    """What `PassageStore.check` found."""

    articles: int
    passages: int
    leftover_rows: int  # rows of versions no catalog record names (an interrupted run); collectable
    incomplete: list[str]  # articles whose current version lacks passages: re-index them

    @property
    def ok(self) -> bool:
        return not self.leftover_rows and not self.incomplete


@dataclass(frozen=True)
class SentenceRow:
    """A sentence of a passage, embedded on its own for sentence-level matching."""

    id: str
    passage_id: str
    article_id: str
    version: str
    text: str


class _CatalogVector(Embeddings):
    """Catalog records are looked up by id, never by similarity: they carry a constant vector."""

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return [[1.0] for _ in texts]

    def embed_query(self, text: str) -> list[float]:
        return [1.0]


def check_not_emptied(path: Path) -> None:
    """A store whose database is gone or empty while its vector files remain was damaged, not new: say so
    instead of silently starting an empty index over it."""
    database = path / "chroma.sqlite3"
    leftovers = [p for p in path.iterdir() if p.is_dir()] if path.is_dir() else []
    if leftovers and (not database.exists() or database.stat().st_size == 0):
        state = "missing" if not database.exists() else "empty (0 bytes)"
        raise StoreError(
            f"The index at {path} is damaged: chroma.sqlite3 is {state} but its vector files remain. "
            f"Restore a backup of {path}, or move it away and run `citebot index rebuild` to index the articles "
            f"folder again."
        )


def make_client(data_dir: Path | None = None, server_url: str | None = None) -> Any:
    """An embedded persistent Chroma under `data_dir/chroma`, or a client of a Chroma server."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False)
    if not server_url and data_dir is not None:
        check_not_emptied(Path(data_dir) / "chroma")
    try:
        if server_url:
            from urllib.parse import urlparse

            url = urlparse(server_url)
            return chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or 8000,
                ssl=url.scheme == "https",
                settings=settings,
            )
        assert data_dir is not None
        path = Path(data_dir) / "chroma"
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    except Exception as exc:
        where = server_url or str(data_dir)
        raise StoreError(f"Could not open the Chroma store at {where}: {exc}") from exc


class PassageStore:
    """Passages of the current article versions, and the catalog that names them.

    A passage row carries its sentences' vectors in its metadata (int8 with a scale each, packed): search scores a
    candidate passage's best sentence from them, without a nearest-neighbour index over every sentence (that
    index was four fifths of the rows, of the write time and of a serving process's memory)."""

    def __init__(self, client: Any, embeddings: ReusingEmbeddings | None = None, lock: WriteLock | None = None) -> None:
        self._client = client
        self._lock = lock
        self.embeddings = embeddings
        model = embeddings.embedder.name if embeddings else None
        recorded = self._recorded_model()
        if model and recorded and recorded != model:
            raise EmbeddingMismatchError(
                f"The index was built with embedding model '{recorded}', but '{model}' is configured. "
                f"Run `citebot index rebuild` to re-embed every article with '{model}', "
                f"or set CITEBOT_EMBEDDING_MODEL={recorded}."
            )
        self.model = model or recorded
        self._passages = Chroma(
            collection_name=PASSAGES,
            client=client,
            embedding_function=embeddings,
            collection_metadata={"embedding_model": self.model or ""},
            collection_configuration={"hnsw": HNSW},
        )
        self._catalog = Chroma(collection_name=ARTICLES, client=client, embedding_function=_CatalogVector())
        self._migrate_sentences()
        self._set_search_breadth()

    def _set_search_breadth(self) -> None:
        """An index created before SEARCH_EF (or with another value): set its search breadth once. Only the
        query-time setting changes; the graph and its vectors stay as they are."""
        collection = self._passages._collection
        hnsw = (collection.configuration_json or {}).get("hnsw") or {}
        if hnsw.get("ef_search") != SEARCH_EF:
            collection.modify(configuration={"hnsw": {"ef_search": SEARCH_EF}})

    def _migrate_sentences(self) -> None:
        """An index from before packed sentence vectors: move each sentence row's vector into its passage's
        metadata (nothing is embedded again), then drop the sentence collection. Safe to interrupt: it starts
        over at the next open."""
        try:
            legacy = self._client.get_collection(LEGACY_SENTENCES)
        except NotFoundError:  # an index from after the change, or a new one
            return
        by_passage: dict[str, list[tuple[int, Any]]] = {}
        for i, vector, meta in _rows(legacy, include=["embeddings", "metadatas"]):
            position = int(i.rsplit(":s", 1)[-1]) if ":s" in i else 0
            by_passage.setdefault(str(meta["passage_id"]), []).append((position, np.asarray(vector, np.float16)))
        updates = [
            (i, meta | {SENTENCE_VECTORS: _pack([v for _, v in sorted(by_passage[i], key=lambda x: x[0])])})
            for i, _, meta in _rows(self._passages, include=["metadatas"])
            if i in by_passage
        ]
        for start in range(0, len(updates), WRITE):
            chunk = updates[start : start + WRITE]
            self._passages._collection.update(ids=[i for i, _ in chunk], metadatas=[m for _, m in chunk])
        self._client.delete_collection(LEGACY_SENTENCES)

    def _recorded_model(self) -> str | None:
        try:
            collection = self._client.get_collection(PASSAGES)
        except NotFoundError:  # only "no such collection" means a new index; other errors are real
            return None
        model = (collection.metadata or {}).get("embedding_model")
        return str(model) if model else None

    # ---- catalog -------------------------------------------------------------------------------

    def articles(self) -> dict[str, ArticleRecord]:
        """Every indexed article, by id."""
        return {i: _record(meta) for i, _, meta in _rows(self._catalog, include=["metadatas"]) if not _internal(i)}

    def articles_by_id(self, article_ids: list[str]) -> dict[str, ArticleRecord]:
        """The indexed ones of these articles, by id (one read per PAGE ids)."""
        wanted = [i for i in article_ids if not _internal(i)]
        return {i: _record(meta) for i, _, meta in _rows_by_id(self._catalog, wanted, ["metadatas"])}

    def article(self, article_id: str) -> ArticleRecord | None:
        return self.articles_by_id([article_id]).get(article_id)

    def head(self) -> tuple[str, int]:
        """The current generation, a token that changes with every commit (any process, any client), and its
        commit number (0 for a store from before the change log): one read by id, cheap to poll."""
        rows = self._catalog.get(ids=[GENERATION], include=["metadatas"])
        meta = rows["metadatas"][0] if rows["ids"] else {}
        return str(meta.get("generation", "")), int(meta.get("seq", 0))

    def changes_since(self, generation: str, seq: int) -> tuple[str, int, set[str] | None]:
        """The current generation and commit number, and the ids of the articles committed since a reader's
        (`generation`, `seq`): a few reads by id, however large the catalog. None instead of the ids when the
        log cannot tell (the reader is CHANGES_KEPT or more commits behind, or its generation is not in this
        store's log, e.g. the index was rebuilt): the reader then compares the whole catalog."""
        current, head = self.head()
        if current == generation:
            return current, head, set()
        if seq <= 0 or head <= seq or head - seq >= CHANGES_KEPT:
            return current, head, None
        log = {
            int(meta["seq"]): meta
            for _, _, meta in _rows_by_id(self._catalog, [f"{CHANGE}{n}" for n in range(seq, head + 1)], ["metadatas"])
        }
        # The reader's own commit must be in the log under its generation, and every commit since must be there.
        if len(log) != head - seq + 1 or log[seq].get("generation") != generation or log[head]["generation"] != current:
            return current, head, None
        return current, head, {a for n in range(seq + 1, head + 1) for a in json.loads(str(log[n]["articles"]))}

    def _commit(self, records: list[ArticleRecord], removed: list[str] | None = None) -> None:
        """Upsert catalog records, a new generation and its change-log row in one write: readers see all or
        none. Commit numbers are read and written under the write lock (one indexer at a time)."""
        _, seq = self.head()
        seq += 1
        generation = uuid4().hex
        changed = [r.id for r in records] + (removed or [])
        ids = [r.id for r in records] + [GENERATION, f"{CHANGE}{seq}"]
        metadatas = [asdict(r) for r in records] + [
            {"generation": generation, "seq": seq},
            {"generation": generation, "seq": seq, "articles": json.dumps(changed, ensure_ascii=False)},
        ]
        self._catalog.add_texts(ids, metadatas=metadatas, ids=ids)
        if seq > CHANGES_KEPT:  # the log stays bounded; older readers fall back to a full comparison
            self._catalog.delete(ids=[f"{CHANGE}{seq - CHANGES_KEPT}"])

    def touch(self, record: ArticleRecord) -> None:
        """Update catalog fields that do not change passages (a file moved, bytes changed, text did not)."""
        self._catalog.add_texts([record.id], metadatas=[asdict(record)], ids=[record.id])

    # ---- writes --------------------------------------------------------------------------------

    def writing(self) -> AbstractContextManager[None]:
        """Hold the store's write lock (one indexing run at a time; re-entrant); nothing without a lock."""
        return self._lock.held() if self._lock else nullcontext()

    def stored(self, article_id: str, version: str) -> tuple[dict[str, list[float]], list[str]]:
        """One read of an article's rows: text -> vector of everything stored for it (passages and their
        sentences, so unchanged text is not embedded again), and the passage texts of `version`, in order."""
        vectors: dict[str, list[float]] = {}
        ordered: list[tuple[int, str]] = []
        rows = self._passages.get(where={"article_id": article_id}, include=["documents", "embeddings", "metadatas"])
        for i, document, vector, meta in zip(
            rows["ids"], rows["documents"], rows["embeddings"], rows["metadatas"], strict=True
        ):
            passage, packed_text = _read_row(i, document, meta)
            text = passage.text
            vectors[text] = [float(x) for x in vector]
            if passage.version == version:
                ordered.append((passage.ordinal, text))
            sentences = [text[s:e] for s, e in sentence_spans(text)]
            packed = _unpack(packed_text)
            if len(packed) == len(sentences):  # the same splitter: reuse (int8 is exact enough to rank)
                vectors.update({t: v.tolist() for t, v in zip(sentences, packed, strict=True)})
        return vectors, [text for _, text in sorted(ordered)]

    def write_article(self, record: ArticleRecord, passages: list[Passage], sentences: list[SentenceRow]) -> None:
        """Replace an article by a new version: write new rows, commit the catalog, drop the old rows."""
        self.write_articles([(record, passages, sentences)])

    def write_articles(
        self,
        articles: list[tuple[ArticleRecord, list[Passage], list[SentenceRow]]],
        vectors: dict[str, list[float]] | None = None,
    ) -> None:
        """Write new versions of several articles with few Chroma calls (each call has a fixed cost): every new
        row, then one catalog commit naming all of them, then the old versions' rows are dropped. Until the
        commit readers see the old versions; an interrupted run leaves rows `collect_garbage` removes.
        `vectors` (text -> vector) holds the embeddings when the caller computed them already."""
        if not articles:
            return
        previous = {i: r.version for i, r in self.articles_by_id([record.id for record, _, _ in articles]).items()}
        passages = [p for _, rows, _ in articles for p in rows]
        sentences = [s for _, _, rows in articles for s in rows]
        of_passage: dict[str, list[str]] = {}
        for sentence in sentences:
            of_passage.setdefault(sentence.passage_id, []).append(sentence.text)
        if vectors is None:
            if self.embeddings is None:
                raise StoreError("writing articles needs an embedding model")
            texts = list(dict.fromkeys([p.text for p in passages] + [s.text for s in sentences]))
            vectors = dict(zip(texts, self.embeddings.embed_documents(texts), strict=True))
        for start in range(0, len(passages), WRITE):
            chunk = passages[start : start + WRITE]
            self._passages._collection.upsert(
                ids=[p.id for p in chunk],
                embeddings=[vectors[p.text] for p in chunk],  # type: ignore[arg-type]
                metadatas=[_row(p, _pack([vectors[t] for t in of_passage.get(p.id, [])])) for p in chunk],
            )
        self._commit([record for record, _, _ in articles])
        for record, _, _ in articles:
            if previous.get(record.id, record.version) != record.version:
                self._drop_versions(record.id, keep=record.version)

    def remove_article(self, article_id: str) -> bool:
        """Remove an article and all its rows; False when it was not indexed."""
        with self.writing():
            if self.article(article_id) is None:
                return False
            self._catalog.delete(ids=[article_id])  # the commit: from here on readers no longer see it
            self._commit([], removed=[article_id])
            self._drop_versions(article_id, keep=None)
            return True

    def _drop_versions(self, article_id: str, keep: str | None) -> None:
        where: dict[str, Any] = {"article_id": article_id}
        if keep is not None:
            where = {"$and": [{"article_id": article_id}, {"version": {"$ne": keep}}]}
        self._passages.delete(where=where)

    def collect_garbage(self) -> int:
        """Delete passage rows no catalog record names (left by an interrupted run); returns how many went."""
        current = {a.id: a.version for a in self.articles().values()}
        stale: set[tuple[str, str]] = set()
        dropped = 0
        for article_id, version in self._row_versions():
            if current.get(article_id) != version:
                stale.add((article_id, version))
                dropped += 1
        for article_id in {a for a, _ in stale}:
            self._drop_versions(article_id, keep=current.get(article_id))
        return dropped

    def check(self) -> StoreCheck:
        """Catalog against rows: every article's current version has all its passages, no row is left over."""
        current = {a.id: a for a in self.articles().values()}
        rows: dict[tuple[str, str], int] = {}
        for key in self._row_versions():
            rows[key] = rows.get(key, 0) + 1
        leftovers = sum(n for (a, v), n in rows.items() if a not in current or current[a].version != v)
        incomplete = sorted(a.id for a in current.values() if rows.get((a.id, a.version), 0) != a.passages)
        return StoreCheck(len(current), sum(a.passages for a in current.values()), leftovers, incomplete)

    def _row_versions(self) -> Iterator[tuple[str, str]]:
        """(article id, version) of every passage row, read from the ids (ARTICLE:VERSION:ORDINAL) alone: a
        metadata read of every row would also read every row's packed sentence vectors."""
        unparsed: list[str] = []
        for i, _, _ in _rows(self._passages, include=[]):
            parsed = parse_passage_id(i)
            if parsed:
                yield parsed
            else:  # ids written by other code: ask the metadata
                unparsed.append(i)
        for _, _, meta in _rows_by_id(self._passages, unparsed, ["metadatas"]):
            yield str(meta["article_id"]), str(meta["version"])

    def reset(self) -> None:
        """Delete every collection (for a rebuild with another model)."""
        with self.writing():
            self._reset()

    def _reset(self) -> None:
        for name in (PASSAGES, LEGACY_SENTENCES, ARTICLES):
            try:
                self._client.delete_collection(name)
            except NotFoundError:  # already gone; any other failure is reported
                pass

    # ---- reads ---------------------------------------------------------------------------------

    def passages(
        self, article_ids: Iterable[str] | None = None, versions: dict[str, str] | None = None
    ) -> list[Passage]:
        """Every current passage (of the catalog's versions, or of `versions` when the caller just read them), in
        article order. Read in pages: SQLite allows 32,766 bound variables, so one `get` of a large collection
        fails."""
        current = versions if versions is not None else {a.id: a.version for a in self.articles().values()}
        if article_ids is not None:
            wanted = set(article_ids)
            current = {k: v for k, v in current.items() if k in wanted}
        if not current:
            return []
        # A filter names each article id as a variable: only worth it for a few articles.
        where = _article_filter(list(current)) if len(current) <= FILTER_IDS else None
        out = [
            _read_row(i, text, meta)[0]
            for i, text, meta in _rows(self._passages, where=where, include=["documents", "metadatas"])
            if current.get(meta["article_id"]) == meta["version"]
        ]
        return sorted(out, key=lambda p: (p.article_id, p.ordinal))

    def passages_by_id(self, ids: list[str]) -> dict[str, Passage]:
        """The stored passages with these ids (missing ids are left out)."""
        return {i: _read_row(i, text, meta)[0] for i, text, meta in _rows_by_id(self._passages, ids, _TEXT)}

    def passages_with_sentences(self, ids: list[str]) -> dict[str, tuple[Passage, np.ndarray]]:
        """Passage id -> (the passage, its sentences' vectors, one row each) for the stored ones of `ids`."""
        out = {}
        for i, text, meta in _rows_by_id(self._passages, ids, _TEXT):
            passage, packed = _read_row(i, text, meta)
            out[i] = (passage, _unpack(packed))
        return out

    def passage_vectors(self, passage_ids: list[str]) -> tuple[list[str], np.ndarray, list[str], np.ndarray]:
        """Passage ids and vectors, and each sentence's passage id and vector, of these passages (read by id:
        a filtered read gets slower as the collection grows, a read by id does not)."""
        ids: list[str] = []
        vectors: list[Any] = []
        sentence_ids: list[str] = []
        sentences: list[np.ndarray] = []
        for i, vector, meta in _rows_by_id(self._passages, passage_ids, ["embeddings", "metadatas"]):
            ids.append(i)
            vectors.append(vector)
            packed = _unpack(_packed(meta))
            sentence_ids += [i] * len(packed)
            sentences.append(packed)
        dim = len(vectors[0]) if vectors else 0
        stacked = np.concatenate(sentences) if sentences else np.zeros((0, dim), np.float32)
        return ids, np.asarray(vectors, dtype=np.float32).reshape(len(ids), -1), sentence_ids, stacked

    def sample_vectors(self, n: int = 512) -> dict[str, np.ndarray]:
        """Up to `n` stored passage and sentence vectors, for estimating similarity statistics."""
        rows = self._passages.get(limit=n, include=["embeddings", "metadatas"])
        if not rows["ids"]:
            return {}
        passages = np.asarray(rows["embeddings"], dtype=np.float32).reshape(len(rows["ids"]), -1)
        packed = [_unpack(_packed(meta)) for meta in rows["metadatas"]]
        packed = [p for p in packed if len(p)]
        sentences = np.concatenate(packed)[:n] if packed else passages
        return {"passage": passages, "sentence": sentences}

    def count(self) -> int:
        return sum(a.passages for a in self.articles().values())

    def search_passages(
        self, vector: list[float], n: int, article_ids: list[str] | None = None
    ) -> list[tuple[str, float]]:
        """(passage id, cosine similarity) of the `n` nearest passages."""
        if n <= 0:
            return []
        where = _article_filter(article_ids) if article_ids else None
        found = self._passages._collection.query(
            query_embeddings=[vector],  # type: ignore[arg-type]
            n_results=n,
            where=where,  # type: ignore[arg-type]
            include=["distances"],  # ids and distances: the hits' rows are read by id when needed
        )
        distances = found["distances"] or [[]]
        return [(str(i), 1.0 - float(d)) for i, d in zip(found["ids"][0], distances[0], strict=True)]


def _rows(collection: Any, where: dict[str, Any] | None = None, include: list[str] | None = None):
    """(id, document or embedding, metadata) of every matching row, PAGE rows per query."""
    offset = 0
    include = ["metadatas"] if include is None else include
    while True:
        page = collection.get(where=where, include=include, limit=PAGE, offset=offset)
        yield from _triples(page, include)
        if len(page["ids"]) < PAGE:
            return
        offset += PAGE


def _rows_by_id(collection: Any, ids: list[str], include: list[str]):
    """(id, document or embedding, metadata) of the stored rows among `ids`, PAGE ids per query (SQLite's
    limit on bound variables); missing ids are left out."""
    for start in range(0, len(ids), PAGE):
        yield from _triples(collection.get(ids=ids[start : start + PAGE], include=include), include)


def _triples(page: dict, include: list[str]):
    ids = page["ids"]
    second = page.get("embeddings" if "embeddings" in include else "documents")
    if second is None or not len(second):
        second = [None] * len(ids)
    return zip(ids, second, page.get("metadatas") or [{}] * len(ids), strict=True)


_TEXT = ["documents", "metadatas"]  # what a passage read includes (rows from before ROW keep the text as document)
_SPLIT = "\x1e"  # between a ROW's JSON and its packed vectors: never in JSON text (it escapes control characters)


def _row(passage: Passage, packed: str) -> dict[str, str | int]:
    """A passage's metadata: the filtered fields as keys, the rest with its text and packed sentence vectors as
    one string. Chroma writes and indexes every metadata value and document on its own (full-text index for
    documents): one string instead of a document and thirteen keys takes its writes from 0.77 s to 0.43 s per
    800 passages (bench/scale.py's indexing ratio)."""
    fields = passage.metadata() | {"text": passage.text}
    keys = {k: fields.pop(k) for k in FILTERED}
    return keys | {ROW: json.dumps(fields, ensure_ascii=False, separators=(",", ":")) + _SPLIT + packed}


def _read_row(passage_id: str, document: str | None, meta: dict[str, Any]) -> tuple[Passage, str | None]:
    """The passage of a stored row and its packed sentence vectors; reads rows written before ROW too."""
    if ROW not in meta:
        return Passage.from_metadata(passage_id, document or "", meta), meta.get(SENTENCE_VECTORS)
    body, packed = str(meta[ROW]).split(_SPLIT, 1)
    fields = json.loads(body)
    return Passage.from_metadata(passage_id, fields.pop("text"), meta | fields), packed


def _packed(meta: dict[str, Any]) -> str | None:
    """The packed sentence vectors of a row's metadata, without decoding the rest."""
    return str(meta[ROW]).split(_SPLIT, 1)[1] if ROW in meta else meta.get(SENTENCE_VECTORS)


def _pack(vectors: list[list[float]] | list[Any]) -> str:
    """Vectors as 'qDIM:' + base64 of one float16 scale per row, then the rows as int8 (a quarter of float32:
    a search reads fewer SQLite pages per candidate; a cosine moves by about 0.001, ranks are unchanged).
    Packing unpacked vectors again gives the same bytes."""
    if not len(vectors):
        return ""
    array = np.asarray(vectors, dtype=np.float32)
    peaks = np.abs(array).max(axis=1).astype(np.float16)  # stored as is: `_unpack` divides by 127 again
    scales = np.where(peaks > 0, peaks.astype(np.float32), 127.0) / 127  # an all-zero row stays zero
    rows = np.clip(np.round(array / scales[:, None]), -127, 127).astype(np.int8)
    raw = peaks.tobytes() + rows.tobytes()
    return f"q{array.shape[1]}:" + base64.b64encode(raw).decode("ascii")


def _unpack(packed: object) -> np.ndarray:
    """The vectors `_pack` packed, as float32 rows (rows packed before int8, 'DIM:' + float16, read too); no rows
    for an empty or missing value."""
    if not isinstance(packed, str) or ":" not in packed:
        return np.zeros((0, 0), dtype=np.float32)
    head, data = packed.split(":", 1)
    raw = base64.b64decode(data)
    if not head.startswith("q"):
        return np.frombuffer(raw, dtype=np.float16).reshape(-1, int(head)).astype(np.float32)
    dim = int(head[1:])
    n = len(raw) // (2 + dim)
    peaks = np.frombuffer(raw[: 2 * n], dtype=np.float16).astype(np.float32)
    rows = np.frombuffer(raw[2 * n :], dtype=np.int8).reshape(n, dim)
    return rows * (peaks / 127)[:, None]


def _internal(catalog_id: str) -> bool:
    """The generation row and the change log: catalog rows that are not articles."""
    return catalog_id == GENERATION or catalog_id.startswith(CHANGE)


def _record(meta: dict | None) -> ArticleRecord:
    names = {f.name for f in fields(ArticleRecord)}
    return ArticleRecord(**{k: v for k, v in (meta or {}).items() if k in names})


def _article_filter(article_ids: list[str]) -> dict[str, Any]:
    if len(article_ids) == 1:
        return {"article_id": article_ids[0]}
    return {"article_id": {"$in": article_ids}}
