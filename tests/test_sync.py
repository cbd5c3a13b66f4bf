"""Incremental, exact re-indexing against a real Chroma store."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from index.store import PassageStore
from index.sync import Indexer
from tests.conftest import SAMPLE


def _ids(store: PassageStore) -> list[str]:
    return [p.id for p in store.passages()]


def test_passage_ids_are_stable_and_sync_twice_embeds_nothing(
    articles_dir: Path, make_indexer: Callable[[], Indexer]
) -> None:
    first = make_indexer().sync(articles_dir)
    assert first.added == ["loekasjenko-interview-2023-08"] and first.passages_embedded > 0
    indexer = make_indexer()
    ids = _ids(indexer.store)
    second = indexer.sync(articles_dir)
    assert second.unchanged == ["loekasjenko-interview-2023-08"]
    assert second.passages_embedded == 0 and indexer.embeddings.embedded == 0
    assert _ids(indexer.store) == ids
    assert all(i.startswith("loekasjenko-interview-2023-08:") for i in ids)


def test_passages_are_verbatim_with_sections(articles_dir: Path, make_indexer: Callable[[], Indexer]) -> None:
    from index.articles import load_article

    indexer = make_indexer()
    indexer.sync(articles_dir)
    text = load_article(SAMPLE).text
    passages = indexer.store.passages()
    for p in passages:
        assert text[p.start : p.end] == p.text
        assert p.title == "Loekasjenko interview" and p.date == "2023-08"
    assert {p.section for p in passages} == {"", "Bondgenoot", "Kernwapens"}
    assert not any(p.text in ("Bondgenoot", "Kernwapens") for p in passages)
    nuclear = next(p for p in passages if "alle middelen" in p.text)
    assert nuclear.section == "Kernwapens" and nuclear.paragraph == 6


def test_changed_article_replaces_exactly_its_passages(
    articles_dir: Path, make_indexer: Callable[[], Indexer], tmp_path: Path
) -> None:
    other = articles_dir / "brand.txt"
    other.write_text("Een brand legde gisteren een loods in Gent in de as. Niemand raakte gewond.", encoding="utf-8")
    indexer = make_indexer()
    indexer.sync(articles_dir)
    brand_ids = [p.id for p in indexer.store.passages() if p.article_id == "brand"]
    sample = articles_dir / SAMPLE.name
    sample.write_text(
        sample.read_text(encoding="utf-8").replace("destijds op televisie", "destijds op de radio"), encoding="utf-8"
    )
    report = indexer.sync(articles_dir)
    assert report.updated == ["loekasjenko-interview-2023-08"] and report.unchanged == ["brand"]
    assert report.passages_embedded == 1  # only the edited paragraph went through the model
    passages = indexer.store.passages()
    assert [p.id for p in passages if p.article_id == "brand"] == brand_ids
    texts = " ".join(p.text for p in passages)
    assert "destijds op de radio" in texts and "destijds op televisie" not in texts
    assert (
        len(passages) == len(set(p.id for p in passages)) == sum(a.passages for a in indexer.store.articles().values())
    )


def test_deleted_article_disappears(articles_dir: Path, make_indexer: Callable[[], Indexer]) -> None:
    indexer = make_indexer()
    indexer.sync(articles_dir)
    (articles_dir / SAMPLE.name).unlink()
    report = indexer.sync(articles_dir)
    assert report.removed == ["loekasjenko-interview-2023-08"]
    assert indexer.store.passages() == [] and indexer.store.articles() == {}


def test_broken_files_do_not_touch_the_index(articles_dir: Path, make_indexer: Callable[[], Indexer]) -> None:
    indexer = make_indexer()
    indexer.sync(articles_dir)
    before = _ids(indexer.store)
    (articles_dir / "leeg.txt").write_bytes(b"")
    (articles_dir / "kapot.html").write_bytes(b"\x00\x01\x02binary")
    (articles_dir / "goed.md").write_text(
        "# Goed\n\nDit artikel is wel in orde en wordt geindexeerd.", encoding="utf-8"
    )
    report = indexer.sync(articles_dir)
    assert sorted(f.path.rsplit("/", 1)[-1] for f in report.failed) == ["kapot.html", "leeg.txt"]
    assert report.added == ["goed"] and not report.ok
    assert set(before) <= set(_ids(indexer.store))


def test_missing_path_and_empty_folder_fail_clearly(tmp_path: Path, make_indexer: Callable[[], Indexer]) -> None:
    empty = tmp_path / "leeg"
    empty.mkdir()
    report = make_indexer().add([tmp_path / "nope.txt", empty])
    assert [f.error for f in report.failed] == ["file not found", "no articles (.txt, .md, .markdown) in this folder"]


def test_interrupted_update_keeps_the_old_version(
    articles_dir: Path, make_indexer: Callable[[], Indexer], monkeypatch: pytest.MonkeyPatch
) -> None:
    indexer = make_indexer()
    indexer.sync(articles_dir)
    old_ids = _ids(indexer.store)
    sample = articles_dir / SAMPLE.name
    sample.write_text(
        sample.read_text(encoding="utf-8").replace("destijds op televisie", "destijds op de radio"), encoding="utf-8"
    )

    def crash(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt  # the run dies after new passages were written, before the commit

    monkeypatch.setattr(indexer.store, "touch", crash)
    monkeypatch.setattr(indexer.store._catalog, "add_texts", crash)
    with pytest.raises(KeyboardInterrupt):
        indexer.sync(articles_dir)
    monkeypatch.undo()
    reader = make_indexer()
    assert _ids(reader.store) == old_ids
    assert "destijds op televisie" in " ".join(p.text for p in reader.store.passages())
    report = reader.sync(articles_dir)  # the next run collects the leftovers and commits the new version
    assert report.updated == ["loekasjenko-interview-2023-08"]
    assert "destijds op de radio" in " ".join(p.text for p in reader.store.passages())
    assert reader.store.collect_garbage() == 0


@pytest.mark.parametrize("batch", [1_000, 1], ids=["one batch", "a batch per article"])
def test_same_file_name_in_two_folders_is_refused(
    tmp_path: Path, make_indexer: Callable[[], Indexer], monkeypatch: pytest.MonkeyPatch, batch: int
) -> None:
    import index.sync

    monkeypatch.setattr(index.sync, "BATCH_PASSAGES", batch)  # the first may be committed before the second
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        shutil.copy(SAMPLE, tmp_path / folder / SAMPLE.name)
    report = make_indexer().add([tmp_path / "a", tmp_path / "b"])
    assert report.added == ["loekasjenko-interview-2023-08"]
    assert "already used by" in report.failed[0].error


def test_reindex_keeps_titles_and_reports_missing_files(
    articles_dir: Path, make_indexer: Callable[[], Indexer], tmp_path: Path
) -> None:
    extra = tmp_path / "weg.txt"
    extra.write_text("Dit artikel verdwijnt straks van de schijf.", encoding="utf-8")
    indexer = make_indexer()
    indexer.add([articles_dir / SAMPLE.name], title="Interview met Loekasjenko")
    indexer.add([extra])
    records = list(indexer.store.articles().values())
    extra.unlink()
    indexer.store.reset()
    report = make_indexer().reindex(records)
    assert report.added == ["loekasjenko-interview-2023-08"]
    assert report.failed[0].path == str(extra) and report.failed[0].error == "file not found"
    assert make_indexer().store.article("loekasjenko-interview-2023-08").title == "Interview met Loekasjenko"


def test_a_sync_interrupted_between_batches_keeps_whole_articles(
    tmp_path: Path, make_indexer: Callable[[], Indexer], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Changed articles are written in batches, one commit each: a run killed during the second batch keeps
    the first batch's new versions and the second batch's old ones, never a mix within an article."""
    import index.sync

    folder = tmp_path / "nieuws"
    folder.mkdir()
    for n in range(4):
        body = "\n\n".join(f"Alinea {i} van bericht {n}: de raad stemde over punt {i}." for i in range(3))
        (folder / f"bericht-{n}.md").write_text(f"# Bericht {n}\n\n{body}\n", encoding="utf-8")
    make_indexer().sync(folder)
    for n in range(4):
        path = folder / f"bericht-{n}.md"
        path.write_text(path.read_text(encoding="utf-8").replace("stemde", "besliste"), encoding="utf-8")
    monkeypatch.setattr(index.sync, "BATCH_PASSAGES", 6)  # two articles per batch
    indexer = make_indexer()
    writes = indexer.store.write_articles

    def dies_in_the_second_batch(articles: list, vectors: dict) -> None:
        if any(record.id.endswith(("-2", "-3")) for record, _, _ in articles):
            raise KeyboardInterrupt
        writes(articles, vectors)

    monkeypatch.setattr(indexer.store, "write_articles", dies_in_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        indexer.sync(folder)
    monkeypatch.undo()
    store = make_indexer().store
    texts = {a: {p.text.split(": ")[1].split()[2] for p in store.passages([a])} for a in store.articles()}
    assert texts == {
        "bericht-0": {"besliste"},
        "bericht-1": {"besliste"},
        "bericht-2": {"stemde"},
        "bericht-3": {"stemde"},
    }
    report = make_indexer().sync(folder)
    assert report.updated == ["bericht-2", "bericht-3"] and report.unchanged == ["bericht-0", "bericht-1"]


HOLDER = """
import sys, time
from pathlib import Path
from index.lock import WriteLock
with WriteLock.at(Path(sys.argv[1])).held():
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def _hold_lock(tmp_path: Path, seconds: float) -> subprocess.Popen:
    """Another process (an `index sync` elsewhere) holding the data dir's write lock."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(tmp_path / "data" / "index.lock"), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
    return holder


def test_a_second_indexing_run_waits_for_the_first_and_says_so(
    articles_dir: Path, make_indexer: Callable[[], Indexer], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    indexer = make_indexer()
    holder = _hold_lock(tmp_path, 2.0)
    started = time.monotonic()
    with caplog.at_level("WARNING", logger="index.lock"):
        report = indexer.sync(articles_dir)
    assert time.monotonic() - started >= 1.5  # it waited for the other run instead of interleaving with it
    assert report.added == ["loekasjenko-interview-2023-08"]
    assert f"another indexing run (pid {holder.pid})" in caplog.text and "waiting" in caplog.text
    holder.wait(timeout=10)


def test_a_killed_indexing_run_does_not_block_the_next(
    articles_dir: Path, make_indexer: Callable[[], Indexer], tmp_path: Path
) -> None:
    holder = _hold_lock(tmp_path, 600)
    holder.send_signal(signal.SIGKILL)  # kill -9: the kernel drops its lock
    holder.wait(timeout=10)
    started = time.monotonic()
    assert make_indexer().sync(articles_dir).added == ["loekasjenko-interview-2023-08"]
    assert time.monotonic() - started < 60


def test_a_link_out_of_the_articles_folder_is_not_read(tmp_path: Path, make_indexer: Callable[[], Indexer]) -> None:
    secret = tmp_path / "elders" / "geheim.txt"
    secret.parent.mkdir()
    secret.write_text("Het wachtwoord van de redactie is vlinder42.", encoding="utf-8")
    folder = tmp_path / "artikels"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    (folder / "geheim.txt").symlink_to(secret)
    report = make_indexer().sync(folder)
    assert report.added == ["loekasjenko-interview-2023-08"]
    assert [(f.path, f.error) for f in report.failed] == [
        (
            str(folder / "geheim.txt"),
            "a link to a file outside the folder; not read (CITEBOT_FOLLOW_LINKS=true allows it)",
        )
    ]
    assert not any("vlinder42" in p.text for p in make_indexer().store.passages())

    allowing = make_indexer()
    allowing.follow_links = True  # CITEBOT_FOLLOW_LINKS=true: the operator means it
    assert allowing.sync(folder).added == ["geheim"]
    assert any("vlinder42" in p.text for p in allowing.store.passages())


def test_a_file_indexed_under_an_old_id_is_replaced_not_duplicated(
    tmp_path: Path, make_indexer: Callable[[], Indexer], monkeypatch: pytest.MonkeyPatch
) -> None:
    import index.sync

    folder = tmp_path / "artikels"
    folder.mkdir()
    (folder / "café.md").write_text("# Café\n\nHet café sluit om middernacht.\n", encoding="utf-8")
    with monkeypatch.context() as patch:  # the id rule of earlier versions: non-ASCII letters dropped
        patch.setattr(index.sync, "article_id_for", lambda path: "caf")
        patch.setattr("index.articles.article_id_for", lambda path: "caf")
        assert make_indexer().sync(folder).added == ["caf"]
    report = make_indexer().sync(folder)
    assert report.added == ["café"] and report.removed == ["caf"]
    assert set(make_indexer().store.articles()) == {"café"}


def test_an_article_longer_than_the_limit_is_refused_in_one_line(
    tmp_path: Path, make_indexer: Callable[[], Indexer]
) -> None:
    folder = tmp_path / "artikels"
    folder.mkdir()
    shutil.copy(SAMPLE, folder / SAMPLE.name)
    (folder / "boek.txt").write_text("\n\n".join(f"Alinea {i} van een heel lang boek." for i in range(400)), "utf-8")
    indexer = make_indexer()
    indexer.max_chars = 5_000
    report = indexer.sync(folder)
    assert report.added == ["loekasjenko-interview-2023-08"]  # the sample is shorter than the limit
    boek = [f for f in report.failed if f.path.endswith("boek.txt")]
    assert len(boek) == 1 and "more than the limit of 5,000 (CITEBOT_MAX_ARTICLE_CHARS)" in boek[0].error
    assert "boek" not in indexer.store.articles()


def test_a_long_article_shows_its_own_progress_bar(
    articles_dir: Path, make_indexer: Callable[[], Indexer], monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    import index.sync

    monkeypatch.setattr(index.sync, "PROGRESS_TEXTS", 20)  # the sample stands in for a long article
    monkeypatch.setattr(index.sync, "EMBED_CHUNK", 8)
    indexer = make_indexer()
    indexer.progress = True
    assert indexer.add([articles_dir]).added == ["loekasjenko-interview-2023-08"]
    err = capsys.readouterr().err
    assert "embedding loekasjenko-interview-2023-08" in err and "text/s" in err


def test_keep_puts_a_file_back_when_indexing_it_fails(tmp_path: Path, make_indexer: Callable[[], Indexer]) -> None:
    indexer = make_indexer()
    indexer.max_chars = 1_000  # so that a long text fails at indexing, after it was written
    folder = tmp_path / "artikels"
    target = folder / "nieuws.md"
    good = b"# Nieuws\n\nDe brug over de Schelde gaat in mei open.\n"
    assert indexer.keep(target, good).added == ["nieuws"]
    failed = indexer.keep(target, b"# Nieuws\n\n" + b"Een heel lange zin over de brug. " * 100)
    assert not failed.ok and "CITEBOT_MAX_ARTICLE_CHARS" in failed.failed[0].error
    assert target.read_bytes() == good  # the replaced file is back
    assert not indexer.keep(folder / "nieuw.md", b"# Nieuw\n\n" + b"Lang. " * 400).ok
    assert sorted(p.name for p in folder.iterdir()) == ["nieuws.md"]  # the new one is gone
