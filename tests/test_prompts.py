"""The shipped prompt templates load and carry the placeholders their use fills in."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.prompts import PromptError, load_prompt


@pytest.mark.parametrize("name", ["answer", "condense"])
def test_shipped_templates_load(name: str) -> None:
    assert "{question}" in load_prompt(name)


def test_a_template_without_its_fields_is_refused(tmp_path: Path) -> None:
    (tmp_path / "answer.md").write_text("Answer: {question}", encoding="utf-8")
    with pytest.raises(PromptError, match="lacks the placeholders"):
        load_prompt("answer", tmp_path)
    with pytest.raises(PromptError, match="no prompt template"):
        load_prompt("condense", tmp_path)
