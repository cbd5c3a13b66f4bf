"""Domain errors of the indexing side; each message names the value and the fix."""

from __future__ import annotations


class IndexingError(Exception):
    """Base class for errors a user can act on."""


class ArticleError(IndexingError):
    """One article file could not be loaded; the others are unaffected."""

    def __init__(self, path: str, reason: str) -> None:
        path = printable(path)
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def printable(name: str) -> str:
    """A file name safe for a one-line message: control characters (a newline in a name) and undecodable
    bytes are escaped, as Python would write them."""
    if name.isprintable():
        return name
    return "".join(
        c if c.isprintable() else c.encode("unicode_escape", "backslashreplace").decode("ascii") for c in name
    )


class EmbeddingMismatchError(IndexingError):
    """The index was built with another embedding model than the configured one."""


class StoreError(IndexingError):
    """The vector store could not be opened or written."""
