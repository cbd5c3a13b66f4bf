"""Domain errors of the indexing side; each message names the value and the fix."""

from __future__ import annotations


class IndexingError(Exception):
    """Base class for errors a user can act on."""


class ArticleError(IndexingError):
    """One article file could not be loaded; the others are unaffected."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


class EmbeddingMismatchError(IndexingError):
    """The index was built with another embedding model than the configured one."""


class StoreError(IndexingError):
    """The vector store could not be opened or written."""
