"""The shipped prompt templates load and carry the placeholders their use fills in."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.chain import Chain, build_chain
from bot.prompts import PromptError, load_prompt
from tests.fakes import ScriptedChatModel


@pytest.mark.parametrize("name", ["answer", "condense"])
def test_shipped_templates_load(name: str) -> None:
    assert "{question}" in load_prompt(name)


def test_a_template_without_its_fields_is_refused(tmp_path: Path) -> None:
    (tmp_path / "answer.md").write_text("Answer: {question}", encoding="utf-8")
    with pytest.raises(PromptError, match="lacks the placeholders"):
        load_prompt("answer", tmp_path)
    with pytest.raises(PromptError, match="no prompt template"):
        load_prompt("condense", tmp_path)


def test_citebot_prompts_dir_points_the_chain_at_other_templates(tmp_path: Path, sample_chain: Chain) -> None:
    for name in ("answer", "condense"):
        (tmp_path / f"{name}.md").write_text("HOUSE RULES.\n" + load_prompt(name), encoding="utf-8")
    settings = sample_chain.settings.model_copy(update={"answerer": "llm", "prompts_dir": tmp_path})
    llm = ScriptedChatModel(reply=lambda p: "", prompts=[])
    build_chain(settings, embedder=sample_chain.search.embedder, store=sample_chain.search.store, llm=llm).invoke(
        "Hoe hoorde Loekasjenko over de invasie?"
    )
    assert str(llm.prompts[0][0].content).startswith("HOUSE RULES.")
