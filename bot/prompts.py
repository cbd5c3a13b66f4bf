"""Prompt templates are plain files in prompts/, reviewed like code; this loads and checks them.

prompts/ is installed with the package as `bot.prompt_files` (pyproject.toml), so the templates are found in an
editable checkout and in an installed wheel alike; CITEBOT_PROMPTS_DIR points elsewhere.
"""

from __future__ import annotations

import importlib.util
import string
from pathlib import Path


def prompts_dir() -> Path:
    """Where the shipped templates are (the checkout's prompts/, or the installed copy)."""
    spec = importlib.util.find_spec("bot.prompt_files")
    if spec is None or spec.origin is None:
        raise PromptError("the prompt templates (bot.prompt_files) are not installed; reinstall citebot")
    return Path(spec.origin).parent


REQUIRED_FIELDS = {
    "answer": {"passages", "question", "language", "not_in_articles"},
    "condense": {"history", "question"},
}


class PromptError(ValueError):
    """A template is missing or does not have the fields its use needs."""


def load_prompt(name: str, directory: Path | None = None) -> str:
    """The template `prompts/NAME.md` (or DIRECTORY/NAME.md), checked for the placeholders its use fills in."""
    path = (directory or prompts_dir()) / f"{name}.md"
    if not path.exists():
        raise PromptError(f"no prompt template {path}")
    text = path.read_text(encoding="utf-8")
    fields = {f for _, f, _, _ in string.Formatter().parse(text) if f}
    missing = REQUIRED_FIELDS.get(name, set()) - fields
    if missing:
        raise PromptError(f"{path} lacks the placeholders {', '.join('{' + m + '}' for m in sorted(missing))}")
    return text


SEPARATOR = "\n---\n"


def split_prompt(template: str) -> tuple[str, str]:
    """(system, user): the part above a line '---' holds the rules, the part below the material."""
    system, sep, user = template.partition(SEPARATOR)
    return (system.strip(), user.strip()) if sep else ("", template.strip())
