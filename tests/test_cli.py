"""The `citebot` command end to end, through typer's CliRunner, on a real index in a tmp dir."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app

runner = CliRunner()


def _run(data: Path, *args: str, input: str | None = None):
    return runner.invoke(app, ["--data-dir", str(data), *args], input=input)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    return tmp_path / "data"


def test_index_and_ask(data: Path, articles_dir: Path) -> None:
    result = _run(data, "index", "sync", str(articles_dir), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["added"] == ["loekasjenko-interview-2023-08"] and report["failed"] == []
    assert report["passages_embedded"] > 0

    again = json.loads(_run(data, "index", "sync", str(articles_dir), "--json").stdout)
    assert again["unchanged"] == ["loekasjenko-interview-2023-08"] and again["passages_embedded"] == 0

    listing = _run(data, "index", "list")
    assert "loekasjenko-interview-2023-08  2023-08" in listing.stdout and "Loekasjenko interview" in listing.stdout

    human = _run(data, "ask", "Hoe hoorde Loekasjenko over de invasie?")
    assert human.exit_code == 0
    assert "Net zoals iedereen hoorde Loekasjenko het nieuws destijds op televisie. [1]" in human.stdout
    assert "Bronnen:" in human.stdout and "alinea 1" in human.stdout

    answer = json.loads(_run(data, "ask", "--json", "Waar stationeerde Moskou kernwapens?").stdout)
    assert answer["answered"] and "Wit-Russisch grondgebied" in answer["citations"][0]["quote"]

    lines = _run(data, "ask", "--json", "-", input="Waar was Poetin bang voor?\n\nWat is de hoofdstad van Peru?\n")
    rows = [json.loads(line) for line in lines.stdout.splitlines()]
    assert [r["answered"] for r in rows] == [True, False]
    assert rows[1]["answer"] == "Dat staat niet in de artikelen die ik ken."


def test_ask_with_history_file(data: Path, articles_dir: Path, tmp_path: Path) -> None:
    _run(data, "index", "sync", str(articles_dir))
    history = tmp_path / "history.json"
    history.write_text(json.dumps([{"question": "Zou Wit-Rusland kernwapens gebruiken?", "answer": "..."}]))
    result = _run(data, "ask", "--json", "--history", str(history), "En wanneer zou hij ze inzetten?")
    answer = json.loads(result.stdout)
    assert answer["answered"] and "als zijn land wordt aangevallen" in answer["citations"][0]["quote"]
    history.write_text("{not json")
    bad = _run(data, "ask", "--history", str(history), "Waarom?")
    assert bad.exit_code == 1 and "history.json" in bad.stderr


def test_bad_files_fail_with_non_zero_exit_and_keep_the_rest(data: Path, articles_dir: Path) -> None:
    (articles_dir / "leeg.txt").write_text("")
    result = _run(data, "index", "add", str(articles_dir))
    assert result.exit_code == 1
    assert "leeg.txt: file is empty" in result.stderr
    assert "added: loekasjenko-interview-2023-08" in result.stdout


def test_remove_and_empty_index_messages(data: Path, articles_dir: Path) -> None:
    _run(data, "index", "sync", str(articles_dir))
    removed = _run(data, "index", "remove", "loekasjenko-interview-2023-08", "--json")
    assert removed.exit_code == 0 and json.loads(removed.stdout)["removed"] == ["loekasjenko-interview-2023-08"]
    missing = _run(data, "index", "remove", "loekasjenko-interview-2023-08")
    assert missing.exit_code == 1 and "no article 'loekasjenko-interview-2023-08'" in missing.stderr
    empty = _run(data, "ask", "Waarom?")
    assert empty.exit_code == 1 and "citebot index sync" in empty.stderr


def test_chat_answers_until_end_of_input(data: Path, articles_dir: Path) -> None:
    _run(data, "index", "sync", str(articles_dir))
    result = _run(data, "chat", input="Zou Wit-Rusland kernwapens gebruiken?\nEn wanneer zou hij ze inzetten?\n")
    assert result.exit_code == 0
    assert "“alle middelen” zou inzetten" in result.stdout


@pytest.mark.slow
def test_sentence_transformers_model_and_rebuild(data: Path, articles_dir: Path) -> None:
    """The packaged all-MiniLM-L6-v2 works as embedder; switching models needs (and gets) a rebuild."""
    assert _run(data, "index", "sync", str(articles_dir)).exit_code == 0
    mismatch = _run(data, "--embedding-model", "minilm", "ask", "Waar stationeerde Moskou kernwapens?")
    assert mismatch.exit_code == 1
    assert "built with embedding model 'use-multilingual'" in mismatch.stderr
    assert "citebot index rebuild" in mismatch.stderr
    rebuilt = _run(data, "--embedding-model", "minilm", "index", "rebuild", "--json")
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads(rebuilt.stdout)["added"] == ["loekasjenko-interview-2023-08"]
    answer = json.loads(
        _run(data, "--embedding-model", "minilm", "ask", "--json", "Waar stationeerde Moskou kernwapens?").stdout
    )
    assert "Wit-Russisch grondgebied" in answer["citations"][0]["text"]


@pytest.mark.slow
def test_minilm_passages_fit_its_sequence_length(tmp_path: Path) -> None:
    from index.articles import load_article
    from index.embeddings import make_embedder
    from index.passages import split_passages
    from tests.conftest import SAMPLE

    embedder = make_embedder("minilm")
    assert embedder.max_tokens == 254
    long_article = tmp_path / "lang.txt"
    long_article.write_text(" ".join([load_article(SAMPLE).text.replace("\n\n", " ")] * 2), encoding="utf-8")
    passages = split_passages(load_article(long_article), embedder.count_tokens, embedder.max_tokens)
    assert len(passages) > 2
    assert all(embedder.count_tokens(p.text) <= 254 for p in passages)


def test_telegram_with_a_webhook_url_telegram_cannot_use_says_so_in_one_line(data: Path) -> None:
    env = {"TELEGRAM_BOT_TOKEN": "123:abc", "TELEGRAM_WEBHOOK_URL": "bot.example.org/hook"}
    result = runner.invoke(app, ["--data-dir", str(data), "telegram"], env=env)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "error: TELEGRAM_WEBHOOK_URL must be an https:// URL that Telegram can reach, got 'bot.example.org/hook'"
    ]


def test_unreadable_questions_get_their_own_error_and_the_batch_goes_on(data: Path, articles_dir: Path) -> None:
    assert _run(data, "index", "sync", str(articles_dir)).exit_code == 0
    batch = (
        b"Waar was Poetin bang voor?\n"
        + b"Wat zei hij over \xff\xfe de Krim?\n"
        + b"Wat wil Loekasjenko met de Krim?\n"
    )
    result = runner.invoke(app, ["--data-dir", str(data), "ask", "--json", "-"], input=batch)
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert result.exit_code == 1 and len(rows) == 3
    assert rows[1] == {"error": "line 2: not valid UTF-8 (byte 0xff at position 17)", "line": 2}
    assert rows[0]["answered"] and "question" in rows[2]  # the lines around it were answered
    empty = _run(data, "ask", "--json", "")
    assert empty.exit_code == 1 and json.loads(empty.stdout) == {"error": "empty question"}
    surrogate = _run(data, "ask", "Wat zei hij over \udcff de Krim?")
    assert surrogate.exit_code == 1 and "error: not valid UTF-8" in surrogate.stderr


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["index", "add", "a.txt", "--data-dir", "D"], ["--data-dir", "D", "index", "add", "a.txt"]),
        (["ask", "Wat?", "--embedding-model=minilm", "--json"], ["--embedding-model=minilm", "ask", "Wat?", "--json"]),
        (["--data-dir", "D", "index", "list"], ["--data-dir", "D", "index", "list"]),
        (["ask", "--", "--data-dir"], ["ask", "--", "--data-dir"]),
    ],
)
def test_global_options_may_come_after_the_command(argv: list[str], expected: list[str]) -> None:
    from bot.cli import hoist_global_options

    assert hoist_global_options(argv) == expected


def test_data_dir_after_the_subcommand_is_used(data: Path, articles_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.cli import main

    monkeypatch.setattr("sys.argv", ["citebot", "index", "sync", str(articles_dir), "--json", "--data-dir", str(data)])
    with pytest.raises(SystemExit) as done:
        main()
    assert done.value.code == 0 and (data / "chroma").is_dir()


@pytest.mark.parametrize("damage", ["empty", "missing"])
def test_an_emptied_store_is_reported_not_silently_replaced(data: Path, articles_dir: Path, damage: str) -> None:
    """A 0-byte or deleted chroma.sqlite3 beside the vector files is a damaged index, not a new one."""
    assert _run(data, "index", "sync", str(articles_dir)).exit_code == 0
    database = data / "chroma" / "chroma.sqlite3"
    if damage == "empty":
        database.write_bytes(b"")
    else:
        database.unlink()
    for args in (["index", "list"], ["ask", "Waarom?"], ["index", "sync", str(articles_dir)]):
        result = _run(data, *args)
        assert result.exit_code == 1, args
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and "is damaged" in lines[0] and "citebot index rebuild" in lines[0], lines
    if damage == "empty":
        assert database.stat().st_size == 0  # nothing was written over the damaged index
    else:
        assert not database.exists()


def test_index_check_finds_and_repairs_leftovers_and_missing_passages(data: Path, articles_dir: Path) -> None:
    from bot.chain import open_store
    from bot.settings import Settings

    assert _run(data, "index", "sync", str(articles_dir)).exit_code == 0
    clean = _run(data, "index", "check", "--json")
    assert clean.exit_code == 0 and json.loads(clean.stdout)["ok"]
    store = open_store(Settings(data_dir=data), None)
    passages = store.passages()
    # Damage: rows of a version no catalog names (an interrupted run), and two current passages gone.
    store._passages._collection.upsert(
        ids=["loekasjenko-interview-2023-08:oud:0000"],
        embeddings=[[0.1] * 512],
        documents=["Een achtergebleven rij."],
        metadatas=[passages[0].metadata() | {"version": "oud"}],
    )
    store._passages.delete(ids=[passages[1].id, passages[2].id])
    found = _run(data, "index", "check", "--json")
    report = json.loads(found.stdout)
    assert found.exit_code == 1 and report["leftover_rows"] == 1 and report["incomplete"] == [passages[0].article_id]
    repaired = _run(data, "index", "check", "--repair", "--json")
    assert repaired.exit_code == 0 and json.loads(repaired.stdout)["ok"], repaired.stdout
    assert {p.id for p in open_store(Settings(data_dir=data), None).passages()} == {p.id for p in passages}


def test_backup_and_restore(data: Path, articles_dir: Path, tmp_path: Path) -> None:
    assert _run(data, "index", "sync", str(articles_dir)).exit_code == 0
    assert _run(data, "index", "backup", str(tmp_path / "kopie")).exit_code == 0
    refused = _run(data, "index", "backup", str(tmp_path / "kopie"))
    assert refused.exit_code == 1 and "not empty" in refused.stderr
    assert _run(data, "index", "remove", "loekasjenko-interview-2023-08").exit_code == 0
    restored = _run(data, "index", "restore", str(tmp_path / "kopie"))
    assert restored.exit_code == 0 and "previous index is kept" in restored.stdout
    assert "loekasjenko-interview-2023-08" in _run(data, "index", "list").stdout
    answer = json.loads(_run(data, "ask", "--json", "Waar stationeerde Moskou kernwapens?").stdout)
    assert answer["answered"]  # the saved search state was rebuilt for the restored index
    not_a_backup = _run(data, "index", "restore", str(articles_dir))
    assert not_a_backup.exit_code == 1 and "not a backup" in not_a_backup.stderr
