"""Copy an embedded index out and back, while no indexing run writes (the write lock is held)."""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Protocol

from index.lock import WriteLock


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


class _Settings(Protocol):
    data_dir: Path
    chroma_url: str | None


def backup(settings: _Settings, folder: Path) -> None:
    """Copy DATA_DIR/chroma to FOLDER/chroma."""
    source = _embedded(settings)
    if not source.is_dir():
        raise BackupError(f"there is no index at {source} to back up")
    if folder.exists() and any(folder.iterdir()):
        raise BackupError(f"{folder} exists and is not empty; give a new folder")
    with WriteLock.at(settings.data_dir / "index.lock").held():
        shutil.copytree(source, folder / "chroma")


def restore(settings: _Settings, folder: Path) -> Path | None:
    """Replace DATA_DIR/chroma by FOLDER/chroma; returns where the replaced index was kept (None if none)."""
    target = _embedded(settings)
    source = folder / "chroma"
    if not (source / "chroma.sqlite3").is_file():
        raise BackupError(f"{folder} is not a backup made by `citebot index backup` (no chroma/chroma.sqlite3)")
    with WriteLock.at(settings.data_dir / "index.lock").held():
        kept = None
        if target.exists():
            kept = target.with_name(f"chroma.before-restore-{time.strftime('%Y%m%d-%H%M%S')}")
            target.rename(kept)
        shutil.copytree(source, target)
        shutil.rmtree(settings.data_dir / "search", ignore_errors=True)  # the saved search state is rebuilt
    _forget_open_clients()
    return kept


def _forget_open_clients() -> None:
    """Chroma keeps one client per folder per process, with the old files open: drop them, so this process
    (a test, a long-running tool) opens the restored files."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def _embedded(settings: _Settings) -> Path:
    if settings.chroma_url:
        raise BackupError(
            f"the index is on a Chroma server ({settings.chroma_url}); back up the server's --path folder instead"
        )
    return settings.data_dir / "chroma"
